import {
  CreateBatchInferenceJobCommand,
  DescribeBatchInferenceJobCommand,
  ListBatchInferenceJobsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine.js';
import { RECIPE, createSolution, importShop, trainVersion } from '../support/shop.js';
import { createActiveFilter, importCatalogShop } from '../support/catalogShop.js';
import { waitFor } from '../support/wait.js';

const ROLE = 'arn:aws:iam::000000000000:role/PersonalizeBatch';

async function runJob(
  personalize: PersonalizeClient,
  jobName: string,
  solutionVersionArn: string,
  input: string,
  filterArn?: string,
) {
  const { batchInferenceJobArn } = await personalize.send(
    new CreateBatchInferenceJobCommand({
      jobName,
      solutionVersionArn,
      ...(filterArn ? { filterArn } : {}),
      numResults: 5,
      roleArn: ROLE,
      jobInput: { s3DataSource: { path: input } },
      jobOutput: { s3DataDestination: { path: `s3://batch/out/${jobName}/` } },
    }),
  );
  const described = await waitFor(
    () => personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
    (r) => ['ACTIVE', 'CREATE FAILED'].includes(r.batchInferenceJob?.status ?? ''),
  );
  return { batchInferenceJobArn: batchInferenceJobArn ?? '', job: described.batchInferenceJob };
}

function outputLines(dataRoot: string, jobName: string, file: string): Record<string, unknown>[] {
  return readFileSync(join(dataRoot, 'batch', 'out', jobName, file), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('a batch job writes <input name>.out under the output prefix: one line per input user, in input order', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs', RECIPE.popularity);
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  const users = shop.users.slice(0, 30).map((user) => user.id);
  mkdirSync(join(dataRoot, 'batch', 'in'), { recursive: true });
  writeFileSync(
    join(dataRoot, 'batch', 'in', 'users.json'),
    users.map((userId) => JSON.stringify({ userId })).join('\n') + '\n',
  );

  const { batchInferenceJobArn, job } = await runJob(
    personalize,
    'nightly',
    solutionVersionArn,
    's3://batch/in/users.json',
  );
  assert.equal(job?.status, 'ACTIVE', job?.failureReason);
  assert.equal(job?.numResults, 5);
  assert.equal(job?.jobOutput?.s3DataDestination?.path, 's3://batch/out/nightly/');
  const lines = outputLines(dataRoot, 'nightly', 'users.json.out');
  assert.deepEqual(
    lines.map((line) => (line['input'] as { userId: string }).userId),
    users,
  );
  for (const line of lines) {
    assert.equal(line['error'], null);
    const output = line['output'] as { recommendedItems: string[]; scores: number[] };
    assert.equal(output.recommendedItems.length, 5);
    assert.equal(output.scores.length, 5);
  }
  const listed = await personalize.send(new ListBatchInferenceJobsCommand({ solutionVersionArn }));
  assert.deepEqual(
    listed.batchInferenceJobs?.map((summary) => [summary.batchInferenceJobArn, summary.status]),
    [[batchInferenceJobArn, 'ACTIVE']],
  );
  await assert.rejects(
    () => runJob(personalize, 'nightly', solutionVersionArn, 's3://batch/in/users.json'),
    ResourceAlreadyExistsException,
  );
});

test('bad input lines are reported by line number, in their own output line and the failure reason; the good lines are all scored', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs', RECIPE.popularity);
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  const good = shop.users.slice(0, 3).map((user) => JSON.stringify({ userId: user.id }));
  mkdirSync(join(dataRoot, 'batch', 'in', 'parts'), { recursive: true });
  writeFileSync(
    join(dataRoot, 'batch', 'in', 'parts', 'a.json'),
    [good[0], '{"userId": "u1", "colour": "red"}', '', '{not json', good[1]].join('\n'),
  );
  writeFileSync(join(dataRoot, 'batch', 'in', 'parts', 'b.jsonl'), `{"itemId": "x"}\n${good[2]}\n`);
  writeFileSync(join(dataRoot, 'batch', 'in', 'parts', 'notes.txt'), 'not an input file');

  const { job } = await runJob(personalize, 'bad-lines', solutionVersionArn, 's3://batch/in/parts/');
  assert.equal(job?.status, 'CREATE FAILED');
  assert.match(job?.failureReason ?? '', /^3 of 6 input lines could not be used; the other 3 were scored/);
  assert.match(job?.failureReason ?? '', /s3:\/\/batch\/in\/parts\/a\.json Line 2: unknown field colour/);
  assert.match(job?.failureReason ?? '', /a\.json Line 4: not valid JSON/);
  assert.match(job?.failureReason ?? '', /b\.jsonl Line 1: unknown field itemId/);

  assert.deepEqual(readdirSync(join(dataRoot, 'batch', 'out', 'bad-lines')).sort(), [
    'a.json.out',
    'b.jsonl.out',
  ]);
  const a = outputLines(dataRoot, 'bad-lines', 'a.json.out');
  assert.deepEqual(
    a.map((line) => [line['output'] === null, line['error']]),
    [
      [false, null],
      [true, 'Line 2: unknown field colour; this recipe takes {"userId": "…"}'],
      [true, 'Line 4: not valid JSON; expected {"userId": "…"}'],
      [false, null],
    ],
  );
  assert.equal(a[2]?.['input'], '{not json');
  const b = outputLines(dataRoot, 'bad-lines', 'b.jsonl.out');
  assert.equal(b.length, 2);
  assert.equal(b[1]?.['error'], null);
});

test('a batch job with a filter answers each line with its own filterValues, as GetRecommendations would; a line missing an INCLUDE value gets that error', async (t) => {
  const { personalize, dataRoot } = await startTestEngine(t);
  const { datasetGroupArn, shop } = await importCatalogShop(personalize, dataRoot);
  const solutionArn = await createSolution(personalize, datasetGroupArn, 'recs', RECIPE.userPersonalization);
  const { solutionVersionArn } = await trainVersion(personalize, solutionArn);
  const filterArn = await createActiveFilter(
    personalize,
    datasetGroupArn,
    'only-genre',
    'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)',
  );
  const genreOf = new Map(shop.items.map((item) => [item.id, item.genre]));
  const genres = [...new Set(shop.items.map((item) => item.genre))].slice(0, 2);
  const [first, second] = shop.users.map((user) => user.id);
  const lines = [
    { userId: first, filterValues: { GENRE: `"${genres[0]}"` } },
    { userId: second, filterValues: { GENRE: `"${genres[1]}"` } },
    { userId: first },
    { userId: second, filterValues: ['x'] },
  ];
  mkdirSync(join(dataRoot, 'batch', 'in'), { recursive: true });
  writeFileSync(join(dataRoot, 'batch', 'in', 'f.json'), lines.map((l) => JSON.stringify(l)).join('\n'));

  const { job } = await runJob(
    personalize,
    'filtered',
    solutionVersionArn,
    's3://batch/in/f.json',
    filterArn,
  );
  assert.equal(job?.filterArn, filterArn);
  assert.match(job?.failureReason ?? '', /^2 of 4 input lines could not be used/);
  const out = outputLines(dataRoot, 'filtered', 'f.json.out');
  for (const [at, genre] of genres.entries()) {
    const items = (out[at]?.['output'] as { recommendedItems: string[] }).recommendedItems;
    assert.equal(items.length, 5);
    for (const item of items) assert.equal(genreOf.get(item), genre, item);
  }
  assert.match(String(out[2]?.['error']), /^Line 3: The filter's INCLUDE expression uses \$GENRE/);
  assert.match(String(out[3]?.['error']), /^Line 4: filterValues must be an object of strings/);

  // Without a filter on the job, a line's filterValues is an error, never silently ignored.
  const { job: unfiltered } = await runJob(personalize, 'plain', solutionVersionArn, 's3://batch/in/f.json');
  assert.match(unfiltered?.failureReason ?? '', /Line 1: filterValues needs a job created with a filterArn/);
});

test('CreateBatchInferenceJob refuses an unknown filter, an output that is not a prefix, and an unknown version', async (t) => {
  const { personalize } = await startTestEngine(t);
  const base = {
    jobName: 'j',
    solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/none/0000abcd',
    roleArn: ROLE,
    jobInput: { s3DataSource: { path: 's3://batch/in/users.json' } },
    jobOutput: { s3DataDestination: { path: 's3://batch/out/' } },
  };
  await assert.rejects(
    () =>
      personalize.send(
        new CreateBatchInferenceJobCommand({
          ...base,
          filterArn: 'arn:aws:personalize:us-east-1:000000000000:filter/in-stock',
        }),
      ),
    ResourceNotFoundException,
  );
  await assert.rejects(
    () =>
      personalize.send(
        new CreateBatchInferenceJobCommand({
          ...base,
          jobOutput: { s3DataDestination: { path: 's3://batch/out' } },
        }),
      ),
    /prefix ending in \//,
  );
  await assert.rejects(
    () => personalize.send(new CreateBatchInferenceJobCommand(base)),
    ResourceNotFoundException,
  );
});
