import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { makeTempDir } from '../support/engine.js';
import { cli } from './support.js';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:PipelineStateMachineABC';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:PipelineStateMachineABC:e1';

function parametersFile(dir: string): string {
  const file = join(dir, 'parameters.cfg');
  writeFileSync(
    file,
    [
      'ImportRoleArn=arn:aws:iam::123456789012:role/PersonalizeImport',
      'SolutionArn=arn:aws:personalize:eu-west-1:123456789012:solution/shop',
      'UserInteractionDatasetArn=arn:aws:personalize:eu-west-1:123456789012:dataset/shop/INTERACTIONS',
      'S3UserInteractionDatasourcePath=s3://shop-data/interactions.csv',
      'UpdateRate=rate(1 day)',
    ].join('\n'),
  );
  return file;
}

/** A temporary folder and mocked CloudFormation and Step Functions clients, undone when the test ends. */
function mockedAws(t: TestContext) {
  const dir = makeTempDir('pr-cli-stack-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cloudFormation = mockClient(CloudFormationClient);
  const sfn = mockClient(SFNClient);
  t.after(() => {
    cloudFormation.restore();
    sfn.restore();
  });
  return { dir, cloudFormation, sfn };
}

test('run --target aws --stack-name starts the state machine the stack outputs name, with the training mode asked for', async (t) => {
  const { dir, cloudFormation, sfn } = mockedAws(t);
  cloudFormation.on(DescribeStacksCommand, { StackName: 'shop-prod' }).resolves({
    Stacks: [
      {
        StackName: 'shop-prod',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE }],
      },
    ],
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
  sfn
    .on(DescribeExecutionCommand)
    .resolves({ executionArn: EXECUTION, status: 'SUCCEEDED', stopDate: new Date(), output: '{}' } as never);
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

  const { code, out, err } = await cli(
    'run',
    '--target',
    'aws',
    '--params',
    parametersFile(dir),
    '--stack-name',
    'shop-prod',
    '--training-mode',
    'UPDATE',
    '--state-dir',
    join(dir, 'state'),
    '--json',
  );
  assert.equal(code, ExitCodes.Success, err);
  const cfnClient = cloudFormation.call(0).thisValue as CloudFormationClient;
  assert.equal(
    await cfnClient.config.region(),
    'eu-west-1',
    "the stack is looked up in the solution's region",
  );
  const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
  assert.equal(start?.stateMachineArn, STATE_MACHINE);
  assert.deepEqual(JSON.parse(start?.input ?? ''), { TrainingMode: 'UPDATE' });
  const execution = (JSON.parse(out) as { execution: { trainingMode: string; target: string } }).execution;
  assert.deepEqual([execution.target, execution.trainingMode], ['aws', 'UPDATE']);
});

test('run --target aws on a stack that does not exist says so and how to fix it, exit 2, nothing started', async (t) => {
  const { dir, cloudFormation, sfn } = mockedAws(t);
  cloudFormation
    .on(DescribeStacksCommand)
    .rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));
  const { code, err } = await cli(
    'run',
    '--target',
    'aws',
    '--params',
    parametersFile(dir),
    '--stack-name',
    'nope',
    '--state-dir',
    join(dir, 'state'),
  );
  assert.equal(code, ExitCodes.InvalidInput);
  assert.match(err, /There is no stack nope in eu-west-1: deploy it first/);
  assert.equal(sfn.commandCalls(StartExecutionCommand).length, 0);
});
