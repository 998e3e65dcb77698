import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from '../../src/config/schedule.js';
import { pipelineAlarm, schedulePeriodMs } from '../../src/app/pipelineHealth.js';
import { NOW, record } from '../web/fakeApp.js';

const DAY = 86_400_000;

test('a pipeline is stale when its last success is older than twice its retraining period', () => {
  const ok = [record({ pipelineName: 'p', startedAt: NOW - 1.5 * DAY })];
  assert.deepEqual(pipelineAlarm(ok, DAY, NOW), { state: 'ok' });
  const stale = pipelineAlarm([record({ pipelineName: 'p', startedAt: NOW - 3 * DAY })], DAY, NOW);
  assert.equal(stale.state, 'stale');
});

test('the latest finished run failing raises the alarm; skipped and running runs do not count', () => {
  const runs = [
    record({ pipelineName: 'p', status: 'SKIPPED', startedAt: NOW - 1000 }),
    record({ pipelineName: 'p', status: 'RUNNING', endedAt: null, startedAt: NOW - 2000 }),
    record({ pipelineName: 'p', status: 'FAILED', error: 'Pipeline.ImportFailed', startedAt: NOW - DAY / 2 }),
  ];
  assert.deepEqual(pipelineAlarm(runs, DAY, NOW), {
    state: 'failed',
    reason: `the latest run ${runs[2]?.executionName} failed: Pipeline.ImportFailed`,
  });
  assert.deepEqual(pipelineAlarm([], DAY, NOW), { state: 'never-run' });
});

test('the period of a rate is its interval; of a cron, the gap between its next two fires', () => {
  assert.equal(schedulePeriodMs(parseSchedule('rate(7 days)'), new Date(NOW)), 7 * DAY);
  assert.equal(schedulePeriodMs(parseSchedule('cron(0 6 * * ? *)'), new Date(NOW)), DAY);
});
