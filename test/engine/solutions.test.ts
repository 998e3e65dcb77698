import {
  CreateDatasetGroupCommand,
  CreateSolutionCommand,
  DeleteSolutionCommand,
  DescribeRecipeCommand,
  DescribeSolutionCommand,
  InvalidInputException,
  LimitExceededException,
  ListRecipesCommand,
  ListSolutionVersionsCommand,
  ListSolutionsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateSolutionCommand,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine.js';
import { createSolution, importShop, trainVersion } from '../support/shop.js';

const USER_PERSONALIZATION = 'arn:aws:personalize:::recipe/aws-user-personalization';

test('ListRecipes and DescribeRecipe show every recipe the engine trains', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { recipes = [] } = await personalize.send(new ListRecipesCommand({}));
  const names = recipes.map((recipe) => recipe.name).sort();
  assert.deepEqual(names, [
    'aws-personalized-ranking',
    'aws-personalized-ranking-v2',
    'aws-popularity-count',
    'aws-similar-items',
    'aws-sims',
    'aws-user-personalization',
    'aws-user-personalization-v2',
  ]);
  const { recipe } = await personalize.send(new DescribeRecipeCommand({ recipeArn: USER_PERSONALIZATION }));
  assert.equal(recipe?.recipeType, 'USER_PERSONALIZATION');
  assert.ok(recipe?.creationDateTime instanceof Date);
  await assert.rejects(
    personalize.send(new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-nope' })),
    ResourceNotFoundException,
  );
});

test('a solution is created, described, listed and deleted with the service fields', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'shop' }));
  const { solutionArn } = await personalize.send(
    new CreateSolutionCommand({
      name: 'shop-recs',
      datasetGroupArn,
      recipeArn: USER_PERSONALIZATION,
      performAutoTraining: false,
      solutionConfig: { algorithmHyperParameters: { hidden_dimension: '32' } },
    }),
  );
  assert.equal(solutionArn, 'arn:aws:personalize:us-east-1:000000000000:solution/shop-recs');

  const { solution } = await personalize.send(new DescribeSolutionCommand({ solutionArn }));
  assert.equal(solution?.name, 'shop-recs');
  assert.equal(solution?.status, 'ACTIVE');
  assert.equal(solution?.recipeArn, USER_PERSONALIZATION);
  assert.equal(solution?.datasetGroupArn, datasetGroupArn);
  assert.equal(solution?.performAutoTraining, false);
  assert.deepEqual(solution?.solutionConfig?.algorithmHyperParameters, { hidden_dimension: '32' });

  const { solutions = [] } = await personalize.send(new ListSolutionsCommand({ datasetGroupArn }));
  assert.deepEqual(
    solutions.map((s) => s.solutionArn),
    [solutionArn],
  );

  await personalize.send(new DeleteSolutionCommand({ solutionArn }));
  await assert.rejects(
    personalize.send(new DescribeSolutionCommand({ solutionArn })),
    ResourceNotFoundException,
  );
});

test('CreateSolution defaults performAutoTraining to true, as the service does', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'auto' }));
  const { solutionArn } = await personalize.send(
    new CreateSolutionCommand({ name: 'auto-recs', datasetGroupArn, recipeArn: USER_PERSONALIZATION }),
  );
  const { solution } = await personalize.send(new DescribeSolutionCommand({ solutionArn }));
  assert.equal(solution?.performAutoTraining, true);
});

test('CreateSolution rejects unknown recipes, bad schedules, duplicates and missing groups', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'rules' }));
  await assert.rejects(
    personalize.send(
      new CreateSolutionCommand({
        name: 's1',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-made-up',
      }),
    ),
    (error: unknown) => error instanceof InvalidInputException && /ListRecipes/.test(error.message),
  );
  await assert.rejects(
    personalize.send(
      new CreateSolutionCommand({
        name: 's1',
        datasetGroupArn,
        recipeArn: USER_PERSONALIZATION,
        solutionConfig: { autoTrainingConfig: { schedulingExpression: 'rate(31 days)' } },
      }),
    ),
    (error: unknown) => error instanceof InvalidInputException && /1 to 30/.test(error.message),
  );
  await personalize.send(
    new CreateSolutionCommand({ name: 's1', datasetGroupArn, recipeArn: USER_PERSONALIZATION }),
  );
  await assert.rejects(
    personalize.send(
      new CreateSolutionCommand({ name: 's1', datasetGroupArn, recipeArn: USER_PERSONALIZATION }),
    ),
    ResourceAlreadyExistsException,
  );
  await assert.rejects(
    personalize.send(
      new CreateSolutionCommand({
        name: 's2',
        datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/missing',
        recipeArn: USER_PERSONALIZATION,
      }),
    ),
    ResourceNotFoundException,
  );
});

