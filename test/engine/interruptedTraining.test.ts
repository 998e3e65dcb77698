import {
  CreateSolutionVersionCommand,
  DescribeSolutionVersionCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { makeTempDir, sdkClientConfig, startTestEngine } from '../support/engine.js';
import { RECIPE, createSolution, importShop, trainVersion } from '../support/shop.js';
import { waitFor } from '../support/wait.js';

test('a training cut short by a crash (SIGKILL) is CREATE FAILED "interrupted" after restart, and training works again', async (t) => {
  const stateDir = makeTempDir();
  const child = spawn(
    process.execPath,
    ['bin/personalize-retrain.js', 'engine', '--port', '0', '--state-dir', stateDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  t.after(() => child.kill('SIGKILL'));
  child.stdout.setEncoding('utf8');
  let printed = '';
  const url = await new Promise<string>((resolve) =>
    child.stdout.on('data', (chunk: string) => {
      printed += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
      if (match?.[1]) resolve(match[1]);
    }),
  );
  const crashing = new PersonalizeClient(sdkClientConfig(url));
  const { datasetGroupArn } = await importShop(crashing, join(stateDir, 'data'));
  const solutionArn = await createSolution(crashing, datasetGroupArn, 'slow', RECIPE.userPersonalization, {
    hidden_dimension: '512',
    epochs: '500',
  });
  const { solutionVersionArn } = await crashing.send(new CreateSolutionVersionCommand({ solutionArn }));
  await waitFor(
    () => crashing.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => r.solutionVersion?.status === 'CREATE IN_PROGRESS',
  );
  crashing.destroy();
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;

  const { personalize } = await startTestEngine(t, { stateDir });
  const { solutionVersion } = await personalize.send(
    new DescribeSolutionVersionCommand({ solutionVersionArn }),
  );
  assert.equal(solutionVersion?.status, 'CREATE FAILED');
  assert.equal(solutionVersion?.failureReason, 'interrupted');

  const db = new Database(join(stateDir, 'engine.sqlite'), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();

  const fast = await createSolution(personalize, datasetGroupArn, 'fast');
  const { version } = await trainVersion(personalize, fast);
  assert.equal(version?.status, 'ACTIVE');
  const { solutionVersions = [] } = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
  assert.equal(solutionVersions.length, 1);
});
