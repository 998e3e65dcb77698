import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir, startTestEngine } from '../support/engine.js';
import { createDataset, importCsv, putObject, readRows } from '../support/imports.js';

const HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n';
const GOOD = `${HEADER}u1,i1,1700000000,click\nu2,i2,1700000100,buy\n`;

/** Each bad file: where it lives, its bytes, and what the failure reason must say. */
const BAD_FILES: ReadonlyArray<{ kind: string; key: string; body?: string | Buffer; reason: RegExp }> = [
  {
    kind: 'empty file',
    key: 'empty.csv',
    body: '',
    reason: /^s3:\/\/shop\/empty\.csv is empty; expected a header line/,
  },
  {
    kind: 'header only',
    key: 'header.csv',
    body: HEADER,
    reason: /^s3:\/\/shop\/header\.csv has a header but no data rows/,
  },
  {
    kind: 'missing required column',
    key: 'no-ts.csv',
    body: 'USER_ID,ITEM_ID,EVENT_TYPE\nu1,i1,click\n',
    reason: /^s3:\/\/shop\/no-ts\.csv line 1: required column TIMESTAMP is missing/,
  },
  {
    kind: 'unknown column',
    key: 'extra.csv',
    body: 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,COLOR\nu1,i1,1700000000,click,red\n',
    reason: /^s3:\/\/shop\/extra\.csv line 1: column 'COLOR' is not a field of the dataset's schema/,
  },
  {
    kind: 'duplicate column',
    key: 'twice.csv',
    body: 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,user_id\nu1,i1,1700000000,click,u1\n',
    reason: /line 1: column 'user_id' appears twice/,
  },
  {
    kind: 'wrong type',
    key: 'value.csv',
    body: 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1700000000,click,1.5\nu1,i1,1700000000,click,lots\n',
    reason:
      /^s3:\/\/shop\/value\.csv line 3, column EVENT_VALUE: expected a decimal number such as 3\.25 or 1e-3, got 'lots'/,
  },
  {
    kind: 'timestamp not a number',
    key: 'ts-text.csv',
    body: `${HEADER}u1,i1,yesterday,click\n`,
    reason: /line 2, column TIMESTAMP: expected an integer of epoch seconds .*got 'yesterday'/,
  },
  {
    kind: 'negative timestamp',
    key: 'ts-negative.csv',
    body: `${HEADER}u1,i1,1700000000,click\nu1,i1,-86400,click\n`,
    reason: /line 3, column TIMESTAMP: expected a non-negative integer of epoch seconds/,
  },
  {
    kind: 'millisecond timestamp',
    key: 'ts-millis.csv',
    body: `${HEADER}u1,i1,1700000000123,click\n`,
    reason:
      /line 2, column TIMESTAMP: expected epoch seconds of at most 10 digits; 13 digits look like milliseconds \(divide by 1000\)/,
  },
  {
    kind: 'value too long',
    key: 'long-id.csv',
    body: `${HEADER}${'u'.repeat(300)},i1,1700000000,click\n`,
    reason: /line 2, column USER_ID: expected at most 256 characters, got 'u{40}… \(300 characters\)'/,
  },
  {
    kind: 'empty value in a required field',
    key: 'no-item.csv',
    body: `${HEADER}u1,,1700000000,click\n`,
    reason: /line 2, column ITEM_ID: expected a value \(the field is not nullable/,
  },
  {
    kind: 'invalid UTF-8',
    key: 'latin1.csv',
    body: Buffer.concat([
      Buffer.from(`${HEADER}u1,i1,1700000000,click\nu`),
      Buffer.from([0xe9]),
      Buffer.from(',i1,1700000000,click\n'),
    ]),
    reason:
      /^s3:\/\/shop\/latin1\.csv line 3: invalid UTF-8 near byte 2 of the line; save the file with UTF-8 encoding/,
  },
  {
    kind: 'unbalanced quote',
    key: 'quote.csv',
    body: `${HEADER}u1,"i1,1700000000,click\nu2,i2,1700000000,click\n`,
    reason: /^s3:\/\/shop\/quote\.csv line 2: a quoted field is never closed/,
  },
  {
    kind: 'quote inside an unquoted field',
    key: 'stray-quote.csv',
    body: `${HEADER}u1,i"1,1700000000,click\n`,
    reason: /line 2: a double quote inside an unquoted field/,
  },
  {
    kind: 'mixed column counts',
    key: 'ragged.csv',
    body: `${HEADER}u1,i1,1700000000,click\nu2,i2,1700000000\n`,
    reason: /^s3:\/\/shop\/ragged\.csv line 3: the record has 3 fields but the header has 4/,
  },
  {
    kind: 'a 10 MB line',
    key: 'huge-line.csv',
    body: `${HEADER}${'x'.repeat(10 * 1024 * 1024)},i1,1700000000,click\n`,
    reason: /^s3:\/\/shop\/huge-line\.csv line 2: the line is longer than 1048576 bytes/,
  },
  { kind: 'missing object', key: 'nope.csv', reason: /^Object s3:\/\/shop\/nope\.csv does not exist/ },
  {
    kind: 'prefix without CSV files',
    key: 'empty-prefix/',
    reason: /^No \.csv objects under s3:\/\/shop\/empty-prefix\//,
  },
  {
    kind: 'key escaping the data root with ..',
    key: '../../secret.csv',
    reason: /^s3:\/\/shop\/\.\.\/\.\.\/secret\.csv resolves outside its bucket folder/,
  },
  {
    kind: 'key escaping the data root through a symlink',
    key: 'linked.csv',
    reason: /^s3:\/\/shop\/linked\.csv resolves outside its bucket folder/,
  },
  {
    kind: 'a folder named without the trailing slash',
    key: 'folder',
    reason: /is a folder; end the location with \//,
  },
];

test('every kind of bad file fails the job with a reason naming file, line, column and expectation, and leaves the data as it was', async (t) => {
  const { personalize, engine, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  putObject(dataRoot, 'shop', 'good.csv', GOOD);
  assert.equal((await importCsv(personalize, datasetArn, 's3://shop/good.csv')).status, 'ACTIVE');
  const before = readRows(engine.ctx.db, datasetArn);
  assert.equal(before?.length, 2);

  const outside = makeTempDir('pr-outside-');
  writeFileSync(join(outside, 'secret.csv'), GOOD);
  writeFileSync(join(dataRoot, 'secret.csv'), GOOD);
  symlinkSync(join(outside, 'secret.csv'), join(dataRoot, 'shop', 'linked.csv'));
  putObject(dataRoot, 'shop', 'empty-prefix/notes.txt', 'not a csv');
  putObject(dataRoot, 'shop', 'folder/part.csv', GOOD);
  for (const bad of BAD_FILES) if (bad.body !== undefined) putObject(dataRoot, 'shop', bad.key, bad.body);

  assert.ok(BAD_FILES.length >= 15);
  for (const bad of BAD_FILES) {
    const job = await importCsv(personalize, datasetArn, `s3://shop/${bad.key}`);
    assert.equal(job.status, 'CREATE FAILED', bad.kind);
    assert.match(job.failureReason ?? '', bad.reason, bad.kind);
    assert.deepEqual(readRows(engine.ctx.db, datasetArn), before, `${bad.kind} changed the data`);
  }
  const leftovers = engine.ctx.db
    .prepare(`SELECT COUNT(*) AS n FROM dataset_versions WHERE state != 'committed'`)
    .get() as { n: number };
  assert.equal(leftovers.n, 0, 'failed imports leave no half-written versions behind');
});

test('an INCREMENTAL import over a bad file leaves the dataset data untouched too', async (t) => {
  const { personalize, engine, dataRoot } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  putObject(dataRoot, 'shop', 'good.csv', GOOD);
  putObject(dataRoot, 'shop', 'bad.csv', `${HEADER}u3,i3,1700000200,click\nu4,i4,soon,click\n`);
  await importCsv(personalize, datasetArn, 's3://shop/good.csv');
  const before = readRows(engine.ctx.db, datasetArn);
  const job = await importCsv(personalize, datasetArn, 's3://shop/bad.csv', 'INCREMENTAL');
  assert.equal(job.status, 'CREATE FAILED');
  assert.match(job.failureReason ?? '', /bad\.csv line 3, column TIMESTAMP/);
  assert.deepEqual(readRows(engine.ctx.db, datasetArn), before);
});
