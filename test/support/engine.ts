import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startEngine, type EngineOptions, type RunningEngine } from '../../src/engine/engine.js';

export interface EngineFixture {
  readonly engine: RunningEngine;
  readonly personalize: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
  readonly events: PersonalizeEventsClient;
  readonly stateDir: string;
  readonly dataRoot: string;
}

export function makeTempDir(prefix = 'pr-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function sdkClientConfig(url: string) {
  return {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
}

/**
 * Starts a real engine on 127.0.0.1, port 0, in a fresh state dir, with the official SDK clients
 * pointed at it; everything is closed and removed when the test ends.
 */
export async function startTestEngine(
  t: Pick<TestContext, 'after'>,
  options: EngineOptions = {},
): Promise<EngineFixture> {
  const stateDir = options.stateDir ?? makeTempDir();
  const dataRoot = options.dataRoot ?? join(stateDir, 'data');
  const engine = await startEngine({ port: 0, ...options, stateDir, dataRoot });
  const personalize = new PersonalizeClient(sdkClientConfig(engine.url));
  const runtime = new PersonalizeRuntimeClient(sdkClientConfig(engine.url));
  const events = new PersonalizeEventsClient(sdkClientConfig(engine.url));
  t.after(async () => {
    personalize.destroy();
    runtime.destroy();
    events.destroy();
    await engine.close();
    if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
  });
  return { engine, personalize, runtime, events, stateDir, dataRoot };
}