test('a dataset group holds 10 solutions, the service quota; the 11th is a LimitExceededException until one goes', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'full' }));
  const { datasetGroupArn: other } = await personalize.send(new CreateDatasetGroupCommand({ name: 'other' }));
  const create = (name: string, group = datasetGroupArn) =>
    personalize.send(
      new CreateSolutionCommand({ name, datasetGroupArn: group, recipeArn: USER_PERSONALIZATION }),
    );
  for (let index = 1; index <= 10; index++) await create(`s${index}`);
  await assert.rejects(
    create('s11'),
    (error: unknown) => error instanceof LimitExceededException && /10 solutions/.test(error.message),
  );
  await create('elsewhere', other);
  await personalize.send(
    new DeleteSolutionCommand({ solutionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/s1' }),
  );
  await create('s11');
});

test('DeleteSolution removes a trained solution together with its versions', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'trained');
  const { version } = await trainVersion(personalize, solutionArn);
  assert.equal(version?.status, 'ACTIVE');
  await personalize.send(new DeleteSolutionCommand({ solutionArn }));
  await assert.rejects(
    personalize.send(new DescribeSolutionCommand({ solutionArn })),
    ResourceNotFoundException,
  );
  await assert.rejects(
    personalize.send(new ListSolutionVersionsCommand({ solutionArn })),
    ResourceNotFoundException,
  );
  // The name is free again, and the new solution starts with no versions.
  await createSolution(personalize, datasetGroupArn, 'trained');
  const { solutionVersions } = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
  assert.deepEqual(solutionVersions, []);
});

test('UpdateSolution changes automatic training and eventsConfig, shown in latestSolutionUpdate', async (t) => {
  const { personalize } = await startTestEngine(t);
  const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'g' }));
  const { solutionArn = '' } = await personalize.send(
    new CreateSolutionCommand({
      name: 's',
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
    }),
  );
  await personalize.send(
    new UpdateSolutionCommand({
      solutionArn,
      performAutoTraining: false,
      solutionUpdateConfig: {
        autoTrainingConfig: { schedulingExpression: 'rate(3 days)' },
        eventsConfig: {
          eventParametersList: [
            { eventType: 'purchase', weight: 1 },
            { eventType: 'view', weight: 0.2 },
          ],
        },
      },
    }),
  );
  const { solution } = await personalize.send(new DescribeSolutionCommand({ solutionArn }));
  assert.equal(solution?.performAutoTraining, false);
  assert.equal(solution?.latestSolutionUpdate?.status, 'ACTIVE');
  assert.equal(
    solution?.latestSolutionUpdate?.solutionUpdateConfig?.autoTrainingConfig?.schedulingExpression,
    'rate(3 days)',
  );
  assert.deepEqual(solution?.solutionConfig?.eventsConfig?.eventParametersList?.[1], {
    eventType: 'view',
    weight: 0.2,
  });
  await assert.rejects(
    personalize.send(
      new UpdateSolutionCommand({
        solutionArn,
        solutionUpdateConfig: { autoTrainingConfig: { schedulingExpression: 'rate(45 days)' } },
      }),
    ),
    InvalidInputException,
  );
  await assert.rejects(
    personalize.send(
      new UpdateSolutionCommand({
        solutionArn,
        solutionUpdateConfig: { eventsConfig: { eventParametersList: [{ eventType: 'x', weight: 2 }] } },
      }),
    ),
    InvalidInputException,
  );
});
