import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePipelineConfig } from '../../src/config/pipelineConfig.js';
import { selectPipeline } from '../../src/config/pipelineSelection.js';
import { buildDefinition } from '../../src/pipeline/definition/index.js';
import { FULL_PARAMETERS, parametersText } from '../support/pipelineConfigs.js';

test('a config carries the name its pipeline runs under, the reference default when none is given', () => {
  const text = parametersText(FULL_PARAMETERS);
  assert.equal(parsePipelineConfig(text, 'p.cfg').config?.pipelineName, 'personalize-retraining');
  const { stackName } = selectPipeline({}, { STACK_NAME: 'personalize-retraining-prod' });
  const config = parsePipelineConfig(text, 'p.cfg', { pipelineName: stackName }).config;
  assert.equal(config?.pipelineName, 'personalize-retraining-prod');
  assert.ok(config);
  const subject = buildDefinition(config).States['NotifyFailure'];
  assert.equal(
    subject?.Type === 'Task' && subject.Parameters['Subject'],
    'personalize-retraining-prod: retraining failed',
  );
});
