import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { configWith } from '../../support/pipelineConfigs.js';
import { FakePersonalize, execute } from './fakePersonalize.js';

const NDCG = 'normalized_discounted_cumulative_gain_at_10';

/** The data points each putMetricData call sent: [Version dimension, value]. */
function published(service: FakePersonalize): [string, number][][] {
  return service.callsOf('putMetricData').map((call) => {
    assert.equal(call['Namespace'], 'PersonalizeRetrain');
    return (call['MetricData'] as Record<string, unknown>[]).map((datum) => {
      assert.equal(datum['MetricName'], NDCG);
      const dimensions = datum['Dimensions'] as { Name: string; Value: string }[];
      assert.equal(dimensions.find((d) => d.Name === 'Pipeline')?.Value, 'shop-prod');
      return [dimensions.find((d) => d.Name === 'Version')?.Value ?? '', datum['Value'] as number];
    });
  });
}

test('every run publishes the gate metric of the new and the served version, before the gate decides (rejected runs too)', async () => {
  for (const [newValue, outcome] of [
    [0.4, 'SUCCEEDED'],
    [0.25, 'REJECTED'],
  ] as const) {
    const service = new FakePersonalize();
    service.newMetrics = { [NDCG]: newValue };
    const result = await execute(
      buildDefinition(configWith(), { pipelineName: 'shop-prod' }),
      service,
      outcome,
    );
    assert.equal(result.kind === 'succeeded' && result.output['Outcome'], outcome);
    assert.deepEqual(published(service), [
      [
        ['New', newValue],
        ['Served', 0.3],
      ],
    ]);
  }
});

test('a metric that does not exist is not published: no served version to compare, or no campaign', async () => {
  const service = new FakePersonalize();
  service.metrics.clear();
  await execute(buildDefinition(configWith(), { pipelineName: 'shop-prod' }), service, 'served-gone');
  assert.deepEqual(published(service), [[['New', 0.4]]]);

  const trainOnly = new FakePersonalize();
  await execute(
    buildDefinition(configWith({ CampaignArn: '' }), { pipelineName: 'shop-prod' }),
    trainOnly,
    'x',
  );
  assert.deepEqual(published(trainOnly), [[['New', 0.4]]]);

  const noMetric = new FakePersonalize();
  noMetric.newMetrics = { coverage: 0.5 };
  const result = await execute(buildDefinition(configWith(), { pipelineName: 'shop-prod' }), noMetric, 'y');
  assert.equal(result.kind, 'succeeded');
  assert.deepEqual(published(noMetric), []);
});

test('a publication that fails does not fail the run: the error is noted in its output and notification', async () => {
  const service = new FakePersonalize();
  service.failNext.set('putMetricData', [
    Object.assign(new Error('not authorized to perform cloudwatch:PutMetricData'), {
      name: 'CloudWatch.AccessDeniedException',
    }),
  ]);
  const result = await execute(
    buildDefinition(configWith(), { pipelineName: 'shop-prod' }),
    service,
    'denied',
  );
  assert.equal(result.kind === 'succeeded' && result.output['Outcome'], 'SUCCEEDED');
  assert.equal(service.callsOf('updateCampaign').length, 1, 'the new version was still deployed');
  const detail = service.notifications[0]?.['Detail'] as {
    MetricPublication?: { Error?: { Error?: string } };
  };
  assert.equal(detail.MetricPublication?.Error?.Error, 'CloudWatch.AccessDeniedException');
});
