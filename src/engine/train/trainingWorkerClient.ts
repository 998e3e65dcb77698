import { Worker } from 'node:worker_threads';
import type { TrainingOutcome, TrainingRequest } from './trainSolution.js';
import { TrainingStoppedError, type TrainingProgress } from './trainingControl.js';
import type { WorkerInput, WorkerMessage } from './trainingWorker.js';

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
}

/** Trains in a worker thread; the request's tables are copied to it, so the caller's stay usable. */
export function startTrainingRun(request: TrainingRequest, options: TrainingRunOptions = {}): TrainingRun {
  const stopFlag = new SharedArrayBuffer(4);
  const input: WorkerInput = { request, stopFlag };
  const worker = new Worker(new URL('./trainingWorker.js', import.meta.url), {
    workerData: input,
    // Not the parent's flags: a parent started with `--input-type=module -e …` would make the
    // worker evaluate that script instead of its own file.
    execArgv: [],
  });
  let stopped = false;
  const outcome = new Promise<TrainingOutcome>((resolve, reject) => {
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
        const model = message.outcome.model as Uint8Array;
        const outcomeWithBuffer = {
          ...message.outcome,
          model: Buffer.from(model.buffer, model.byteOffset, model.byteLength),
        };
        settle(() => resolve(outcomeWithBuffer));
      } else if (message.name === 'TrainingStoppedError') settle(() => reject(new TrainingStoppedError()));
      else settle(() => reject(new TrainingFailedError(message.message, message.name)));
    });
    worker.on('error', (error) => settle(() => reject(new TrainingFailedError(error.message, error.name))));
    worker.on('exit', () =>
      settle(() =>
        reject(
          stopped
            ? new TrainingStoppedError()
            : new TrainingFailedError('The training worker exited.', 'Exit'),
        ),
      ),
    );
  });
  return {
    outcome,
    stop() {
      if (stopped) return;
      stopped = true;
      Atomics.store(new Int32Array(stopFlag), 0, 1);
      setTimeout(() => void worker.terminate(), options.stopGraceMs ?? 2000).unref();
    },
  };
}
