/**
 * Worker-thread entry for training (started by trainingWorkerClient.ts), so a long training never
 * blocks the engine's event loop. Receives `{ request, stopFlag }` as workerData; posts progress
 * messages and then exactly one `done` or `failed` message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainSolution, type TrainingRequest } from './trainSolution.js';
import type { TrainingProgress } from './trainingControl.js';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: TrainingProgress }
  | { readonly type: 'done'; readonly outcome: ReturnType<typeof trainSolution> }
  | { readonly type: 'failed'; readonly name: string; readonly message: string };

export interface WorkerInput {
  readonly request: TrainingRequest;
  /** Int32 slot 0 set to 1 asks the training loop to stop at its next check. */
  readonly stopFlag: SharedArrayBuffer;
}

if (parentPort) {
  const port = parentPort;
  const { request, stopFlag } = workerData as WorkerInput;
  const flag = new Int32Array(stopFlag);
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    const outcome = trainSolution(request, {
      shouldStop: () => Atomics.load(flag, 0) === 1,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    post({ type: 'done', outcome }, [outcome.model.buffer as ArrayBuffer]);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', name: failure.name, message: failure.message });
  }
}
