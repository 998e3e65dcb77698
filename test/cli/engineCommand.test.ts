import { ListRecipesCommand } from '@aws-sdk/client-personalize';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { startEngineProcess } from '../support/engineProcess.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`the engine command serves the SDK on loopback and stops cleanly on ${signal}`, async (t) => {
    const engine = await startEngineProcess(t);
    assert.match(engine.stdout(), /listening on http:\/\/127\.0\.0\.1:\d+/);
    const { recipes = [] } = await engine.personalize.send(new ListRecipesCommand({}));
    assert.ok(recipes.length > 0);
    assert.doesNotMatch(engine.stderr(), /warning/i, 'no exposure warning on loopback');
    const exited = once(engine.child, 'exit');
    engine.child.kill(signal);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    assert.match(engine.stdout(), /engine stopped/);
  });
}
