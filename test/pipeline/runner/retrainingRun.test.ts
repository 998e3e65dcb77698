import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  ENGINE_WAIT_FIRST_MS,
  ENGINE_WAIT_GROWTH,
  engineWaitMs,
  engineWaitOverrides,
} from '../../../src/pipeline/runner/engineWaits.js';
import { runPipeline } from '../../../src/pipeline/runner/retrainingRun.js';
import { UnsupportedDefinitionError } from '../../../src/pipeline/runner/definitionCheck.js';
import { startTestEngine } from '../../support/engine.js';
import { silentNotifier, startScriptedPersonalize, tempStore } from './support.js';

const MISSING_SOLUTION = 'arn:aws:personalize:us-east-1:000000000000:solution/missing';

function definition(states: Record<string, unknown>, startAt: string): StateMachineDefinition {
  return { StartAt: startAt, States: states } as unknown as StateMachineDefinition;
}

test('a Catch on Personalize.ResourceNotFoundException catches the engine error, with the SDK message as Cause', async (t) => {
  const { engine } = await startTestEngine(t);
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      {
        Describe: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:personalize:describeSolution',
          Parameters: { SolutionArn: MISSING_SOLUTION },
          Catch: [
            {
              ErrorEquals: ['Personalize.ResourceNotFoundException'],
              ResultPath: '$.error',
              Next: 'Missing',
            },
          ],
          End: true,
        },
        Missing: { Type: 'Pass', End: true },
      },
      'Describe',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: engine.url },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  const output = outcome.execution.output as { error: { Error: string; Cause: string } };
  assert.equal(output.error.Error, 'Personalize.ResourceNotFoundException');
  assert.match(
    output.error.Cause,
    /Solution .*missing does not exist\. \(Service: Personalize, Status Code: 400, Request ID: /,
  );
  assert.deepEqual(
    outcome.visits.map((v) => [v.stateName, v.outcome]),
    [
      ['Describe', 'CAUGHT'],
      ['Missing', 'SUCCEEDED'],
    ],
  );
});

test('an uncaught SDK error fails the run with the Personalize error name and cause', async (t) => {
  const { engine } = await startTestEngine(t);
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      {
        Describe: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:personalize:describeSolution',
          Parameters: { SolutionArn: MISSING_SOLUTION },
          End: true,
        },
      },
      'Describe',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: engine.url },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'FAILED');
  assert.equal(outcome.execution.error, 'Personalize.ResourceNotFoundException');
  assert.match(outcome.execution.cause ?? '', /missing does not exist/);
  assert.equal(store.visits(outcome.execution.id)[0]?.outcome, 'FAILED');
});

test('a Retry on Personalize.LimitExceededException fires and the second attempt succeeds', async (t) => {
  let attempts = 0;
  const personalize = await startScriptedPersonalize(t, (operation) => {
    attempts += 1;
    return attempts === 1
      ? { error: 'LimitExceededException', message: 'Too many solution versions in progress.' }
      : {
          body: {
            solutionVersionArn: `arn:aws:personalize:us-east-1:000000000000:solution/shop/v1`,
            op: operation,
          },
        };
  });
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      {
        Train: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:personalize:createSolutionVersion',
          Parameters: {
            SolutionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/shop',
            'Name.$': '$$.Execution.Name',
          },
          Retry: [
            { ErrorEquals: ['Personalize.LimitExceededException'], IntervalSeconds: 30, MaxAttempts: 3 },
          ],
          End: true,
        },
      },
      'Train',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: personalize.url },
    store,
    notifier: silentNotifier(),
    executionName: 'retry-test',
    retryOverrideMs: 0,
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  assert.deepEqual(outcome.execution.output, {
    SolutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/shop/v1',
  });
  assert.equal(personalize.calls.length, 2);
  assert.equal(personalize.calls[0]?.operation, 'CreateSolutionVersion');
  assert.deepEqual(personalize.calls[0]?.body, {
    solutionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/shop',
    name: 'retry-test',
  });
  assert.equal(outcome.visits[0]?.retries, 1);
  assert.equal(
    outcome.execution.solutionVersionArn,
    'arn:aws:personalize:us-east-1:000000000000:solution/shop/v1',
  );
});

