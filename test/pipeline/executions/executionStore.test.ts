import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { test } from 'node:test';
import { openExecutionStore } from '../../../src/pipeline/executions/executionStore.js';
import { tempStore } from '../runner/support.js';

test('a finished execution keeps its status, times, trained version, both metrics, error and cause', (t) => {
  let clock = 1_000;
  const { store } = tempStore(t, { now: () => clock });
  const started = store.begin({
    pipelineName: 'shop',
    executionName: 'e1',
    target: 'local',
    trainingMode: 'UPDATE',
  });
  assert.equal(started.status, 'RUNNING');
  assert.equal(started.ownerPid, process.pid);
  clock = 5_000;
  const finished = store.finish(started.id, {
    status: 'REJECTED',
    facts: {
      solutionVersionArn: 'arn:v2',
      metrics: { coverage: 0.1 },
      previousSolutionVersionArn: 'arn:v1',
      previousMetrics: { coverage: 0.2 },
    },
    error: 'Pipeline.Rejected',
    cause: 'coverage fell',
  });
  assert.deepEqual(
    { ...finished, ownerHost: null },
    {
      id: started.id,
      pipelineName: 'shop',
      executionName: 'e1',
      kind: 'retraining',
      target: 'local',
      executionArn: null,
      status: 'REJECTED',
      startedAt: 1_000,
      endedAt: 5_000,
      ownerPid: process.pid,
      ownerHost: null,
      resumedFrom: null,
      solutionVersionArn: 'arn:v2',
      metrics: { coverage: 0.1 },
      previousSolutionVersionArn: 'arn:v1',
      previousMetrics: { coverage: 0.2 },
      error: 'Pipeline.Rejected',
      cause: 'coverage fell',
      output: null,
      trainingMode: 'UPDATE',
    },
  );
});

test('state visits are saved on entry and updated on exit; finishing closes any left open as FAILED', (t) => {
  const { store } = tempStore(t);
  const { id } = store.begin({ pipelineName: 'shop', executionName: 'e1', target: 'local' });
  const base = { stateType: 'Task', iteration: null, retries: 0, error: null, cause: null } as const;
  store.saveVisit(id, {
    ...base,
    seq: 1,
    stateName: 'Import',
    enteredAt: 10,
    exitedAt: null,
    durationMs: null,
    outcome: 'RUNNING',
  });
  store.saveVisit(id, {
    ...base,
    seq: 1,
    stateName: 'Import',
    enteredAt: 10,
    exitedAt: 25,
    durationMs: 15,
    outcome: 'SUCCEEDED',
  });
  store.saveVisit(id, {
    ...base,
    seq: 2,
    stateName: 'Train',
    enteredAt: 25,
    exitedAt: null,
    durationMs: null,
    outcome: 'RUNNING',
  });
  store.finish(id, { status: 'FAILED', error: 'Personalize.LimitExceededException', cause: 'too many' });
  assert.deepEqual(
    store.visits(id).map((v) => [v.stateName, v.outcome, v.durationMs]),
    [
      ['Import', 'SUCCEEDED', 15],
      ['Train', 'FAILED', null],
    ],
  );
});

test('a RUNNING execution whose process is gone is ABORTED at next open; a live one is left alone', (t) => {
  const { store, path } = tempStore(t, { pid: 111, host: 'here' });
  const dead = store.begin({ pipelineName: 'shop', executionName: 'dead', target: 'local' });
  store.close();
  const other = openExecutionStore(path, { pid: 222, host: 'here', isProcessAlive: () => true });
  const alive = other.begin({ pipelineName: 'toys', executionName: 'alive', target: 'local' });
  other.close();

  const reopened = openExecutionStore(path, {
    host: 'here',
    isProcessAlive: (pid) => pid === 222,
    now: () => 9_000,
  });
  t.after(() => reopened.close());
  assert.deepEqual(reopened.abortedAtOpen, [dead.id]);
  const aborted = reopened.get(dead.id);
  assert.equal(aborted?.status, 'ABORTED');
  assert.equal(aborted?.endedAt, 9_000);
  assert.match(aborted?.cause ?? '', /pid 111\) ended before the execution finished/);
  assert.equal(reopened.get(alive.id)?.status, 'RUNNING');
  assert.equal(reopened.resumable('shop')?.executionName, 'dead');
  assert.equal(reopened.resumable('toys'), undefined);
});

test('an execution owned by another host is not judged from here', (t) => {
  const { store, path } = tempStore(t, { host: 'elsewhere', pid: 1 });
  const remote = store.begin({ pipelineName: 'shop', executionName: 'remote', target: 'local' });
  const reopened = openExecutionStore(path, { host: 'here', isProcessAlive: () => false });
  t.after(() => reopened.close());
  assert.equal(reopened.get(remote.id)?.status, 'RUNNING');
});

