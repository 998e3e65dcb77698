import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import pino from 'pino';
import { createLocalNotifier } from '../../../src/pipeline/runner/notifier.js';
import { runPipeline } from '../../../src/pipeline/runner/retrainingRun.js';
import { silentNotifier, startWebhook, tempStore } from './support.js';

const notifyDefinition = {
  StartAt: 'Notify',
  States: {
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: {
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:retraining',
        Subject: 'Retraining succeeded',
        Message: { Status: 'SUCCEEDED', 'Execution.$': '$$.Execution.Name' },
      },
      End: true,
    },
  },
} as unknown as StateMachineDefinition;

test('an sns:publish Task POSTs a JSON summary to the webhook and returns a MessageId', async (t) => {
  const webhook = await startWebhook(t);
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: notifyDefinition,
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(webhook.url),
    executionName: 'notify-1',
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  assert.equal(webhook.received.length, 1);
  const summary = webhook.received[0] as Record<string, unknown>;
  assert.equal(summary['pipeline'], 'shop');
  assert.equal(summary['executionName'], 'notify-1');
  assert.equal(summary['subject'], 'Retraining succeeded');
  assert.equal(summary['topicArn'], 'arn:aws:sns:us-east-1:000000000000:retraining');
  assert.deepEqual(summary['message'], { Status: 'SUCCEEDED', Execution: 'notify-1' });
  assert.deepEqual(outcome.execution.output, { MessageId: summary['messageId'] });
  assert.deepEqual(outcome.notifications, [{ messageId: summary['messageId'] }]);
});

test('a webhook that refuses the POST does not fail the run; the receipt says why', async (t) => {
  const webhook = await startWebhook(t, 500);
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: notifyDefinition,
    pipelineName: 'shop',
    target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9' },
    store,
    notifier: silentNotifier(webhook.url),
  });
  assert.equal(outcome.execution.status, 'SUCCEEDED');
  assert.match(outcome.notifications[0]?.deliveryError ?? '', /answered HTTP 500/);
});

test('every notification is written as one structured log line, webhook or not', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const notifier = createLocalNotifier({ logger, now: () => Date.UTC(2025, 0, 1) });
  const receipt = await notifier.publish({
    pipelineName: 'shop',
    executionName: 'e1',
    subject: 'Retraining failed',
    message: 'import failed',
  });
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] ?? '{}') as { msg: string; notification: Record<string, unknown> };
  assert.equal(line.msg, 'Retraining failed');
  assert.deepEqual(line.notification, {
    messageId: receipt.messageId,
    pipeline: 'shop',
    executionName: 'e1',
    subject: 'Retraining failed',
    topicArn: null,
    message: 'import failed',
    sentAt: '2025-01-01T00:00:00.000Z',
  });
});
