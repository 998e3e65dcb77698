/** One `KEY=VALUE` line of a parameters file, with where it came from. */
export interface ParameterLine {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** Something wrong in a parameters file: where, which key, what, and how to fix it. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the issue is about the file as a whole (a required key is missing). */
  readonly line: number;
  readonly key: string;
  readonly message: string;
  readonly fix: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  return `${where} ${printable(issue.key)}: ${printable(issue.message)} Fix: ${issue.fix}`;
}

/**
 * Text from the file as it may be shown on a terminal: control characters and undecodable bytes
 * (a binary file given by mistake) are escaped, so they cannot garble or drive the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, (char) =>
    char === '\ufffd' ? '\\ufffd' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * Reads the reference sample's format: `KEY=VALUE` per line, `#` comments, blank lines, spaces
 * around key and value ignored, and a value may be wrapped in double quotes (as shells write it).
 * Returns every line that parsed and an issue for every line that did not.
 */
export function readParameterLines(
  text: string,
  file: string,
): { lines: ParameterLine[]; issues: ConfigIssue[] } {
  const lines: ParameterLine[] = [];
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const equals = trimmed.indexOf('=');
      if (equals <= 0) {
        issues.push({
          file,
          line,
          key: trimmed.slice(0, 40),
          message: `'${trimmed.slice(0, 80)}' is not a KEY=VALUE line.`,
          fix: 'write one setting per line as KEY=VALUE, or start the line with # to make it a comment.',
        });
        return;
      }
      const key = trimmed.slice(0, equals).trim();
      let value = trimmed.slice(equals + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        issues.push({
          file,
          line,
          key,
          message: `is set again (first set on line ${earlier}).`,
          fix: 'keep one of the two lines.',
        });
        return;
      }
      seen.set(key, line);
      lines.push({ key, value, line });
    });
  return { lines, issues };
}

/** The closest known key, for "did you mean" hints on typos. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
