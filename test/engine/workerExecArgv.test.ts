import { PersonalizeClient } from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir, sdkClientConfig } from '../support/engine.js';
import { createSolution, importShop, trainVersion } from '../support/shop.js';

const ENGINE_MODULE = new URL('../../src/engine/engine.js', import.meta.url).href;
const CHILD_ENGINE = `
const { startEngine } = await import(process.argv[1]);
const engine = await startEngine({ port: 0, stateDir: process.argv[2] });
process.stdout.write(engine.url + '\\n');
`;

test('an engine in a process started with --input-type=module -e imports and trains: workers do not inherit its execArgv', async (t) => {
  const stateDir = makeTempDir('pr-execargv-');
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD_ENGINE, ENGINE_MODULE, stateDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  t.after(() => {
    child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    let printed = '';
    child.stdout.on('data', (chunk: string) => {
      printed += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`the engine process exited (${code}) before it was ready`)),
    );
  });
  const personalize = new PersonalizeClient(sdkClientConfig(url));
  t.after(() => personalize.destroy());

  const { datasetGroupArn } = await importShop(personalize, join(stateDir, 'data'));
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'in-eval-process');
  const { version } = await trainVersion(personalize, solutionArn);
  assert.equal(version?.status, 'ACTIVE', version?.failureReason);
});
