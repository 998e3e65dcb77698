import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChoiceState, State } from '../../../src/pipeline/definition/asl.js';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { POLL_LIMIT_ERROR } from '../../../src/pipeline/definition/pollLimits.js';
import { configWith } from '../../support/pipelineConfigs.js';

/** Every state of the definition, the import Map's inner ones included. */
function allStates(states: Readonly<Record<string, State>>): Record<string, State> {
  const all: Record<string, State> = { ...states };
  for (const state of Object.values(states)) {
    if (state.Type === 'Map') Object.assign(all, allStates(state.ItemProcessor.States));
  }
  return all;
}

test('every Wait of the pipeline is a job loop: wait, describe, decide with a poll limit, count, back to the wait', () => {
  const states = allStates(buildDefinition(configWith()).States);
  const waits = Object.entries(states).filter(([, state]) => state.Type === 'Wait');
  assert.deepEqual(waits.map(([name]) => name).sort(), [
    'WaitForCampaignUpdate',
    'WaitForImport',
    'WaitForTraining',
  ]);
  for (const [name, wait] of waits) {
    const describe = states[wait.Type === 'Wait' ? (wait.Next as string) : ''];
    assert.equal(describe?.Type, 'Task', `${name} leads to a Task`);
    const decide = states[describe?.Type === 'Task' ? (describe.Next as string) : ''] as ChoiceState;
    assert.equal(decide.Type, 'Choice');
    const limitRule = decide.Choices.at(-1);
    const limit = states[limitRule?.Next as string];
    assert.equal(limit?.Type === 'Pass' && limit.Parameters?.['Error'], POLL_LIMIT_ERROR);
    const count = states[decide.Default];
    assert.equal(
      count?.Type === 'Pass' && count.Next,
      name,
      `${decide.Default} counts and returns to ${name}`,
    );
  }
});
