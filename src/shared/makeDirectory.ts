import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p` one level at a time. Node's own `mkdirSync(path, { recursive: true })` never returns
 * for a path under /proc (it retries ENOENT forever), which made `run --state-dir /proc/nope` hang;
 * creating each missing level plainly fails at once with the real error instead.
 */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let current = path; !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing) mkdirSync(level);
}