test('the run records the trained version with its metrics and the metrics of the version it was compared with', async (t) => {
  const v2 = 'arn:aws:personalize:us-east-1:000000000000:solution/shop/v2';
  const v1 = 'arn:aws:personalize:us-east-1:000000000000:solution/shop/v1';
  const personalize = await startScriptedPersonalize(t, (operation, body) => {
    if (operation === 'CreateSolutionVersion') return { body: { solutionVersionArn: v2 } };
    const arn = body['solutionVersionArn'];
    return {
      body: {
        solutionVersionArn: arn,
        metrics: { normalized_discounted_cumulative_gain_at_10: arn === v2 ? 0.3 : 0.2 },
      },
    };
  });
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      {
        Train: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:personalize:createSolutionVersion',
          Parameters: { SolutionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/shop' },
          ResultPath: '$.trained',
          Next: 'Compare',
        },
        Compare: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'NewMetrics',
              States: {
                NewMetrics: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::aws-sdk:personalize:getSolutionMetrics',
                  Parameters: { 'SolutionVersionArn.$': '$.trained.SolutionVersionArn' },
                  End: true,
                },
              },
            },
            {
              StartAt: 'OldMetrics',
              States: {
                OldMetrics: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::aws-sdk:personalize:getSolutionMetrics',
                  Parameters: { SolutionVersionArn: v1 },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
      'Train',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: personalize.url },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  const stored = store.get(outcome.execution.id);
  assert.equal(stored?.solutionVersionArn, v2);
  assert.deepEqual(stored?.metrics, { normalized_discounted_cumulative_gain_at_10: 0.3 });
  assert.equal(stored?.previousSolutionVersionArn, v1);
  assert.deepEqual(stored?.previousMetrics, { normalized_discounted_cumulative_gain_at_10: 0.2 });
});

test('a Fail state with Error Pipeline.Rejected ends the run REJECTED with its cause', async (t) => {
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      { Gate: { Type: 'Fail', Error: 'Pipeline.Rejected', Cause: 'ndcg@10 fell from 0.30 to 0.20' } },
      'Gate',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'REJECTED');
  assert.equal(outcome.execution.cause, 'ndcg@10 fell from 0.30 to 0.20');
});

test('a successful end whose output says Outcome REJECTED ends the run REJECTED', async (t) => {
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      { Done: { Type: 'Pass', Result: { Outcome: 'REJECTED', Reason: 'worse model' }, End: true } },
      'Done',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'REJECTED');
  assert.equal(outcome.execution.error, 'Pipeline.Rejected');
  assert.equal(outcome.execution.cause, 'worse model');
});

test('Wait states last their own duration unless a test shortens them', async (t) => {
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition({ Poll: { Type: 'Wait', Seconds: 600, End: true } }, 'Poll'),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
    waitOverrideMs: 0,
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  assert.equal(outcome.visits[0]?.stateType, 'Wait');

  const stop = new AbortController();
  const pending = runPipeline({
    definition: definition({ Poll: { Type: 'Wait', Seconds: 600, End: true } }, 'Poll'),
    pipelineName: 'other',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
    signal: stop.signal,
    onEvent: (event) => {
      if (event.type === 'state' && event.visit.outcome === 'RUNNING') stop.abort('shutting down');
    },
  });
  const aborted = await pending;
  assert.equal(
    aborted.execution.status,
    'ABORTED',
    'an unshortened 600 s Wait was still waiting when stopped',
  );
  assert.equal(aborted.execution.cause, 'shutting down');
});

test('against the embedded engine Waits start short and grow to the state-s own Seconds; other endpoints wait in full', async (t) => {
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition({ Poll: { Type: 'Wait', Seconds: 600, End: true } }, 'Poll'),
    pipelineName: 'embedded',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9', embeddedEngine: true },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED', 'a 600 s Wait was shortened');

  const overrides = engineWaitOverrides([
    { name: 'Poll', state: { Type: 'Wait', Seconds: 1 } },
    { name: 'Until', state: { Type: 'Wait' } },
    { name: 'Task', state: { Type: 'Task' } },
  ]);
  assert.deepEqual(Object.keys(overrides), ['Poll'], 'only fixed-Seconds Waits are shortened');
  const waits = Array.from({ length: 30 }, () => overrides['Poll']!);
  assert.equal(waits[0], ENGINE_WAIT_FIRST_MS);
  assert.ok(waits.every((ms, n) => n === 0 || (ms >= waits[n - 1]! && ms <= 1000)));
  assert.equal(waits.at(-1), 1000, 'a long loop polls at its PollInterval again');
  assert.equal(engineWaitMs(1, 60_000), Math.round(ENGINE_WAIT_FIRST_MS * ENGINE_WAIT_GROWTH));
});

