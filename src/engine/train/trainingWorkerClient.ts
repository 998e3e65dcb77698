import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrainingOutcome, TrainingRequest } from './trainSolution.js';
import { TrainingStoppedError, type TrainingProgress } from './trainingControl.js';
import type { TrainingPart, WorkerInput, WorkerMessage } from './trainingWorker.js';

/** Training failed inside the worker; `cause` names the error class thrown there (e.g. HyperParameterError). */
export class TrainingFailedError extends Error {
  constructor(
    message: string,
    readonly causeName: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface TrainingRun {
  /** Resolves with the trained model and metrics; rejects with TrainingStoppedError or TrainingFailedError. */
  readonly outcome: Promise<TrainingOutcome>;
  /** Asks the training to stop at its next check; terminates the worker if it has not within the grace period. */
  stop(): void;
}

export interface TrainingRunOptions {
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** @default 2000 */
  readonly stopGraceMs?: number;
  /**
   * Train the evaluation model and the served model at the same time, in two workers (they are
   * independent). Costs a second copy of the request's tables. @default true when the machine has
   * at least two cores
   */
  readonly parallel?: boolean;
}

/** The one place training workers are started, so spawn options stay together. */
function spawnTrainingWorker(input: WorkerInput): Worker {
  return new Worker(new URL('./trainingWorker.js', import.meta.url), {
    workerData: input,
    // Not the parent's flags: a parent started with `--input-type=module -e …` would make the
    // worker evaluate that script instead of its own file.
    execArgv: [],
  });
}

/**
 * Trains in worker threads: with metrics wanted and two cores, the evaluation model and the served
 * model in one worker each, at the same time; otherwise both in one worker. The request's tables are
 * copied to the workers, so the caller's stay usable.
 */
export function startTrainingRun(request: TrainingRequest, options: TrainingRunOptions = {}): TrainingRun {
  const stopFlag = new SharedArrayBuffer(4);
  const parallel = (options.parallel ?? availableParallelism() >= 2) && (request.evaluate ?? true);
  const parts: TrainingPart[] = parallel ? ['evaluation', 'served-model'] : ['whole'];
  const started = performance.now();
  const workers = parts.map((part) => spawnTrainingWorker({ request, stopFlag, part }));
  let stopped = false;
  const terminateAll = () => workers.forEach((worker) => void worker.terminate());
  const results = workers.map((worker) => workerResult(worker, options, () => stopped));
  // A failure in one half ends the other at once: the version fails either way.
  results.forEach((result) => result.catch(terminateAll));
  const outcome = Promise.all(results).then((halves) => {
    // The halves' fields are disjoint: metrics or metricsNote from one, model and stats from the other.
    const whole = Object.assign({}, ...halves) as TrainingOutcome;
    const seconds = (performance.now() - started) / 1000;
    return parallel ? { ...whole, stats: { ...whole.stats, trainingSeconds: seconds } } : whole;
  });
  return {
    outcome,
    stop() {
      if (stopped) return;
      stopped = true;
      Atomics.store(new Int32Array(stopFlag), 0, 1);
      setTimeout(terminateAll, options.stopGraceMs ?? 2000).unref();
    },
  };
}

type WorkerDone = Extract<WorkerMessage, { type: 'done' }>['outcome'];

/** One worker's outcome; the worker is terminated once it has answered. */
function workerResult(
  worker: Worker,
  options: TrainingRunOptions,
  wasStopped: () => boolean,
): Promise<WorkerDone> {
  return new Promise<WorkerDone>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'done') {
        const model = message.outcome.model as Uint8Array | undefined;
        const outcome = model
          ? { ...message.outcome, model: Buffer.from(model.buffer, model.byteOffset, model.byteLength) }
          : message.outcome;
        settle(() => resolve(outcome));
      } else if (message.name === 'TrainingStoppedError') settle(() => reject(new TrainingStoppedError()));
      else settle(() => reject(new TrainingFailedError(message.message, message.name)));
    });
    worker.on('error', (error) => settle(() => reject(new TrainingFailedError(error.message, error.name))));
    worker.on('exit', () =>
      settle(() =>
        reject(
          wasStopped()
            ? new TrainingStoppedError()
            : new TrainingFailedError('The training worker exited.', 'Exit'),
        ),
      ),
    );
  });
}
