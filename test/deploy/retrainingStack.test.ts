import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { DeploymentConfigError } from '../../src/deploy/deploymentErrors.js';
import { ACCOUNT, ARN, REGION, asList, config, roleStatements, synthesize } from './support.js';

// One synthesis per configuration, shared by the tests that only read it.
const full = synthesize(config({ NotificationEmail: 'ml-team@example.com' }), 'personalize-retraining-prod');
const noCampaign = synthesize(config({ CampaignArn: '' }));
const existingTopic = synthesize(config({ NotificationTopicArn: ARN.topic }));

const STATE_MACHINE_ROLE = 'PipelineStateMachineRole';
const SCHEDULER_ROLE = 'SchedulerRoleForTarget';

function logicalId(template: typeof full.template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  assert.equal(ids.length, 1, `exactly one ${type}`);
  return ids[0] ?? '';
}

test('the stack holds one state machine, schedule, topic, log group and three alarms, in the solution’s account and region', () => {
  const { template, stack } = full;
  template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  template.resourceCountIs('AWS::Scheduler::Schedule', 1);
  template.resourceCountIs('AWS::SNS::Topic', 1);
  template.resourceCountIs('AWS::Logs::LogGroup', 1);
  template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  template.resourceCountIs('AWS::Lambda::Function', 0);
  assert.equal(stack.account, ACCOUNT);
  assert.equal(stack.region, REGION);
  assert.equal(stack.stackName, 'personalize-retraining-prod');
});

test('the state machine logs ALL events with execution data to its log group and traces with X-Ray', () => {
  const { template } = full;
  const logGroup = logicalId(template, 'AWS::Logs::LogGroup');
  template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    StateMachineType: 'STANDARD',
    TracingConfiguration: { Enabled: true },
    LoggingConfiguration: {
      Level: 'ALL',
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroup, 'Arn'] } } }],
    },
  });
  template.hasResource('AWS::Logs::LogGroup', {
    Properties: { RetentionInDays: 90, LogGroupName: Match.absent() },
    DeletionPolicy: 'Retain',
  });
});

test('the state machine role may call exactly the Personalize actions of the definition, each on its configured ARNs', () => {
  const personalize = roleStatements(full.template, STATE_MACHINE_ROLE).filter((statement) =>
    asList(statement.Action).some((action) => action.startsWith('personalize:')),
  );
  assert.deepEqual(
    personalize.map((statement) => ({
      sid: statement.Sid,
      actions: asList(statement.Action),
      resources: asList(statement.Resource),
    })),
    [
      { sid: 'PersonalizeAnyResource', actions: ['personalize:ListSolutionVersions'], resources: ['*'] },
      {
        sid: 'PersonalizeCampaign',
        actions: ['personalize:DescribeCampaign', 'personalize:UpdateCampaign'],
        resources: [ARN.campaign],
      },
      {
        sid: 'PersonalizeImportJobs',
        actions: ['personalize:DescribeDatasetImportJob'],
        resources: [`arn:aws:personalize:${REGION}:${ACCOUNT}:dataset-import-job/*`],
      },
      {
        sid: 'PersonalizeImportJobsAndDatasets',
        actions: ['personalize:CreateDatasetImportJob'],
        resources: [
          `arn:aws:personalize:${REGION}:${ACCOUNT}:dataset-import-job/*`,
          ARN.items,
          ARN.interactions,
        ],
      },
      {
        sid: 'PersonalizeSolution',
        actions: ['personalize:CreateSolutionVersion'],
        resources: [ARN.solution],
      },
      {
        sid: 'PersonalizeSolutionVersions',
        actions: ['personalize:DescribeSolutionVersion', 'personalize:GetSolutionMetrics'],
        resources: [`${ARN.solution}/*`],
      },
    ],
  );
});

