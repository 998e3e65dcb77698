/**
 * The local runner's own overhead per execution: everything but engine work and waits. Both sides run
 * the same 30-task machine in this process: bare aws-local-stepfunctions with no-op handlers, and
 * `runPipeline` with Personalize calls answered at once by a stub client (so parameter and result
 * conversion, error mapping, event tracking and the SQLite execution store are all measured, the
 * engine is not). Prints medians; the bar is an overhead under 20 ms per execution. Building a machine
 * (asl-validator) is reported apart: both sides pay it once per definition, not per execution.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/runner-overhead.js [iterations]
 */
import '../src/shared/polyfills.js';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { openExecutionStore } from '../src/pipeline/executions/executionStore.js';
import { createLocalNotifier } from '../src/pipeline/runner/notifier.js';
import { runPipeline } from '../src/pipeline/runner/retrainingRun.js';

const TASKS = 30;
const iterations = Number(process.argv[2] ?? 200);
const SOLUTION_VERSION = 'arn:aws:personalize:us-east-1:000000000000:solution/shop/v1';

function thirtyTaskDefinition(): StateMachineDefinition {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < TASKS; i += 1) {
    states[`Task${i}`] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:personalize:describeSolutionVersion',
      Parameters: { SolutionVersionArn: SOLUTION_VERSION },
      ResultPath: '$.last',
      ...(i === TASKS - 1 ? { End: true } : { Next: `Task${i + 1}` }),
    };
  }
  return { StartAt: 'Task0', States: states } as unknown as StateMachineDefinition;
}

/** Answers every command at once with a described solution version, as the SDK would return it. */
const stubClient = {
  send: () =>
    Promise.resolve({
      $metadata: { httpStatusCode: 200 },
      solutionVersion: {
        solutionVersionArn: SOLUTION_VERSION,
        status: 'ACTIVE',
        creationDateTime: new Date(0),
        lastUpdatedDateTime: new Date(0),
      },
    }),
  destroy: () => undefined,
} as unknown as PersonalizeClient;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The interpreter alone; its machine is built (and validated) once, as the runner does. */
async function bare(
  machine: StateMachine,
  handlers: Record<string, () => Record<string, string>>,
): Promise<number> {
  const start = performance.now();
  await machine.run({}, { overrides: { taskResourceLocalHandlers: handlers } }).result;
  return performance.now() - start;
}

/** What building a machine costs: asl-validator runs in the constructor. Paid once per definition. */
function validation(definition: StateMachineDefinition): number {
  const start = performance.now();
  new StateMachine(definition);
  return performance.now() - start;
}

async function main(): Promise<void> {
  const definition = thirtyTaskDefinition();
  const bareMachine = new StateMachine(definition);
  const handlers = Object.fromEntries(
    Object.keys(definition.States).map((name) => [name, (): Record<string, string> => ({})]),
  );
  const dir = mkdtempSync(join(tmpdir(), 'pr-bench-'));
  const store = openExecutionStore(join(dir, 'executions.sqlite'));
  const notifier = createLocalNotifier({ logger: pino({ level: 'silent' }) });
  const runner = async () => {
    const start = performance.now();
    const outcome = await runPipeline({
      definition,
      pipelineName: 'bench',
      target: { kind: 'endpoint', endpoint: 'http://127.0.0.1:9', personalize: stubClient },
      store,
      notifier,
    });
    if (outcome.execution.status !== 'SUCCEEDED') throw new Error(`bench run ${outcome.execution.status}`);
    return performance.now() - start;
  };
  for (let i = 0; i < 20; i += 1) {
    await bare(bareMachine, handlers);
    await runner();
  }
  const bareTimes: number[] = [];
  const runnerTimes: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    bareTimes.push(await bare(bareMachine, handlers));
    runnerTimes.push(await runner());
  }
  const validationTimes = Array.from({ length: 10 }, () => validation(definition));
  store.close();
  rmSync(dir, { recursive: true, force: true });
  const bareMedian = median(bareTimes);
  const runnerMedian = median(runnerTimes);
  console.log(
    JSON.stringify(
      {
        node: process.version,
        tasks: TASKS,
        iterations,
        bareMedianMs: Number(bareMedian.toFixed(2)),
        runnerMedianMs: Number(runnerMedian.toFixed(2)),
        overheadMs: Number((runnerMedian - bareMedian).toFixed(2)),
        overheadPerTaskMs: Number(((runnerMedian - bareMedian) / TASKS).toFixed(3)),
        validationOncePerDefinitionMs: Number(median(validationTimes).toFixed(1)),
        bar: 'overhead < 20 ms',
      },
      null,
      2,
    ),
  );
}

await main();
