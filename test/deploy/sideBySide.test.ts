import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetrainingStack } from '../../src/deploy/retrainingStack.js';
import { ARN, config } from './support.js';

/** Properties that give a resource a physical name, unique per account and region. */
const PHYSICAL_NAME_PROPERTIES = [
  'RoleName',
  'TopicName',
  'LogGroupName',
  'StateMachineName',
  'Name',
  'AlarmName',
  'ManagedPolicyName',
  'GroupName',
  'FunctionName',
];

test('staging and prod pipelines synthesize side by side in one account and region with no physical name', () => {
  const app = new App();
  const staging = new RetrainingStack(app, {
    config: config({ CampaignArn: `${ARN.campaign}-staging` }),
    stackName: 'personalize-retraining-staging',
  });
  const prod = new RetrainingStack(app, { config: config(), stackName: 'personalize-retraining-prod' });
  assert.equal(staging.account, prod.account);
  assert.equal(staging.region, prod.region);

  const assembly = app.synth();
  const files = assembly.stacks.map((stack) => stack.templateFile).sort();
  assert.deepEqual(files, [
    'personalize-retraining-prod.template.json',
    'personalize-retraining-staging.template.json',
  ]);

  for (const stack of [staging, prod]) {
    const resources = Template.fromStack(stack).toJSON()['Resources'] as Record<
      string,
      { Type: string; Properties?: Record<string, unknown> }
    >;
    const named = Object.entries(resources).flatMap(([id, resource]) =>
      PHYSICAL_NAME_PROPERTIES.filter((key) => resource.Properties?.[key] !== undefined).map(
        (key) => `${stack.stackName}/${id} (${resource.Type}) sets ${key}`,
      ),
    );
    assert.deepEqual(named, []);
  }
  // Each pipeline names itself in its notifications.
  const definition = (stack: RetrainingStack) => JSON.stringify(stack.pipeline.definition);
  assert.match(definition(staging), /personalize-retraining-staging: retraining failed/);
  assert.match(definition(prod), /personalize-retraining-prod: retraining failed/);
});
