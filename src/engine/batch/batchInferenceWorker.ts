/**
 * Worker-thread entry for one batch inference job: decoding the model, scoring every line and
 * writing the output happen here, so the API thread keeps answering meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatasourceResolver } from '../context.js';
import { ImportError } from '../data/importErrors.js';
import { decodeModel } from '../train/modelCodec.js';
import {
  runBatchInference,
  type BatchInferenceRequest,
  type BatchInferenceResult,
} from './batchInference.js';

export interface BatchInferenceWorkerData {
  readonly model: Uint8Array;
  readonly request: BatchInferenceRequest;
  readonly datasources: DatasourceResolver;
}

export type BatchInferenceWorkerMessage =
  ({ readonly type: 'done' } & BatchInferenceResult) | { readonly type: 'failed'; readonly reason: string };

const port = parentPort;
if (!port) throw new Error('batchInferenceWorker.js runs only as a worker thread');
const data = workerData as BatchInferenceWorkerData;
try {
  const result = await runBatchInference(decodeModel(data.model), data.request, data.datasources);
  port.postMessage({ type: 'done', ...result } satisfies BatchInferenceWorkerMessage);
} catch (error) {
  const reason =
    error instanceof ImportError
      ? error.message
      : `The batch inference job stopped on an internal error: ${error instanceof Error ? error.message : String(error)}`;
  port.postMessage({ type: 'failed', reason } satisfies BatchInferenceWorkerMessage);
}