test('iam:PassRole is allowed on ImportRoleArn only, and only towards Personalize', () => {
  const passRole = roleStatements(full.template, STATE_MACHINE_ROLE).filter((statement) =>
    asList(statement.Action).some((action) => action.startsWith('iam:')),
  );
  assert.deepEqual(passRole, [
    {
      Sid: 'PassRolesToPersonalize',
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: ARN.importRole,
      Condition: { StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' } },
    },
  ]);
});

test('no Personalize or IAM statement uses Resource "*" except the List action IAM cannot scope', () => {
  const wildcards = roleStatements(full.template, STATE_MACHINE_ROLE)
    .filter((statement) => asList(statement.Resource).includes('*'))
    .flatMap((statement) => asList(statement.Action))
    .filter((action) => /^(personalize|iam):/.test(action));
  assert.deepEqual(wildcards, ['personalize:ListSolutionVersions']);
});

test('the state machine may publish to its own topic and nothing else in SNS', () => {
  const topic = logicalId(full.template, 'AWS::SNS::Topic');
  const sns = roleStatements(full.template, STATE_MACHINE_ROLE).filter((statement) =>
    asList(statement.Action).some((action) => action.startsWith('sns:')),
  );
  assert.deepEqual(
    sns.map((statement) => [statement.Action, statement.Resource]),
    [['sns:Publish', { Ref: topic }]],
  );
});

test('the schedule starts the state machine at RetrainingRate in UTC, through a role that may only start it', () => {
  const { template } = full;
  const stateMachine = logicalId(template, 'AWS::StepFunctions::StateMachine');
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'rate(7 days)',
    ScheduleExpressionTimezone: 'Etc/UTC',
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Name: Match.absent(),
    Target: { Arn: { Ref: stateMachine }, Input: '{"TrainingMode":"FULL"}' },
  });
  const statements = roleStatements(template, SCHEDULER_ROLE);
  assert.deepEqual(
    statements.map((statement) => [statement.Action, statement.Resource]),
    [['states:StartExecution', { Ref: stateMachine }]],
  );
});

test('a cron RetrainingRate becomes the schedule expression as written', () => {
  const { template } = synthesize(config({ RetrainingRate: 'cron(0 3 ? * MON *)' }));
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'cron(0 3 ? * MON *)',
    ScheduleExpressionTimezone: 'Etc/UTC',
  });
});

test('the failed-executions and timed-out alarms notify the topic', () => {
  const { template } = full;
  const topic = logicalId(template, 'AWS::SNS::Topic');
  const stateMachine = logicalId(template, 'AWS::StepFunctions::StateMachine');
  for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut'])
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: metric,
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachine } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    });
});

test('the outputs name the state machine, the topic, the schedule and the log group', () => {
  const { template } = full;
  const outputs = template.findOutputs('*');
  assert.deepEqual(Object.keys(outputs).sort(), [
    'LogGroupName',
    'NotificationTopicArn',
    'ScheduleName',
    'StateMachineArn',
  ]);
  assert.deepEqual(outputs['StateMachineArn']?.['Value'], {
    Ref: logicalId(template, 'AWS::StepFunctions::StateMachine'),
  });
  assert.deepEqual(outputs['NotificationTopicArn']?.['Value'], {
    Ref: logicalId(template, 'AWS::SNS::Topic'),
  });
  assert.deepEqual(outputs['ScheduleName']?.['Value'], {
    Ref: logicalId(template, 'AWS::Scheduler::Schedule'),
  });
  assert.deepEqual(outputs['LogGroupName']?.['Value'], { Ref: logicalId(template, 'AWS::Logs::LogGroup') });
  assert.deepEqual(
    existingTopic.template.findOutputs('NotificationTopicArn')['NotificationTopicArn']?.['Value'],
    ARN.topic,
  );
});

