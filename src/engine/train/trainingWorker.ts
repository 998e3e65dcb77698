/**
 * Worker-thread entry for training (started by trainingWorkerClient.ts), so a long training never
 * blocks the engine's event loop. Receives `{ request, stopFlag, part }` as workerData; posts
 * progress messages and then exactly one `done` or `failed` message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  evaluateSolution,
  trainServedModel,
  trainSolution,
  type EvaluationOutcome,
  type TrainingOutcome,
  type TrainingRequest,
} from './trainSolution.js';
import type { TrainingControl, TrainingProgress } from './trainingControl.js';

/** What one worker computes: the whole version, or one of its two independent halves. */
export type TrainingPart = 'whole' | 'evaluation' | 'served-model';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: TrainingProgress }
  | { readonly type: 'done'; readonly outcome: Partial<TrainingOutcome> & EvaluationOutcome }
  | { readonly type: 'failed'; readonly name: string; readonly message: string };

export interface WorkerInput {
  readonly request: TrainingRequest;
  /** Int32 slot 0 set to 1 asks the training loop to stop at its next check. */
  readonly stopFlag: SharedArrayBuffer;
  /** @default whole */
  readonly part?: TrainingPart;
}

function train(request: TrainingRequest, part: TrainingPart, control: TrainingControl) {
  if (part === 'evaluation') return evaluateSolution(request, control);
  if (part === 'served-model') return trainServedModel(request, control);
  return trainSolution(request, control);
}

if (parentPort) {
  const port = parentPort;
  const { request, stopFlag, part = 'whole' } = workerData as WorkerInput;
  const flag = new Int32Array(stopFlag);
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    const outcome = train(request, part, {
      shouldStop: () => Atomics.load(flag, 0) === 1,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    const model = 'model' in outcome ? outcome.model : undefined;
    post({ type: 'done', outcome }, model ? [model.buffer as ArrayBuffer] : []);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', name: failure.name, message: failure.message });
  }
}
