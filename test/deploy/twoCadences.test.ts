import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetrainingStack } from '../../src/deploy/retrainingStack.js';
import { nagFindings, addNagChecks } from '../../src/deploy/nagChecks.js';
import { config } from './support.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

test('with UpdateRate the stack has two schedules on one state machine: FULL at RetrainingRate, UPDATE at UpdateRate', () => {
  const app = new App();
  const stacks = ['staging', 'prod'].map(
    (name) =>
      new RetrainingStack(app, {
        config: config({
          RetrainingRate: 'cron(0 3 ? * SUN *)',
          UpdateRate: 'rate(1 day)',
          TrainingMode: 'UPDATE',
        }),
        stackName: `personalize-retraining-${name}`,
      }),
  );
  addNagChecks(app);
  assert.deepEqual(nagFindings(app), [], 'cdk-nag stays clean');
  for (const stack of stacks) {
    const template = Template.fromStack(stack);
    const resources = template.toJSON()['Resources'] as Resources;
    const [stateMachine] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    const schedules = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Scheduler::Schedule')
      .map((resource) => {
        const target = resource.Properties?.['Target'] as { Arn: unknown; Input: string };
        assert.deepEqual(target.Arn, { Ref: stateMachine });
        assert.equal(resource.Properties?.['Name'], undefined, 'no physical name: stacks sit side by side');
        return [resource.Properties?.['ScheduleExpression'], JSON.parse(target.Input)];
      })
      .sort();
    // TrainingMode=UPDATE sets only the default of unscheduled runs: RetrainingRate's runs are the FULL retrains.
    assert.deepEqual(schedules, [
      ['cron(0 3 ? * SUN *)', { TrainingMode: 'FULL' }],
      ['rate(1 day)', { TrainingMode: 'UPDATE' }],
    ]);
    const outputs = template.findOutputs('*');
    assert.deepEqual(Object.keys(outputs).sort(), [
      'LogGroupName',
      'NotificationTopicArn',
      'ScheduleName',
      'StateMachineArn',
      'UpdateScheduleName',
    ]);
    assert.deepEqual(outputs['UpdateScheduleName']?.['Value'], {
      Ref: stack.getLogicalId(stack.pipeline.updateSchedule?.node.defaultChild as never),
    });
  }
});
