import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPersonalizeOperation } from '../../../src/pipeline/runner/personalizeOperations.js';
import {
  InvalidTaskParametersError,
  fromSdkOutput,
  toSdkInput,
} from '../../../src/pipeline/runner/sdkShapes.js';

function operation(action: string) {
  const found = findPersonalizeOperation(action);
  assert.ok(found, `${action} should resolve`);
  return found;
}

test('PascalCase parameters become the SDK input, nested structures and lists included', () => {
  const { inputSchema } = operation('createSolution');
  const input = toSdkInput(inputSchema, {
    Name: 'shop',
    DatasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
    PerformHPO: false,
    SolutionConfig: { AutoTrainingConfig: { SchedulingExpression: 'rate(7 days)' } },
    Tags: [{ TagKey: 'team', TagValue: 'ml' }],
  });
  assert.deepEqual(input, {
    name: 'shop',
    datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
    performHPO: false,
    solutionConfig: { autoTrainingConfig: { schedulingExpression: 'rate(7 days)' } },
    tags: [{ tagKey: 'team', tagValue: 'ml' }],
  });
});

test('the keys of map-typed members are user data and keep their case in both directions', () => {
  const { inputSchema } = operation('createSolution');
  const input = toSdkInput(inputSchema, {
    Name: 'shop',
    SolutionConfig: { AlgorithmHyperParameters: { hidden_dimension: '64', Bptt: '32' } },
  });
  assert.deepEqual(input, {
    name: 'shop',
    solutionConfig: { algorithmHyperParameters: { hidden_dimension: '64', Bptt: '32' } },
  });
  const { outputSchema } = operation('getSolutionMetrics');
  const output = fromSdkOutput(outputSchema, {
    $metadata: { httpStatusCode: 200 },
    solutionVersionArn: 'arn:v1',
    metrics: { normalized_discounted_cumulative_gain_at_10: 0.25, coverage: 0.5 },
  });
  assert.deepEqual(output, {
    SolutionVersionArn: 'arn:v1',
    Metrics: { normalized_discounted_cumulative_gain_at_10: 0.25, coverage: 0.5 },
  });
});

test('results come back in PascalCase with timestamps as ISO 8601 strings and without $metadata', () => {
  const { outputSchema } = operation('describeSolutionVersion');
  const output = fromSdkOutput(outputSchema, {
    $metadata: { requestId: 'r' },
    solutionVersion: {
      solutionVersionArn: 'arn:v1',
      status: 'ACTIVE',
      trainingHours: 0.5,
      creationDateTime: new Date(Date.UTC(2025, 2, 1, 6, 0, 0)),
      solutionConfig: { algorithmHyperParameters: { hidden_dimension: '64' } },
    },
  });
  assert.deepEqual(output, {
    SolutionVersion: {
      SolutionVersionArn: 'arn:v1',
      SolutionConfig: { AlgorithmHyperParameters: { hidden_dimension: '64' } },
      TrainingHours: 0.5,
      Status: 'ACTIVE',
      CreationDateTime: '2025-03-01T06:00:00.000Z',
    },
  });
});

test('a parameter the operation does not have is refused with the accepted names, camelCase included', () => {
  const { inputSchema } = operation('describeSolution');
  assert.throws(
    () => toSdkInput(inputSchema, { solutionArn: 'arn:x' }),
    (error: unknown) =>
      error instanceof InvalidTaskParametersError &&
      error.path === 'Parameters.solutionArn' &&
      /accepted members are SolutionArn/.test(error.message),
  );
});

test('an action the SDK does not know resolves to nothing', () => {
  assert.equal(findPersonalizeOperation('createEverything'), undefined);
  assert.equal(findPersonalizeOperation('CreateSolution'), undefined);
});
