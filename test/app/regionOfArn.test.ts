import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regionOfArn } from '../../src/app/index.js';
import { InvalidInputError } from '../../src/shared/errors.js';

test('run --target aws takes the region from the state machine ARN (no "Region is missing")', () => {
  assert.equal(
    regionOfArn('arn:aws:states:eu-west-1:123456789012:stateMachine:shop-retraining'),
    'eu-west-1',
  );
  assert.equal(regionOfArn('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:x'), 'cn-north-1');
  assert.throws(() => regionOfArn('shop-retraining'), InvalidInputError);
  assert.throws(
    () => regionOfArn('arn:aws:states::123456789012:stateMachine:x'),
    /is not an ARN with a region/,
  );
});
