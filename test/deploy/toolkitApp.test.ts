import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { APP_ENTRY, toolkitArguments, toolkitBinary } from '../../src/deploy/toolkit.js';
import { makeTempDir } from '../support/engine.js';
import { parameters } from './support.js';

/** No credentials, and every reason the toolkit might go online switched off. */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: home,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

function workspace(t: TestContext): { dir: string; params: string; home: string } {
  const dir = makeTempDir('pr-toolkit-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const params = join(dir, 'parameters.cfg');
  writeFileSync(params, parameters());
  const home = join(dir, 'home');
  mkdirSync(home);
  return { dir, params, home };
}

test(
  'the installed CDK toolkit runs the app entry and synthesizes the selected stack, offline',
  // A whole CDK synth in a child process: bounded so a hung toolkit fails the test, with room for a
  // loaded 2-core machine, where it took more than 60 s (the suite's default limit is 120 s).
  { timeout: 300_000 },
  (t) => {
    const { dir, params, home } = workspace(t);
    const output = join(dir, 'cdk.out');
    const args = toolkitArguments({
      command: 'diff',
      stackName: 'personalize-retraining-prod',
      paramsFile: params,
      outdir: output,
    });
    args[0] = 'synth';
    const result = spawnSync(process.execPath, [toolkitBinary(), ...args, '--quiet'], {
      cwd: dir,
      env: offlineEnv(home),
      encoding: 'utf8',
      timeout: 240_000,
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    const template = JSON.parse(
      readFileSync(join(output, 'personalize-retraining-prod.template.json'), 'utf8'),
    ) as { Resources: Record<string, { Type: string }> };
    assert.ok(Object.values(template.Resources).some((r) => r.Type === 'AWS::Scheduler::Schedule'));
  },
);

test('the app entry reports a missing parameters file in one line with exit status 2', (t) => {
  const { dir, home } = workspace(t);
  const result = spawnSync(process.execPath, [APP_ENTRY], {
    cwd: dir,
    env: {
      ...offlineEnv(home),
      CDK_OUTDIR: join(dir, 'out'),
      CDK_CONTEXT_JSON: JSON.stringify({ 'personalize-retrain:paramsFile': join(dir, 'nope.cfg') }),
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 2);
  assert.equal(
    result.stderr,
    `${join(dir, 'nope.cfg')} PARAMS_FILE: the parameters file does not exist. Fix: pass --params FILE or set PARAMS_FILE to your parameters file (see docs/CONFIGURATION.md).\n`,
  );
  assert.equal(existsSync(join(dir, 'out', 'manifest.json')), false);
});
