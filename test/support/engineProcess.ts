import { PersonalizeClient, ListDatasetGroupsCommand } from '@aws-sdk/client-personalize';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { makeTempDir, sdkClientConfig } from './engine.js';

/** The bar of issue 13: after any hostile input, SIGTERM ends the engine within this. */
export const SIGTERM_BOUND_MS = 5000;

export interface EngineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Where clients reach it (always 127.0.0.1, whatever it binds). */
  readonly url: string;
  readonly port: number;
  readonly stateDir: string;
  readonly dataRoot: string;
  readonly personalize: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
  stdout(): string;
  stderr(): string;
}

/**
 * Runs `personalize-retrain engine` as a user would, on port 0 in a fresh (or given) state dir,
 * with `args` added; resolves once it prints its URL. The test's cleanup kills what is left.
 */
export async function startEngineProcess(
  t: Pick<TestContext, 'after'>,
  args: readonly string[] = [],
  stateDir?: string,
): Promise<EngineProcess> {
  const dir = stateDir ?? makeTempDir('pr-engine-');
  const child = spawn(
    process.execPath,
    ['bin/personalize-retrain.js', 'engine', '--port', '0', '--state-dir', dir, ...args],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = () => {
      const match = /listening on http:\/\/[^\s]*:(\d+)/.exec(stdout);
      if (match?.[1]) {
        child.stdout.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`engine exited early (${code}): ${stdout}${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const personalize = new PersonalizeClient(sdkClientConfig(url));
  const runtime = new PersonalizeRuntimeClient(sdkClientConfig(url));
  t.after(() => {
    personalize.destroy();
    runtime.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!stateDir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    child,
    url,
    port,
    stateDir: dir,
    dataRoot: join(dir, 'data'),
    personalize,
    runtime,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/**
 * The bars after a hostile case: the engine still answers, SIGTERM ends it cleanly within 5 s,
 * and its database passes SQLite's integrity check.
 */
export async function assertAnswersAndStops(engine: EngineProcess): Promise<void> {
  const { datasetGroups } = await engine.personalize.send(new ListDatasetGroupsCommand({}));
  assert.ok(Array.isArray(datasetGroups), 'the engine still answers');
  engine.personalize.destroy();
  engine.runtime.destroy();
  const exited = once(engine.child, 'exit');
  const signalled = performance.now();
  engine.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  const elapsed = performance.now() - signalled;
  assert.equal(code, 0, engine.stderr());
  assert.ok(elapsed < SIGTERM_BOUND_MS, `SIGTERM took ${Math.round(elapsed)} ms`);
  const db = new Database(join(engine.stateDir, 'engine.sqlite'), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
}
