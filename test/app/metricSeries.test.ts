import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricSeries } from '../../src/app/metricSeries.js';
import { ndcg, record, shopRuns, version } from '../web/fakeApp.js';

test('one point per solution version, oldest first, marked baseline, deployed or rejected', () => {
  const series = metricSeries(shopRuns(), 'normalized_discounted_cumulative_gain_at_10');
  assert.deepEqual(
    series.points.map((p) => [p.solutionVersionArn.split('/').pop(), p.outcome, p.value]),
    [
      ['v0', 'baseline', 0.25],
      ['v1', 'deployed', 0.3],
      ['v2', 'rejected', 0.2],
      ['v3', 'deployed', 0.31],
    ],
  );
  assert.deepEqual(series.metrics, ['coverage', 'normalized_discounted_cumulative_gain_at_10']);
});

test('rollbacks are marks, not versions; a re-run that adopted a version does not add a point', () => {
  const runs = [
    record({
      pipelineName: 'p',
      executionName: 'rollback-20260301T060000Z-abcd',
      solutionVersionArn: version('v1'),
    }),
    record({ pipelineName: 'p', solutionVersionArn: version('v2'), metrics: ndcg(0.4) }),
    record({ pipelineName: 'p', status: 'ABORTED', solutionVersionArn: version('v2'), metrics: null }),
    record({ pipelineName: 'p', solutionVersionArn: version('v1'), metrics: ndcg(0.3) }),
  ];
  const series = metricSeries(runs, 'normalized_discounted_cumulative_gain_at_10');
  assert.deepEqual(
    series.points.map((p) => [p.solutionVersionArn.split('/').pop(), p.outcome, p.value]),
    [
      ['v1', 'deployed', 0.3],
      ['v2', 'deployed', 0.4],
    ],
  );
  assert.deepEqual(
    series.rollbacks.map((r) => [r.runId, r.toSolutionVersionArn, r.succeeded]),
    [[runs[0]?.id, version('v1'), true]],
  );
});
