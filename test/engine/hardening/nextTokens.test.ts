import {
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  InvalidNextTokenException,
  ListDatasetGroupsCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAnswersAndStops, startEngineProcess } from '../../support/engineProcess.js';
import { INTERACTIONS_SCHEMA } from '../../support/imports.js';

const invalidToken = (error: unknown) => error instanceof InvalidNextTokenException;

test('a nextToken the engine did not issue for this very list is InvalidNextTokenException', async (t) => {
  const engine = await startEngineProcess(t);
  const { personalize } = engine;
  for (const name of ['g1', 'g2', 'g3']) await personalize.send(new CreateDatasetGroupCommand({ name }));
  for (const name of ['s1', 's2']) {
    await personalize.send(new CreateSchemaCommand({ name, schema: JSON.stringify(INTERACTIONS_SCHEMA) }));
  }
  const first = await personalize.send(new ListDatasetGroupsCommand({ maxResults: 1 }));
  const token = first.nextToken ?? '';
  assert.ok(token);

  const handMade = Buffer.from(JSON.stringify({ o: 1 })).toString('base64url');
  const forged = token.replace(/^[0-9a-z]+\./, '2.');
  for (const nextToken of [handMade, forged, `${token}x`, 'garbage', '']) {
    await assert.rejects(
      personalize.send(new ListDatasetGroupsCommand({ nextToken })),
      invalidToken,
      nextToken,
    );
  }
  const schemas = await personalize.send(new ListSchemasCommand({ maxResults: 1 }));
  await assert.rejects(
    personalize.send(new ListDatasetGroupsCommand({ nextToken: schemas.nextToken })),
    invalidToken,
    'a token of another list',
  );
  const groupArn = first.datasetGroups?.[0]?.datasetGroupArn;
  await assert.rejects(
    personalize.send(new ListSolutionsCommand({ datasetGroupArn: groupArn, nextToken: token })),
    invalidToken,
    'a token of other parameters',
  );

  const second = await personalize.send(new ListDatasetGroupsCommand({ nextToken: token, maxResults: 5 }));
  assert.deepEqual(
    second.datasetGroups?.map((group) => group.name),
    ['g2', 'g3'],
    'the issued token still works, with another maxResults',
  );
  await assertAnswersAndStops(engine);
});
