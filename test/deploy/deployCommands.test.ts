import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Command } from 'commander';
import { registerDeployCommands, type DeployCommandDeps } from '../../src/cli/commands/deploy.js';
import type { CliIo } from '../../src/cli/io.js';
import { APP_ENTRY } from '../../src/deploy/toolkit.js';
import { UserFacingError } from '../../src/shared/errors.js';
import { makeTempDir } from '../support/engine.js';
import { parameters } from './support.js';

const BIN = resolve('bin/personalize-retrain.js');

interface Run {
  readonly out: string;
  readonly err: string;
  readonly exitCode: number;
  readonly toolkitCalls: { args: readonly string[]; env: NodeJS.ProcessEnv }[];
}

function workspace(t: TestContext): { dir: string; params: string; home: string } {
  const dir = makeTempDir('pr-deploy-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const params = join(dir, 'parameters.prod.cfg');
  writeFileSync(params, parameters());
  const home = join(dir, 'home');
  mkdirSync(home);
  return { dir, params, home };
}

/** Runs the commands in-process with the given environment and a toolkit that only records its calls. */
async function run(
  argv: string[],
  { env, home, toolkitStatus = 0 }: { env: NodeJS.ProcessEnv; home: string; toolkitStatus?: number },
): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), isTty: false };
  const toolkitCalls: Run['toolkitCalls'] = [];
  const deps: DeployCommandDeps = {
    credentials: { env, homeDir: home, fileExists: existsSync },
    runToolkit: (args, toolkitEnv) => {
      toolkitCalls.push({ args, env: toolkitEnv });
      return Promise.resolve(toolkitStatus);
    },
  };
  const program = new Command('personalize-retrain').exitOverride();
  registerDeployCommands(program, io, deps);
  let exitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    err += `error: ${error.message}\n`;
    exitCode = error.exitCode;
  }
  return { out, err, exitCode, toolkitCalls };
}

test('synth writes <output>/<stack name>.template.json without any AWS credentials', async (t) => {
  const { dir, params, home } = workspace(t);
  const output = join(dir, 'assembly');
  const result = await run(
    ['synth', '--params', params, '--stack-name', 'personalize-retraining-prod', '--output', output],
    { env: {}, home },
  );
  const templateFile = join(output, 'personalize-retraining-prod.template.json');
  assert.equal(result.exitCode, 0);
  assert.equal(
    result.out,
    `${templateFile}\nstack personalize-retraining-prod for account 123456789012, region eu-west-1 (from SolutionArn)\n`,
  );
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  assert.ok(Object.values(template.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine'));
});

for (const command of ['deploy', 'diff', 'destroy', 'bootstrap']) {
  test(`${command} without credentials stops before the toolkit with exit status 1 and says how to log in`, async (t) => {
    const { params, home } = workspace(t);
    const result = await run([command, '--params', params], { env: {}, home });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(result.toolkitCalls, []);
    assert.match(
      result.err,
      new RegExp(`^error: no AWS credentials found: '${command}' talks to CloudFormation`),
    );
    assert.match(result.err, /run `aws configure`/);
    assert.equal(result.err.split('\n').length, 2, 'one line');
  });
}

test('a ~/.aws/config, AWS_PROFILE or key pair counts as credentials; a lone key id does not', async (t) => {
  const { params, home } = workspace(t);
  const deploy = ['deploy', '--params', params];
  assert.equal((await run(deploy, { env: { AWS_ACCESS_KEY_ID: 'AKIA' }, home })).exitCode, 1);
  assert.equal(
    (await run(deploy, { env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, home })).exitCode,
    0,
  );
  assert.equal((await run(deploy, { env: { AWS_PROFILE: 'prod' }, home })).exitCode, 0);
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n');
  assert.equal((await run(deploy, { env: {}, home })).exitCode, 0);
});

test('deploy runs the installed CDK toolkit on this package’s app, selecting the pipeline by context', async (t) => {
  const { params, home } = workspace(t);
  const result = await run(
    [
      'deploy',
      '--params',
      params,
      '--stack-name',
      'personalize-retraining-prod',
      '--require-approval',
      'never',
    ],
    { env: { AWS_PROFILE: 'prod' }, home },
  );
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.toolkitCalls[0]?.args, [
    'deploy',
    'personalize-retraining-prod',
    '--app',
    APP_ENTRY,
    '--context',
    'personalize-retrain:stackName=personalize-retraining-prod',
    '--context',
    `personalize-retrain:paramsFile=${params}`,
    '--no-notices',
    '--require-approval',
    'never',
  ]);
  assert.equal(result.toolkitCalls[0]?.env['AWS_PROFILE'], 'prod');
  assert.equal(result.toolkitCalls[0]?.env['CDK_DISABLE_VERSION_CHECK'], '1');
});

test('destroy --force passes --force; a failing toolkit is exit status 1 with one line, not a stack trace', async (t) => {
  const { params, home } = workspace(t);
  const env = { AWS_PROFILE: 'prod' };
  const destroyed = await run(['destroy', '--params', params, '--stack-name', 'x-staging', '--force'], {
    env,
    home,
  });
  assert.deepEqual(destroyed.toolkitCalls[0]?.args.slice(0, 2), ['destroy', 'x-staging']);
  assert.equal(destroyed.toolkitCalls[0]?.args.at(-1), '--force');

  const failed = await run(['diff', '--params', params, '--stack-name', 'x-staging'], {
    env,
    home,
    toolkitStatus: 3,
  });
  assert.equal(failed.exitCode, 1);
  assert.equal(failed.err, 'error: cdk diff x-staging failed (exit status 3); its output above says why.\n');
});

test('the bin with an empty environment: deploy exits 1 with the message and no stack trace', (t) => {
  const { params, home } = workspace(t);
  const result = spawnSync(process.execPath, [BIN, 'deploy', '--params', params], {
    env: { PATH: process.env['PATH'], HOME: home, AWS_EC2_METADATA_DISABLED: 'true' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^error: no AWS credentials found: 'deploy'/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test(
  'the bin honours STACK_NAME and PARAMS_FILE as the reference Makefile did',
  // A whole CDK synth in a child process: bounded so a hung toolkit fails the test, with room for a
  // loaded 2-core machine, where it took more than 60 s (the suite's default limit is 120 s).
  { timeout: 300_000 },
  (t) => {
    const { dir, params, home } = workspace(t);
    const result = spawnSync(process.execPath, [BIN, 'synth', '--output', 'out'], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'],
        HOME: home,
        STACK_NAME: 'personalize-retraining-staging',
        PARAMS_FILE: params,
      },
      encoding: 'utf8',
      timeout: 240_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(join(dir, 'out', 'personalize-retraining-staging.template.json')));
  },
);
