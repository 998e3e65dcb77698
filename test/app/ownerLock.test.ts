import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OWNER_RECORD_FILE, readOwnerRecord, tryAcquireOwnerLock } from '../../src/app/ownerLock.js';
import { makeTempDir } from '../support/engine.js';

const LOCK_MODULE = new URL('../../src/app/ownerLock.js', import.meta.url).href;

/**
 * A process that loads the lock module, says `ready`, and on `go` tries to take the lock once,
 * publishes a record if it won, prints `owner` or `busy`, and holds on until killed.
 */
const CONTENDER = `
const { tryAcquireOwnerLock } = await import(process.argv[1]);
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  const lock = tryAcquireOwnerLock(process.argv[2]);
  lock?.publish({ command: 'contender', personalizeEndpoint: null, apiEndpoint: null });
  process.stdout.write(lock ? 'owner\\n' : 'busy\\n');
  setInterval(() => undefined, 1 << 30);
});
`;

function contender(stateDir: string): { child: ChildProcessWithoutNullStreams; lines: Promise<string>[] } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, LOCK_MODULE, stateDir]);
  child.stdout.setEncoding('utf8');
  const waiters: ((line: string) => void)[] = [];
  const lines = [0, 1].map(() => new Promise<string>((resolve) => waiters.push(resolve)));
  let buffer = '';
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      waiters.shift()?.(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  });
  return { child, lines };
}

test('of many processes asking for one state dir at the same moment, exactly one becomes its owner', async (t) => {
  const stateDir = makeTempDir('pr-lock-');
  const contenders = Array.from({ length: 8 }, () => contender(stateDir));
  t.after(() => {
    for (const { child } of contenders) child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });
  // Everyone is loaded and waiting; then all are told to go at once.
  assert.deepEqual(await Promise.all(contenders.map(({ lines }) => lines[0])), Array(8).fill('ready'));
  for (const { child } of contenders) child.stdin.write('go\n');
  const answers = await Promise.all(contenders.map(({ lines }) => lines[1]));
  assert.equal(answers.filter((answer) => answer === 'owner').length, 1, answers.join(' '));
  assert.equal(answers.filter((answer) => answer === 'busy').length, 7);

  const winner = contenders[answers.indexOf('owner')]?.child;
  assert.equal(readOwnerRecord(stateDir)?.pid, winner?.pid);
  assert.equal(
    statSync(join(stateDir, OWNER_RECORD_FILE)).mode & 0o777,
    0o600,
    'only its user reads the token',
  );
  assert.equal(tryAcquireOwnerLock(stateDir), undefined, 'this process cannot take it either');
});

test('the lock of an owner killed with SIGKILL is taken over by the next process; its stale record is replaced', async (t) => {
  const stateDir = makeTempDir('pr-lock-');
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const { child, lines } = contender(stateDir);
  assert.equal(await lines[0], 'ready');
  child.stdin.write('go\n');
  assert.equal(await lines[1], 'owner');
  assert.equal(tryAcquireOwnerLock(stateDir), undefined);

  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
  assert.equal(readOwnerRecord(stateDir)?.pid, child.pid, 'the dead owner left its record behind');

  const lock = tryAcquireOwnerLock(stateDir);
  assert.ok(lock, 'the stale lock is free');
  const record = lock.publish({ command: 'test', personalizeEndpoint: null, apiEndpoint: null });
  assert.equal(readOwnerRecord(stateDir)?.pid, process.pid);
  assert.equal(record.token, lock.token);
  lock.release();
  assert.equal(readOwnerRecord(stateDir), undefined, 'a released lock withdraws its record');
  const again = tryAcquireOwnerLock(stateDir);
  assert.ok(again, 'and the lock is free again');
  again.release();
});
