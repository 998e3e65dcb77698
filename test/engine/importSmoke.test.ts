import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestEngine } from '../support/engine.js';
import { createDataset, importCsv, putObject, readRows } from '../support/imports.js';

test('smoke', async (t) => {
  const { personalize, dataRoot, engine } = await startTestEngine(t);
  const datasetArn = await createDataset(personalize);
  putObject(dataRoot, 'shop', 'i.csv', 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1700000000,click\nu2,"i,2",1700000001,buy\n');
  const job = await importCsv(personalize, datasetArn, 's3://shop/i.csv');
  console.log(job);
  console.log(readRows(engine.ctx.db, datasetArn));
  assert.equal(job.status, 'ACTIVE');
});