test('a run aborted mid-way is resumed under the same execution name', async (t) => {
  const { store } = tempStore(t);
  const stop = new AbortController();
  const first = await runPipeline({
    definition: definition({ Poll: { Type: 'Wait', Seconds: 600, End: true } }, 'Poll'),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
    signal: stop.signal,
    onEvent: (event) => {
      if (event.type === 'state') stop.abort();
    },
  });
  assert.equal(first.execution.status, 'ABORTED');
  const second = await runPipeline({
    definition: definition({ Poll: { Type: 'Wait', Seconds: 600, End: true } }, 'Poll'),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
    waitOverrideMs: 0,
  });
  assert.equal(second.execution.executionName, first.execution.executionName);
  assert.equal(second.execution.resumedFrom, first.execution.id);
  assert.equal(second.execution.status, 'SUCCEEDED');
  const third = await runPipeline({
    definition: definition({ Done: { Type: 'Succeed' } }, 'Done'),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
  });
  assert.notEqual(third.execution.executionName, first.execution.executionName);
});

test('a definition with resources or parameters the runner cannot honour is refused before anything is recorded', async (t) => {
  const { store } = tempStore(t);
  await assert.rejects(
    runPipeline({
      definition: definition(
        {
          Lambda: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f',
            Next: 'Typo',
          },
          Typo: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:personalize:describeSolution',
            Parameters: { solutionArn: 'x' },
            Next: 'Unknown',
          },
          Unknown: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:personalize:trainEverything',
            End: true,
          },
        },
        'Lambda',
      ),
      pipelineName: 'shop',
      target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
      store,
      notifier: silentNotifier(),
    }),
    (error: unknown) =>
      error instanceof UnsupportedDefinitionError &&
      error.problems.length === 3 &&
      /'solutionArn' is not a member of DescribeSolutionRequest; accepted: SolutionArn/.test(error.message),
  );
  assert.deepEqual(store.list(), []);
});

test('a connection failure is a retryable Personalize.SdkClientException', async (t) => {
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      {
        List: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:personalize:listRecipes',
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }],
          End: true,
        },
      },
      'List',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(),
    retryOverrideMs: 0,
  });
  assert.equal(outcome.execution.status, 'FAILED');
  assert.equal(outcome.execution.error, 'Personalize.SdkClientException');
  assert.equal(outcome.visits[0]?.retries, 1);
});

test('Tasks inside a Map run with their iteration recorded on each visit', async (t) => {
  const { engine } = await startTestEngine(t);
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition(
      {
        Each: {
          Type: 'Map',
          ItemsPath: '$.arns',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'Describe',
            States: {
              Describe: {
                Type: 'Task',
                Resource: 'arn:aws:states:::aws-sdk:personalize:describeSolution',
                Parameters: { 'SolutionArn.$': '$' },
                Catch: [{ ErrorEquals: ['Personalize.ResourceNotFoundException'], Next: 'Gone' }],
                End: true,
              },
              Gone: { Type: 'Pass', Result: 'gone', End: true },
            },
          },
          End: true,
        },
      },
      'Each',
    ),
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: engine.url },
    store,
    notifier: silentNotifier(),
    input: { arns: [`${MISSING_SOLUTION}-a`, `${MISSING_SOLUTION}-b`] },
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  assert.deepEqual(outcome.execution.output, ['gone', 'gone']);
  const describes = outcome.visits.filter((v) => v.stateName === 'Describe');
  assert.deepEqual(describes.map((v) => [v.iteration, v.outcome]).sort(), [
    [0, 'CAUGHT'],
    [1, 'CAUGHT'],
  ]);
});
