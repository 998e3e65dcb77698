#!/usr/bin/env node
// Runs every compiled test file with node's built-in runner. Node 20 has no glob support in
// `node --test`, so the files are listed here. Pass paths or substrings to run a subset.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'dist/test';
const filters = process.argv.slice(2);

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = collect(root)
  .filter((file) => filters.length === 0 || filters.some((f) => relative('.', file).includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched under ${root}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
