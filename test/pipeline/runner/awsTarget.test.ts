import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { runPipeline } from '../../../src/pipeline/runner/retrainingRun.js';
import { silentNotifier, tempStore } from './support.js';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:shop-retraining';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:shop-retraining:e1';
const V2 = 'arn:aws:personalize:us-east-1:123456789012:solution/shop/v2';
const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));

const HISTORY: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
  {
    id: 2,
    previousEventId: 1,
    type: 'TaskStateEntered',
    timestamp: at(1),
    stateEnteredEventDetails: { name: 'Train' },
  },
  {
    id: 3,
    previousEventId: 2,
    type: 'TaskScheduled',
    timestamp: at(1),
    taskScheduledEventDetails: {
      resourceType: 'aws-sdk:personalize',
      resource: 'createSolutionVersion',
      region: 'us-east-1',
      parameters: '{}',
    },
  },
  {
    id: 4,
    previousEventId: 3,
    type: 'TaskFailed',
    timestamp: at(2),
    taskFailedEventDetails: {
      resourceType: 'aws-sdk:personalize',
      resource: 'createSolutionVersion',
      error: 'Personalize.LimitExceededException',
      cause: 'busy',
    },
  },
  {
    id: 5,
    previousEventId: 4,
    type: 'TaskScheduled',
    timestamp: at(4),
    taskScheduledEventDetails: {
      resourceType: 'aws-sdk:personalize',
      resource: 'createSolutionVersion',
      region: 'us-east-1',
      parameters: '{}',
    },
  },
  {
    id: 6,
    previousEventId: 5,
    type: 'TaskSucceeded',
    timestamp: at(5),
    taskSucceededEventDetails: {
      resourceType: 'aws-sdk:personalize',
      resource: 'createSolutionVersion',
      output: JSON.stringify({ SolutionVersionArn: V2 }),
    },
  },
  {
    id: 7,
    previousEventId: 6,
    type: 'TaskStateExited',
    timestamp: at(5),
    stateExitedEventDetails: { name: 'Train' },
  },
  {
    id: 8,
    previousEventId: 7,
    type: 'FailStateEntered',
    timestamp: at(6),
    stateEnteredEventDetails: { name: 'Rejected' },
  },
  {
    id: 9,
    previousEventId: 8,
    type: 'ExecutionFailed',
    timestamp: at(6),
    executionFailedEventDetails: { error: 'Pipeline.Rejected', cause: 'worse' },
  },
];

test('the AWS target starts the deployed state machine, follows it to its end and reads its history', async (t) => {
  const sfnMock = mockClient(SFNClient);
  t.after(() => sfnMock.restore());
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: at(0) });
  sfnMock
    .on(DescribeExecutionCommand)
    .resolvesOnce({ executionArn: EXECUTION, status: 'RUNNING', startDate: at(0) } as never)
    .resolves({
      executionArn: EXECUTION,
      status: 'FAILED',
      error: 'Pipeline.Rejected',
      cause: 'worse',
      stopDate: at(6),
    } as never);
  sfnMock
    .on(GetExecutionHistoryCommand)
    .resolvesOnce({ events: HISTORY.slice(0, 4) })
    .resolves({ events: HISTORY });
  const sleeps: number[] = [];
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: { StartAt: 'X', States: { X: { Type: 'Succeed' } } } as unknown as StateMachineDefinition,
    pipelineName: 'shop',
    target: {
      kind: 'aws',
      stateMachineArn: STATE_MACHINE,
      sfn: new SFNClient({ region: 'us-east-1' }),
      pollIntervalMs: 30_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    store,
    notifier: silentNotifier(),
    executionName: 'e1',
    input: { trigger: 'manual' },
  });
  const start = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
  assert.deepEqual(start, { stateMachineArn: STATE_MACHINE, name: 'e1', input: '{"trigger":"manual"}' });
  assert.deepEqual(sleeps, [30_000]);
  assert.equal(outcome.execution.target, 'aws');
  assert.equal(outcome.execution.executionArn, EXECUTION);
  assert.equal(outcome.execution.status, 'REJECTED');
  assert.equal(outcome.execution.cause, 'worse');
  assert.equal(outcome.execution.solutionVersionArn, V2);
  assert.deepEqual(
    outcome.visits.map((v) => [v.stateName, v.stateType, v.outcome, v.retries, v.durationMs]),
    [
      ['Train', 'Task', 'SUCCEEDED', 1, 4_000],
      ['Rejected', 'Fail', 'FAILED', 0, 0],
    ],
  );
});

test('with the AWS target, a failed StartExecution is recorded as a FAILED run with the reason', async (t) => {
  const sfnMock = mockClient(SFNClient);
  t.after(() => sfnMock.restore());
  sfnMock
    .on(StartExecutionCommand)
    .rejects(Object.assign(new Error('State machine does not exist'), { name: 'StateMachineDoesNotExist' }));
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: { StartAt: 'X', States: { X: { Type: 'Succeed' } } } as unknown as StateMachineDefinition,
    pipelineName: 'shop',
    target: { kind: 'aws', stateMachineArn: STATE_MACHINE, sfn: new SFNClient({ region: 'us-east-1' }) },
    store,
    notifier: silentNotifier(),
  });
  assert.equal(outcome.execution.status, 'FAILED');
  assert.equal(outcome.execution.error, 'Runner.Error');
  assert.match(outcome.execution.cause ?? '', /State machine does not exist/);
});
