import { ListRecipesCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeTempDir, sdkClientConfig } from '../support/engine.js';

/** Starts `personalize-retrain engine` as a user would and resolves with its printed URL. */
async function startEngineProcess(stateDir: string) {
  const child = spawn(
    process.execPath,
    ['bin/personalize-retrain.js', 'engine', '--port', '0', '--state-dir', stateDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`engine exited early (${code}): ${output}`)));
  });
  return { child, url, output: () => output };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`the engine command serves the SDK on loopback and stops cleanly on ${signal}`, async (t) => {
    const stateDir = makeTempDir();
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));
    const { child, url, output } = await startEngineProcess(stateDir);
    const personalize = new PersonalizeClient(sdkClientConfig(url));
    try {
      const { recipes = [] } = await personalize.send(new ListRecipesCommand({}));
      assert.ok(recipes.length > 0);
    } finally {
      personalize.destroy();
    }
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    assert.match(output(), /engine stopped/);
  });
}
