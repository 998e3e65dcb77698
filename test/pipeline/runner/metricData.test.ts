import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PUT_METRIC_DATA } from '../../../src/pipeline/definition/metricPublicationStates.js';
import { readMetricPublication } from '../../../src/pipeline/runner/metricData.js';
import { resolveTaskResource } from '../../../src/pipeline/runner/taskResources.js';

test('locally, putMetricData is answered by the runner: the data points are read and kept, nothing is sent', () => {
  assert.deepEqual(resolveTaskResource(PUT_METRIC_DATA), { kind: 'metric-data' });
  assert.deepEqual(
    readMetricPublication('PublishGateMetrics', {
      Namespace: 'PersonalizeRetrain',
      MetricData: [
        {
          MetricName: 'coverage',
          Dimensions: [
            { Name: 'Pipeline', Value: 'shop' },
            { Name: 'Version', Value: 'New' },
          ],
          Value: 0.5,
          Unit: 'None',
        },
      ],
    }),
    {
      namespace: 'PersonalizeRetrain',
      data: [{ metricName: 'coverage', value: 0.5, dimensions: { Pipeline: 'shop', Version: 'New' } }],
    },
  );
});

test('a request CloudWatch would refuse fails the same, catchable way locally', () => {
  for (const input of [
    {},
    { Namespace: 'N', MetricData: [] },
    { Namespace: 'N', MetricData: [{ MetricName: 'm', Value: 'x' }] },
  ])
    assert.throws(
      () => readMetricPublication('Publish', input),
      (error: Error) =>
        error.name === 'CloudWatch.InvalidParameterValueException' && /State 'Publish'/.test(error.message),
    );
});
