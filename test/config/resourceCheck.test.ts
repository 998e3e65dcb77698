import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeFilterCommand,
  DescribeSolutionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPipelineResources } from '../../src/config/resourceCheck.js';
import { configWith } from '../support/pipelineConfigs.js';

const config = configWith({ UserDatasetArn: undefined, S3UserDatasourcePath: undefined });
const GROUP = 'arn:aws:personalize:eu-west-1:123456789012:dataset-group/shop';

/** An error as the SDK raises it when the service answered. */
function serviceError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

function mockPersonalize(t: { after(fn: () => void): void }) {
  const personalize = mockClient(PersonalizeClient);
  t.after(() => personalize.restore());
  personalize
    .on(DescribeSolutionCommand)
    .resolves({ solution: { solutionArn: config.solutionArn, datasetGroupArn: GROUP } });
  personalize.on(DescribeDatasetCommand).resolves({ dataset: { datasetGroupArn: GROUP } });
  personalize
    .on(DescribeCampaignCommand)
    .resolves({ campaign: { solutionVersionArn: `${config.solutionArn}/abcd1234` } });
  return personalize;
}

test('on AWS (--region) resources that exist and fit together give no issue and no warning', async (t) => {
  const personalize = mockPersonalize(t);
  const check = await checkPipelineResources(config, { region: 'eu-west-1' });
  assert.deepEqual(check, { issues: [], warnings: [], unreachable: undefined });
  assert.deepEqual(
    personalize.commandCalls(DescribeDatasetCommand).map((call) => call.args[0].input.datasetArn),
    config.imports.map((item) => item.datasetArn),
  );
});

test('a campaign serving another solution is a warning; a resource the caller may not read is an issue of its line', async (t) => {
  const personalize = mockPersonalize(t);
  personalize.on(DescribeCampaignCommand).resolves({
    campaign: { solutionVersionArn: 'arn:aws:personalize:eu-west-1:123456789012:solution/other/ffff0000' },
  });
  personalize
    .on(DescribeDatasetCommand, { datasetArn: config.imports[0]?.datasetArn })
    .rejects(
      serviceError('AccessDeniedException', 403, 'not authorized to perform personalize:DescribeDataset'),
    );
  const check = await checkPipelineResources(config, {
    region: 'eu-west-1',
    lineOf: (key) => (key === 'ItemDatasetArn' ? 5 : 0),
  });

  assert.equal(check.unreachable, undefined);
  assert.deepEqual(
    check.issues.map((issue) => [issue.line, issue.key]),
    [[5, 'ItemDatasetArn']],
  );
  assert.match(check.issues[0]?.message ?? '', /cannot be read: AccessDeniedException: not authorized/);
  assert.equal(check.warnings.length, 1);
  assert.match(check.warnings[0] ?? '', /serves .*solution\/other\/ffff0000, a version of another solution/);
});

test('without credentials or network nothing is checked, and that is said once', async (t) => {
  const personalize = mockPersonalize(t);
  personalize.on(DescribeSolutionCommand).rejects(
    Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
  );
  const check = await checkPipelineResources(config, { region: 'eu-west-1' });

  assert.deepEqual(check.issues, []);
  assert.equal(check.unreachable?.key, '--region');
  assert.match(
    check.unreachable?.message ?? '',
    /could not ask AWS in eu-west-1 .*Could not load credentials/,
  );
  assert.equal(personalize.commandCalls(DescribeDatasetCommand).length, 0);
});

test("the batch inference filter must exist in the solution's dataset group; an endpoint without filters says so", async (t) => {
  const filterArn = 'arn:aws:personalize:eu-west-1:123456789012:filter/in-stock';
  const withFilter = configWith({
    UserDatasetArn: undefined,
    S3UserDatasourcePath: undefined,
    BatchInferenceInputPath: 's3://shop-exports/batch/users.json',
    BatchInferenceOutputPath: 's3://shop-exports/recs/',
    BatchInferenceFilterArn: filterArn,
  });
  const personalize = mockPersonalize(t);
  personalize
    .on(DescribeFilterCommand)
    .resolves({ filter: { filterArn, datasetGroupArn: `${GROUP}-other` } });
  const check = await checkPipelineResources(withFilter, { region: 'eu-west-1' });
  assert.deepEqual(
    check.issues.map((issue) => issue.key),
    ['BatchInferenceFilterArn'],
  );
  assert.match(
    check.issues[0]?.message ?? '',
    /filters dataset group .*shop-other, but the solution trains on/,
  );

  personalize
    .on(DescribeFilterCommand)
    .rejects(serviceError('UnknownOperationException', 400, 'DescribeFilter is not implemented'));
  const local = await checkPipelineResources(withFilter, { endpoint: 'http://127.0.0.1:8317' });
  assert.match(
    local.issues[0]?.message ?? '',
    /cannot be looked up: http:\/\/127\.0\.0\.1:8317 does not implement it/,
  );
});

test('UpdateRate (or TrainingMode=UPDATE) is refused, on its line, for a solution whose recipe cannot train UPDATE', async (t) => {
  const personalize = mockPersonalize(t);
  const recipe = (name: string) =>
    personalize.on(DescribeSolutionCommand).resolves({
      solution: {
        solutionArn: config.solutionArn,
        datasetGroupArn: GROUP,
        recipeArn: `arn:aws:personalize:::recipe/${name}`,
      },
    });
  const check = (overrides: Record<string, string>) =>
    checkPipelineResources(
      configWith({ ...overrides, UserDatasetArn: undefined, S3UserDatasourcePath: undefined }),
      {
        region: 'eu-west-1',
        lineOf: (key) => (key === 'UpdateRate' ? 9 : key === 'TrainingMode' ? 10 : 0),
      },
    );

  recipe('aws-user-personalization-v2');
  const refused = await check({ UpdateRate: 'rate(1 day)' });
  assert.deepEqual(
    refused.issues.map((issue) => [issue.line, issue.key]),
    [[9, 'UpdateRate']],
  );
  assert.match(
    refused.issues[0]?.message ?? '',
    /recipe\/aws-user-personalization-v2 cannot train with trainingMode UPDATE/,
  );
  assert.equal(
    (await check({ TrainingMode: 'UPDATE' })).issues.map((issue) => issue.key).join(),
    'TrainingMode',
  );
  assert.deepEqual((await check({})).issues, [], 'FULL only: any recipe');

  recipe('aws-user-personalization');
  assert.deepEqual((await check({ UpdateRate: 'rate(1 day)' })).issues, []);
  recipe('aws-hrnn-coldstart');
  assert.deepEqual((await check({ UpdateRate: 'rate(1 day)' })).issues, []);
});
