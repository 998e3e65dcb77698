import { randomBytes } from 'node:crypto';

/**
 * A fresh execution name: UTC start time plus 4 random hex digits, e.g. `20250301T060000Z-3f9a`.
 * Short (21 characters) because the definition derives Personalize resource names from it and those
 * are limited to 63; sortable; valid both as a Step Functions execution name and in Personalize names.
 */
export function newExecutionName(at: number = Date.now(), random: () => string = () => randomBytes(2).toString('hex')): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${random()}`;
}

/** Step Functions' rule for execution names: 1–80 characters, none of whitespace, brackets, wildcards or `"#%\^|~\`$&,;:/`. */
export function isValidExecutionName(name: string): boolean {
  return /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/.test(name);
}
