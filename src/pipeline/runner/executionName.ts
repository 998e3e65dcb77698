import { randomBytes } from 'node:crypto';

/**
 * A fresh execution name: UTC start time plus 4 random hex digits, e.g. `20250301T060000Z-3f9a`.
 * Short (21 characters) because the definition derives Personalize resource names from it and those
 * are limited to 63; sortable; valid both as a Step Functions execution name and in Personalize names.
 */
export function newExecutionName(
  at: number = Date.now(),
  random: () => string = () => randomBytes(2).toString('hex'),
): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${random()}`;
}

const FORBIDDEN_IN_NAMES = new Set([...' <>{}[]?*"#%\\^|~`$&,;:/']);

/** Step Functions' rule for execution names: 1–80 characters, none of whitespace, brackets, wildcards, `"#%\^|~\`$&,;:/` or control characters. */
export function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  return [...name].every((char) => {
    const code = char.codePointAt(0) ?? 0;
    const control = code <= 0x1f || (code >= 0x7f && code <= 0x9f);
    return !control && !FORBIDDEN_IN_NAMES.has(char) && !/\s/.test(char);
  });
}
