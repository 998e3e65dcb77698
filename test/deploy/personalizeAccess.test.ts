import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDefinition, type StateMachineDefinition } from '../../src/pipeline/definition/index.js';
import { definitionTasks } from '../../src/deploy/definitionTasks.js';
import { DeploymentConfigError } from '../../src/deploy/deploymentErrors.js';
import { definitionAccess, personalizeStatements } from '../../src/deploy/personalizeAccess.js';
import { ARN, config } from './support.js';

function definitionWith(states: Record<string, unknown>): StateMachineDefinition {
  return { StartAt: Object.keys(states)[0] ?? '', States: states } as unknown as StateMachineDefinition;
}

test('the task list includes the states inside a Map item processor', () => {
  const tasks = definitionTasks(buildDefinition(config()));
  const names = tasks.map((task) => task.stateName);
  assert.ok(names.includes('CreateImportJob'), 'the import Task inside the Map');
  assert.ok(names.includes('CreateSolutionVersion'));
  assert.ok(tasks.every((task) => task.resource.startsWith('arn:aws:states:::')));
});

test('the granted actions are exactly the Personalize actions the definition calls, in IAM spelling', () => {
  const definition = buildDefinition(config());
  const called = new Set(
    definitionTasks(definition)
      .map((task) => /aws-sdk:personalize:(\w)(\w+)$/.exec(task.resource))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => `personalize:${(match[1] ?? '').toUpperCase()}${match[2] ?? ''}`),
  );
  const access = definitionAccess(definition);
  assert.deepEqual(access.personalizeActions, [...called].sort());
  assert.equal(access.publishesNotifications, true);
});

test('an action with no resource rule stops the synth and says where to add one', () => {
  const definition = definitionWith({
    Delete: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:personalize:deleteCampaign',
      Parameters: {},
      End: true,
    },
  });
  assert.throws(
    () => definitionAccess(definition),
    (error: unknown) =>
      error instanceof DeploymentConfigError &&
      error.message.includes("state 'Delete' calls personalize:DeleteCampaign, which has no resource rule") &&
      error.message.includes('src/deploy/personalizeAccess.ts'),
  );
});

test('a Task on another service (a Lambda function, say) is refused rather than granted', () => {
  const definition = definitionWith({
    Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
  });
  assert.throws(
    () => definitionAccess(definition),
    /state 'Invoke' calls arn:aws:states:::lambda:invoke; the stack grants only Personalize SDK integrations, s3:listObjectsV2, sns:publish and cloudwatch:putMetricData/,
  );
});

test('datasets of two accounts get one import job pattern each; PassRole follows CreateDatasetImportJob only', () => {
  const base = config();
  const other = 'arn:aws:personalize:eu-west-1:210987654321:dataset/other/ITEMS';
  const twoAccounts = {
    ...base,
    imports: [
      base.imports[0]!,
      { kind: 'items' as const, datasetArn: other, dataLocation: 's3://b/items.csv' },
    ],
  };
  const statements = personalizeStatements(twoAccounts, {
    personalizeActions: ['personalize:CreateDatasetImportJob'],
    publishesNotifications: false,
    metricNamespaces: [],
  });
  assert.deepEqual(statements[0]?.resources, [
    'arn:aws:personalize:eu-west-1:123456789012:dataset-import-job/*',
    'arn:aws:personalize:eu-west-1:210987654321:dataset-import-job/*',
    base.imports[0]!.datasetArn,
    other,
  ]);
  assert.equal(statements[1]?.sid, 'PassRolesToPersonalize');
  assert.deepEqual(statements[1]?.resources, [ARN.importRole]);

  const withoutImports = personalizeStatements(base, {
    personalizeActions: ['personalize:DescribeSolutionVersion'],
    publishesNotifications: false,
    metricNamespaces: [],
  });
  assert.deepEqual(
    withoutImports.map((statement) => statement.actions),
    [['personalize:DescribeSolutionVersion']],
  );
});

test('batch inference: the job actions on batch-inference-job/*, the new versions and the filter; PassRole on the batch role too', () => {
  const batchRole = 'arn:aws:iam::123456789012:role/PersonalizeBatch';
  const filter = 'arn:aws:personalize:eu-west-1:123456789012:filter/in-stock';
  const withBatch = config({
    BatchInferenceInputPath: 's3://shop-exports/batch/users.json',
    BatchInferenceOutputPath: 's3://shop-exports/recs/',
    BatchInferenceRoleArn: batchRole,
    BatchInferenceFilterArn: filter,
  });
  const statements = personalizeStatements(withBatch, definitionAccess(buildDefinition(withBatch)));
  const batch = statements.find((statement) =>
    statement.actions.includes('personalize:CreateBatchInferenceJob'),
  );
  assert.deepEqual(batch?.resources, [
    'arn:aws:personalize:eu-west-1:123456789012:batch-inference-job/*',
    `${ARN.solution}/*`,
    filter,
  ]);
  const describe = statements.find((statement) =>
    statement.actions.includes('personalize:DescribeBatchInferenceJob'),
  );
  assert.deepEqual(describe?.resources, ['arn:aws:personalize:eu-west-1:123456789012:batch-inference-job/*']);
  const passRole = statements.find((statement) => statement.sid === 'PassRolesToPersonalize');
  assert.deepEqual(passRole?.resources, [batchRole, ARN.importRole]);
  assert.deepEqual(passRole?.conditions, {
    StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' },
  });
});

test('the metric publication gets cloudwatch:PutMetricData limited to its namespace, and nothing else of CloudWatch', () => {
  const access = definitionAccess(buildDefinition(config()));
  assert.deepEqual(access.metricNamespaces, ['PersonalizeRetrain']);
  const statements = personalizeStatements(config(), access).filter((statement) =>
    statement.actions.some((action) => action.startsWith('cloudwatch:')),
  );
  assert.deepEqual(statements, [
    {
      sid: 'PutMetricDataInPersonalizeRetrain',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'PersonalizeRetrain' } },
    },
  ]);
});
