import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from './support.js';

/** Help text is wrapped to the terminal width; compare it as one line. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

test('--help lists every command with a one-line summary and points newcomers at the demo', async () => {
  const { code, out } = await cli('--help');
  assert.equal(code, 0);
  for (const command of [
    'demo',
    'run',
    'serve',
    'status',
    'history',
    'rollback',
    'validate',
    'definition',
    'synth',
    'deploy',
    'engine',
  ]) {
    assert.match(out, new RegExp(`^  ${command}\\b`, 'm'), `${command} is listed`);
  }
  assert.match(
    oneLine(out),
    /demo \[options\] run a full retraining cycle locally on generated data \(start here\)/,
  );
  assert.match(oneLine(out), /`npx personalize-retrain demo` runs a whole cycle locally/);
});

test('run --help lists its options and the exit statuses scripts can rely on', async () => {
  const { code, out } = await cli('run', '--help');
  assert.equal(code, 0);
  const help = oneLine(out);
  for (const option of [
    '--params <file>',
    '--stack-name <name>',
    '--state-dir <dir>',
    '--endpoint <url>',
    '--target <where>',
    '--execution-name <name>',
    '--json',
  ]) {
    assert.ok(help.includes(option), `run --help lists ${option}`);
  }
  assert.match(help, /Exit status: 0 succeeded, 1 failed, 3 rejected by the metric gate, 4 skipped/);
  assert.match(help, /choices: "local", "aws"/);
});

const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  demo: ['--state-dir <dir>', '--seed <n>'],
  serve: ['--params <file-or-folder...>', '--run-now', '--endpoint <url>'],
  status: ['--state-dir <dir>', '--json'],
  history: ['[id]', '--stack-name <name>', '--limit <n>', '--json'],
  rollback: ['--to <solutionVersionArn>', '--params <file>', '--region <region>', '--json'],
  validate: ['--params <file>', '--endpoint <url>', '--region <region>', '--json'],
  definition: ['--params <file>', '--stack-name <name>'],
  engine: ['--port', '--state-dir'],
};

for (const [command, options] of Object.entries(COMMAND_OPTIONS)) {
  test(`${command} --help describes the command and lists its options`, async () => {
    const { code, out, err } = await cli(command, '--help');
    assert.equal(code, 0, err);
    assert.match(out, new RegExp(`^Usage: personalize-retrain ${command} `, 'm'));
    for (const option of options)
      assert.ok(oneLine(out).includes(option), `${command} --help lists ${option}`);
  });
}

test('validate --help says that any problem exits with status 2', async () => {
  const { out } = await cli('validate', '--help');
  assert.match(
    oneLine(out),
    /each with file:line, the key and how to fix it\. .*Exit status 2 on any problem/,
  );
});

test('an unknown command exits 2, names the command, suggests the closest one and points to --help', async () => {
  const { code, out, err } = await cli('rnu');
  assert.equal(code, 2);
  assert.equal(out, '');
  assert.match(err, /error: unknown command 'rnu'/);
  assert.match(err, /Did you mean run\?/);
  assert.match(err, /\(run with --help for usage\)/);
});

test('an unknown option of a command exits 2 (bad usage), not 1 (a failed run)', async () => {
  const { code, err } = await cli('run', '--paramz', 'x.cfg');
  assert.equal(code, 2);
  assert.match(err, /error: unknown option '--paramz'/);
  assert.match(err, /Did you mean --params\?/);
});