test('a skipped run is recorded with its reason and does not hide an ABORTED run from resumption', (t) => {
  const { store } = tempStore(t);
  const run = store.begin({ pipelineName: 'shop', executionName: 'e1', target: 'local' });
  store.finish(run.id, { status: 'ABORTED' });
  const skipped = store.recordSkipped({
    pipelineName: 'shop',
    executionName: 'e2',
    target: 'local',
    reason: 'execution e0 of this pipeline is still running',
  });
  assert.equal(skipped.status, 'SKIPPED');
  assert.equal(skipped.cause, 'execution e0 of this pipeline is still running');
  assert.equal(store.resumable('shop')?.executionName, 'e1');
  assert.deepEqual(
    store.list({ pipelineName: 'shop' }).map((e) => e.status),
    ['SKIPPED', 'ABORTED'],
  );
  assert.deepEqual(store.running(), []);
});

test('a run left RUNNING by a process that was killed is ABORTED when the store is next opened', async (t) => {
  const { store, path } = tempStore(t);
  store.close();
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const storeModule = fileURLToPath(
    new URL('../../../src/pipeline/executions/executionStore.js', import.meta.url),
  );
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { openExecutionStore } = await import(${JSON.stringify(storeModule)});
       const store = openExecutionStore(${JSON.stringify(path)});
       store.begin({ pipelineName: 'shop', executionName: 'killed', target: 'local' });
       console.log('started');
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reopened = openExecutionStore(path);
  t.after(() => reopened.close());
  assert.equal(reopened.list({ pipelineName: 'shop' })[0]?.status, 'ABORTED');
  assert.equal(reopened.resumable('shop')?.executionName, 'killed');
});

test('the skip rule across connections: of two claims for one pipeline one starts and the other is recorded SKIPPED', (t) => {
  const { store, path } = tempStore(t);
  const other = openExecutionStore(path, { pid: 222, recoverOrphans: false });
  t.after(() => other.close());
  const first = store.claim({ pipelineName: 'shop', executionName: 'a', target: 'local' });
  const second = other.claim({ pipelineName: 'shop', executionName: 'b', target: 'local' });
  const elsewhere = other.claim({ pipelineName: 'blog', executionName: 'c', target: 'local' });
  assert.equal(first.kind, 'started');
  assert.equal(second.kind, 'skipped');
  assert.equal(elsewhere.kind, 'started', 'another pipeline runs in parallel');
  assert.equal(second.execution.status, 'SKIPPED');
  assert.equal(
    second.execution.cause,
    `run a (id ${first.execution.id}) of this pipeline is still in progress`,
  );
  assert.deepEqual(
    store.running().map((run) => run.executionName),
    ['a', 'c'],
  );
  store.finish(first.execution.id, { status: 'SUCCEEDED' });
  assert.equal(other.claim({ pipelineName: 'shop', executionName: 'd', target: 'local' }).kind, 'started');
});

test('a 0.1.0 history upgrades to runs with a kind: its rollbacks (known by their name) become kind rollback', (t) => {
  const { store, path } = tempStore(t);
  store.begin({ pipelineName: 'shop', executionName: 'rollback-20250101T000000Z-abcd', target: 'local' });
  store.begin({ pipelineName: 'blog', executionName: '20250101T000000Z-abcd', target: 'local' });
  store.close();
  // Back to version 1, as release 0.1.0 left it: no kind column.
  const db = new Database(path);
  db.exec('ALTER TABLE executions DROP COLUMN kind');
  db.exec('ALTER TABLE executions DROP COLUMN training_mode');
  db.pragma('user_version = 1');
  db.close();
  const upgraded = openExecutionStore(path, { recoverOrphans: false });
  t.after(() => upgraded.close());
  assert.deepEqual(
    upgraded.list().map((run) => [run.pipelineName, run.kind]),
    [
      ['blog', 'retraining'],
      ['shop', 'rollback'],
    ],
  );
});

test('a version 2 history upgrades to runs with a training mode: null for runs recorded before it', (t) => {
  const { store, path } = tempStore(t);
  store.begin({ pipelineName: 'shop', executionName: 'before', target: 'local' });
  store.close();
  const db = new Database(path);
  db.exec('ALTER TABLE executions DROP COLUMN training_mode');
  db.pragma('user_version = 2');
  db.close();
  const upgraded = openExecutionStore(path, { recoverOrphans: false });
  t.after(() => upgraded.close());
  upgraded.recordSkipped({
    pipelineName: 'shop',
    executionName: 'after',
    target: 'local',
    reason: 'busy',
    trainingMode: 'UPDATE',
  });
  assert.deepEqual(
    upgraded.list().map((run) => [run.executionName, run.trainingMode]),
    [
      ['after', 'UPDATE'],
      ['before', null],
    ],
  );
});
