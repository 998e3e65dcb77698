import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExitCodes } from '../../src/cli/exitCodes.js';
import { loadPipelineConfig } from '../../src/config/pipelineConfig.js';
import { buildDefinition } from '../../src/pipeline/definition/index.js';
import { makeTempDir } from '../support/engine.js';
import { FULL_PARAMETERS, parametersText } from '../support/pipelineConfigs.js';
import { cli } from './support.js';

function writeParams(t: { after(fn: () => void): void }, text: string): string {
  const dir = makeTempDir('pr-definition-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'parameters.cfg');
  writeFileSync(file, text);
  return file;
}

test('definition prints exactly the builder’s JSON for the selected pipeline, indented by two spaces', async (t) => {
  const file = writeParams(t, parametersText({ ...FULL_PARAMETERS, CampaignArn: undefined }));
  const result = await cli('definition', '--params', file, '--stack-name', 'shop-staging');

  assert.equal(result.code, ExitCodes.Success);
  assert.equal(result.err, '');
  const expected = buildDefinition(loadPipelineConfig(file, { pipelineName: 'shop-staging' }));
  assert.equal(result.out, `${JSON.stringify(expected, null, 2)}\n`);
  assert.ok(result.out.includes('\n  "StartAt": '));
  assert.match(result.out, /"Subject": "shop-staging: retraining succeeded"/);
  assert.doesNotMatch(result.out, /Campaign/);
});

test('definition refuses an invalid file with every problem listed and exit status 2', async (t) => {
  const file = writeParams(t, parametersText({ ...FULL_PARAMETERS, SolutionArn: 'shop', PollInterval: '0' }));
  const result = await cli('definition', '--params', file);

  assert.equal(result.code, ExitCodes.InvalidInput);
  assert.equal(result.out, '');
  assert.match(result.err, /2 problems/);
  assert.match(result.err, new RegExp(`${file}:2 SolutionArn: 'shop' is not a Personalize solution ARN\\.`));
  assert.match(result.err, new RegExp(`${file}:10 PollInterval: .* Fix: `));
});
