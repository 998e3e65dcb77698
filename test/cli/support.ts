import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { demoParametersFile } from '../../src/demo/demoParameters.js';
import {
  DEMO_NAME,
  ensureDemoResources,
  writeShopExport,
  type DemoResources,
} from '../../src/demo/demoShopSetup.js';
import { generateShop } from '../../src/demo/syntheticShop.js';
import { startEngine, type RunningEngine } from '../../src/engine/engine.js';
import { makeTempDir, sdkClientConfig } from '../support/engine.js';

/** The compiled `bin` entry, as `npx personalize-retrain` runs it. */
export const CLI = fileURLToPath(new URL('../../../bin/personalize-retrain.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `personalize-retrain <args>` in this process with captured output, through the same entry the
 * `bin` uses; `process.exitCode` is left as it was so the test runner's own status is not touched.
 */
export async function cli(...args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    isTty: false,
  };
  const before = process.exitCode;
  try {
    const code = await runProgram(['node', 'personalize-retrain', ...args], io);
    return { code, out, err };
  } finally {
    process.exitCode = before;
  }
}

/** A child process running the compiled CLI; `output()` is what it printed so far (stdout and stderr). */
export interface CliChild {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves once stdout contains a match (or rejects when the process exits first). */
  waitForOutput(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: readonly string[]): CliChild {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    waitForOutput(pattern) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          listeners.delete(check);
          resolve(match[0]);
        };
        listeners.add(check);
        check();
        void exited.then(({ code, signal }) =>
          reject(new Error(`the CLI ended (${code ?? signal}) before printing ${pattern}:\n${output}`)),
        );
      });
    },
  };
}

export interface DemoShop {
  readonly stateDir: string;
  readonly paramsFile: string;
  readonly resources: DemoResources;
}

/**
 * What `demo` sets up before its retraining cycle: the shop's first weeks imported, a version
 * trained and serving in a campaign, the newest export written and a parameters.cfg for it. No run
 * is recorded. About 2 s; tests copy the result with `copyDemoShop` rather than set it up again.
 */
export async function setUpDemoShop(stateDir: string = makeTempDir('pr-cli-')): Promise<DemoShop> {
  const engine = await startEngine({ port: 0, stateDir });
  const personalize = new PersonalizeClient(sdkClientConfig(engine.url));
  try {
    const shop = generateShop({ seed: 42 });
    const dataRoot = join(stateDir, 'data');
    const firstWeeks = writeShopExport(dataRoot, shop, shop.weekStarts[6] ?? Infinity);
    const resources = await ensureDemoResources(personalize, firstWeeks);
    writeShopExport(dataRoot, shop, Infinity);
    const paramsFile = join(stateDir, DEMO_NAME, 'parameters.cfg');
    mkdirSync(join(stateDir, DEMO_NAME), { recursive: true });
    writeFileSync(paramsFile, demoParametersFile(resources, { paramsFile, stackName: DEMO_NAME, stateDir }));
    return { stateDir, paramsFile, resources };
  } finally {
    personalize.destroy();
    await engine.close();
  }
}

/** A copy of a demo state dir (taken while no engine runs on it), so a test can change it freely. */
export function copyDemoShop(demo: DemoShop): DemoShop {
  const stateDir = makeTempDir('pr-cli-copy-');
  cpSync(demo.stateDir, stateDir, { recursive: true });
  return { ...demo, stateDir, paramsFile: join(stateDir, DEMO_NAME, 'parameters.cfg') };
}

/**
 * Writes a variant of the demo's parameters next to them: each given key replaced (or added), or
 * removed when its value is undefined. Returns the new file's path.
 */
export function writeParamsVariant(
  demo: DemoShop,
  name: string,
  changes: Readonly<Record<string, string | undefined>>,
): string {
  const pending = new Map(Object.entries(changes));
  const lines = readFileSync(demo.paramsFile, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const key = /^([A-Za-z0-9]+)=/.exec(line)?.[1];
      if (key === undefined || !pending.has(key)) return [line];
      const value = pending.get(key);
      pending.delete(key);
      return value === undefined ? [] : [`${key}=${value}`];
    });
  for (const [key, value] of pending) if (value !== undefined) lines.push(`${key}=${value}`);
  const file = join(demo.stateDir, DEMO_NAME, `${name}.cfg`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The `--params/--stack-name/--state-dir` flags of a demo pipeline command. */
export function demoFlags(demo: DemoShop, paramsFile: string = demo.paramsFile): string[] {
  return ['--params', paramsFile, '--stack-name', DEMO_NAME, '--state-dir', demo.stateDir];
}

/** Starts an engine on a state dir (no CLI process may be using it) with an SDK client for it. */
export async function openEngine(
  stateDir: string,
): Promise<{ engine: RunningEngine; personalize: PersonalizeClient; close(): Promise<void> }> {
  const engine = await startEngine({ port: 0, stateDir });
  const personalize = new PersonalizeClient(sdkClientConfig(engine.url));
  return {
    engine,
    personalize,
    async close() {
      personalize.destroy();
      await engine.close();
    },
  };
}
