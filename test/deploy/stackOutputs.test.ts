import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { deployedStateMachineArn } from '../../src/deploy/stackOutputs.js';
import { InvalidInputError, UserFacingError } from '../../src/shared/errors.js';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:PipelineStateMachineABC';

function stubbed(t: { after(fn: () => void): void }) {
  const cloudFormation = mockClient(CloudFormationClient);
  t.after(() => cloudFormation.restore());
  return cloudFormation;
}

const lookup = { stackName: 'shop-prod', region: 'eu-west-1' };

test('the state machine is the StateMachineArn output of the stack, read in the given region', async (t) => {
  const cloudFormation = stubbed(t);
  cloudFormation.on(DescribeStacksCommand, { StackName: 'shop-prod' }).resolves({
    Stacks: [
      {
        StackName: 'shop-prod',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [
          { OutputKey: 'ScheduleName', OutputValue: 'PipelineRetrainingSchedule-1' },
          { OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE },
        ],
      },
    ],
  });
  assert.equal(await deployedStateMachineArn(lookup), STATE_MACHINE);
  const client = cloudFormation.call(0).thisValue as CloudFormationClient;
  assert.equal(await client.config.region(), 'eu-west-1');
});

test('a missing stack, a stack without the output and an unreadable stack are each one clear error', async (t) => {
  const cloudFormation = stubbed(t);
  cloudFormation
    .on(DescribeStacksCommand)
    .rejectsOnce(
      Object.assign(new Error('Stack with id shop-prod does not exist'), { name: 'ValidationError' }),
    )
    .resolvesOnce({
      Stacks: [
        {
          StackName: 'shop-prod',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'Other', OutputValue: 'x' }],
        },
      ],
    })
    .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

  await assert.rejects(deployedStateMachineArn(lookup), (error: unknown) => {
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /There is no stack shop-prod in eu-west-1: deploy it first/);
    return true;
  });
  await assert.rejects(deployedStateMachineArn(lookup), (error: unknown) => {
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /has no StateMachineArn output \(it has Other\)/);
    return true;
  });
  await assert.rejects(deployedStateMachineArn(lookup), (error: unknown) => {
    assert.ok(error instanceof UserFacingError && !(error instanceof InvalidInputError));
    assert.match(error.message, /Could not read stack shop-prod in eu-west-1: AccessDenied: not authorized/);
    return true;
  });
});