test('the staleness alarm notifies when no run succeeded within twice the schedule, missing data counting as none', () => {
  const stale = (rate: string) => {
    const { template } = synthesize(config({ RetrainingRate: rate }));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => (alarm['Properties'] as { MetricName?: string }).MetricName === 'ExecutionsSucceeded',
    );
    assert.equal(alarms.length, 1);
    const p = alarms[0]?.['Properties'] as Record<string, unknown>;
    assert.equal(p['ComparisonOperator'], 'LessThanThreshold');
    assert.equal(p['Threshold'], 1);
    assert.equal(p['TreatMissingData'], 'breaching');
    assert.equal(p['Statistic'], 'Sum');
    assert.deepEqual(p['AlarmActions'], [{ Ref: logicalId(template, 'AWS::SNS::Topic') }]);
    return [p['Period'], p['EvaluationPeriods']];
  };
  assert.deepEqual(stale('rate(1 day)'), [3600, 48]);
  assert.deepEqual(stale('rate(30 minutes)'), [300, 12]);
  assert.deepEqual(stale('cron(0 3 ? * MON-FRI *)'), [3600, 144], 'the weekend is the longest gap: 3 days');
  assert.deepEqual(stale('rate(7 days)'), [3600, 168], 'cut to the 7 days CloudWatch looks back');
});

test('the topic refuses publishers without TLS', () => {
  const topic = logicalId(full.template, 'AWS::SNS::Topic');
  full.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    Topics: [{ Ref: topic }],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
});

test('NotificationEmail subscribes that address to the topic; without it there is no subscription', () => {
  const topic = logicalId(full.template, 'AWS::SNS::Topic');
  full.template.resourceCountIs('AWS::SNS::Subscription', 1);
  full.template.hasResourceProperties('AWS::SNS::Subscription', {
    Protocol: 'email',
    Endpoint: 'ml-team@example.com',
    TopicArn: { Ref: topic },
  });
  noCampaign.template.resourceCountIs('AWS::SNS::Subscription', 0);
});

test('with NotificationTopicArn the stack creates no topic and notifies, alarms and grants on the existing one', () => {
  const { template } = existingTopic;
  template.resourceCountIs('AWS::SNS::Topic', 0);
  template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    DefinitionSubstitutions: { NotificationTopicArn: ARN.topic },
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [ARN.topic] });
  const sns = roleStatements(template, STATE_MACHINE_ROLE).filter((statement) =>
    asList(statement.Action).some((action) => action.startsWith('sns:')),
  );
  assert.deepEqual(
    sns.map((statement) => [statement.Action, statement.Resource]),
    [['sns:Publish', ARN.topic]],
  );
});

test('without CampaignArn the role has no campaign permission at all', () => {
  const actions = roleStatements(noCampaign.template, STATE_MACHINE_ROLE).flatMap((statement) =>
    asList(statement.Action),
  );
  assert.ok(actions.includes('personalize:CreateSolutionVersion'));
  assert.deepEqual(
    actions.filter((action) => /campaign/i.test(action)),
    [],
  );
  const resources = JSON.stringify(roleStatements(noCampaign.template, STATE_MACHINE_ROLE));
  assert.doesNotMatch(resources, /:campaign\//);
});

test('a dataset in another region than the solution is refused by the parameters rules validate and synth share', () => {
  assert.throws(
    () => config({ ItemDatasetArn: `arn:aws:personalize:us-east-1:${ACCOUNT}:dataset/shop/ITEMS` }),
    /is in account 123456789012 and region us-east-1, not in the solution's \(account 123456789012, region eu-west-1\)/,
  );
});

test('a "${" in a datasource path is refused, since Step Functions would take it for a substitution', () => {
  assert.throws(
    () => synthesize(config({ S3ItemDatasourcePath: 's3://shop-data/${env}/items.csv' })),
    (error: unknown) => error instanceof DeploymentConfigError && error.message.includes("'${env}'"),
  );
});

test('a STACK_NAME CloudFormation would refuse is reported before synthesis', () => {
  assert.throws(
    () => synthesize(config(), 'prod_retraining'),
    (error: unknown) =>
      error instanceof DeploymentConfigError &&
      error.message.startsWith("'prod_retraining' cannot name a CloudFormation stack"),
  );
});
