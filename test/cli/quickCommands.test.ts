import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { makeTempDir } from '../support/engine.js';
import { CLI } from './support.js';

/** A module hook that writes down every module URL the process resolves, to the file named in $TRACE_FILE. */
const TRACE_HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TRACE_FILE, result.url + '\\n');
  return result;
}
`;

test('status, history, validate, definition and run load no CDK module (aws-cdk-lib, aws-cdk, cdk-nag)', (t) => {
  const dir = makeTempDir('pr-quick-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, TRACE_HOOKS);
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const missing = join(dir, 'missing.cfg');
  for (const args of [
    ['status', '--state-dir', dir],
    ['history', '--state-dir', dir],
    ['validate', '--params', missing],
    ['definition', '--params', missing],
    ['run', '--params', missing, '--state-dir', dir],
  ]) {
    const trace = join(dir, `${args[0] ?? ''}.trace`);
    writeFileSync(trace, '');
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, CLI, ...args], {
      env: { ...process.env, TRACE_FILE: trace },
      encoding: 'utf8',
    });
    assert.ok(result.status === 0 || result.status === 2, `${args.join(' ')}: ${result.stderr}`);
    const modules = readFileSync(trace, 'utf8').split('\n');
    assert.ok(
      modules.some((url) => url.includes('/dist/src/cli/program.js')),
      'the trace sees the CLI',
    );
    assert.deepEqual(
      modules.filter((url) => /\/node_modules\/(aws-cdk-lib|aws-cdk|cdk-nag)\//.test(url)),
      [],
      args.join(' '),
    );
  }
});

test('--version prints the version of package.json', () => {
  const result = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
  const manifest = JSON.parse(readFileSync(join(CLI, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  assert.equal(result.status, 0);
  assert.equal(result.stdout, `${manifest.version}\n`);
});
