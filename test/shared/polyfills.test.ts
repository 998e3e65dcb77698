import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { promiseWithResolvers } from '../../src/shared/polyfills.js';
import '../../src/shared/polyfills.js';
import { StateMachine } from 'aws-local-stepfunctions';

const nativeWithResolvers = spawnSync(process.execPath, ['-p', 'typeof Promise.withResolvers'], {
  encoding: 'utf8',
}).stdout.trim();

test('the polyfill resolves its promise with the value given to resolve', async () => {
  const { promise, resolve } = promiseWithResolvers<number>();
  resolve(42);
  assert.equal(await promise, 42);
});

test('the polyfill rejects its promise with the reason given to reject, and ignores later settlements', async () => {
  const { promise, resolve, reject } = promiseWithResolvers<number>();
  reject(new Error('no'));
  resolve(1);
  await assert.rejects(promise, /no/);
});

test('after import, Promise.withResolvers exists and behaves as the spec says', async () => {
  const withResolvers = (
    Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>; resolve: (v: T) => void } }
  ).withResolvers;
  assert.equal(typeof withResolvers, 'function');
  const { promise, resolve } = withResolvers.call(Promise) as {
    promise: Promise<string>;
    resolve: (v: string) => void;
  };
  resolve('ok');
  assert.equal(await promise, 'ok');
});

test('a Retry firing in aws-local-stepfunctions completes on this Node', async () => {
  let calls = 0;
  const machine = new StateMachine({
    StartAt: 'Flaky',
    States: {
      Flaky: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:flaky',
        Retry: [{ ErrorEquals: ['Flaky.Error'], IntervalSeconds: 1, MaxAttempts: 2 }],
        End: true,
      },
    },
  });
  const run = machine.run(
    {},
    {
      overrides: {
        taskResourceLocalHandlers: {
          Flaky: () => {
            calls += 1;
            if (calls === 1) throw Object.assign(new Error('first call fails'), { name: 'Flaky.Error' });
            return { calls };
          },
        },
        retryIntervalOverrides: { Flaky: 0 },
      },
    },
  );
  assert.deepEqual(await run.result, { calls: 2 });
});

test(
  'without the polyfill, aws-local-stepfunctions fails on a Node that lacks Promise.withResolvers',
  { skip: nativeWithResolvers === 'function' ? 'this Node has Promise.withResolvers natively' : false },
  () => {
    const script = `
      import { StateMachine } from 'aws-local-stepfunctions';
      const m = new StateMachine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:t', End: true } } });
      try { await m.run({}, { overrides: { taskResourceLocalHandlers: { T: () => ({}) } } }).result; console.log('ran'); }
      catch (e) { console.log(e.cause?.message ?? e.message); }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: process.cwd(),
    });
    assert.match(result.stdout, /withResolvers is not a function/);
  },
);
