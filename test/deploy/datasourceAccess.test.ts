import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roleStatements, asList, ARN, config, synthesize } from './support.js';

test('SkipUnchangedData: the role may list exactly the configured datasource prefixes, read no object, and tag and read the tags of new versions only', () => {
  const { template } = synthesize(
    config({ SkipUnchangedData: 'true', S3ItemDatasourcePath: 's3://shop-catalog/items/' }),
  );
  const statements = roleStatements(template, 'PipelineStateMachineRole');
  const s3 = statements.filter((statement) =>
    asList(statement.Action).some((action) => action.startsWith('s3:')),
  );
  assert.deepEqual(
    s3.map((statement) => [statement.Action, statement.Resource, statement.Condition]),
    [
      ['s3:ListBucket', 'arn:aws:s3:::shop-catalog', { StringEquals: { 's3:prefix': ['items/'] } }],
      ['s3:ListBucket', 'arn:aws:s3:::shop-data', { StringEquals: { 's3:prefix': ['interactions.csv'] } }],
    ],
  );
  const tagging = statements.filter((statement) =>
    asList(statement.Action).some((action) => /Tag/.test(action)),
  );
  assert.deepEqual(
    tagging.map((statement) => [asList(statement.Action).filter((a) => /Tag/.test(a)), statement.Resource]),
    [[['personalize:ListTagsForResource', 'personalize:TagResource'], `${ARN.solution}/*`]],
  );
});

test('without SkipUnchangedData the role gets no S3 or tagging permission', () => {
  const { template } = synthesize(config());
  const actions = roleStatements(template, 'PipelineStateMachineRole').flatMap((s) => asList(s.Action));
  assert.deepEqual(
    actions.filter((action) => action.startsWith('s3:') || /Tag/.test(action)),
    [],
  );
});
