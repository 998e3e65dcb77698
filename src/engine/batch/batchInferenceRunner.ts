import { Worker } from 'node:worker_threads';
import type { EngineContext } from '../context.js';
import { setBatchInferenceJobStatus } from '../store/batchInferenceJobRecords.js';
import { readSolutionVersionModel } from '../store/solutionVersionRecords.js';
import type { BatchInferenceRequest } from './batchInference.js';
import type { BatchInferenceWorkerData, BatchInferenceWorkerMessage } from './batchInferenceWorker.js';

/**
 * Runs a batch inference job off the request path: CREATE IN_PROGRESS while a worker thread scores
 * the input, then ACTIVE, or CREATE FAILED with the reason (lines that could not be used, an input
 * that cannot be read).
 */
export function scheduleBatchInference(
  ctx: EngineContext,
  job: { readonly arn: string; readonly solutionVersionArn: string; readonly request: BatchInferenceRequest },
): void {
  ctx.background(async () => {
    const finish = (reason: string | undefined) => {
      if (!ctx.db.open) return;
      setBatchInferenceJobStatus(
        ctx.db,
        job.arn,
        reason ? 'CREATE FAILED' : 'ACTIVE',
        ctx.now(),
        reason ?? null,
      );
    };
    try {
      setBatchInferenceJobStatus(ctx.db, job.arn, 'CREATE IN_PROGRESS', ctx.now());
      const model = readSolutionVersionModel(ctx.db, job.solutionVersionArn);
      if (!model) return finish(`Solution version ${job.solutionVersionArn} has no trained model.`);
      const message = await runWorker({ model, request: job.request, datasources: ctx.datasources });
      finish(message.type === 'failed' ? message.reason : message.failureReason);
      if (message.type === 'done') {
        ctx.logger.info(
          { job: job.arn, lines: message.lines, failedLines: message.failedLines },
          'batch inference done',
        );
      }
    } catch (error) {
      ctx.logger.error({ err: error, job: job.arn }, 'batch inference failed unexpectedly');
      finish('The batch inference job stopped on an internal error.');
    }
  });
}

function runWorker(data: BatchInferenceWorkerData): Promise<BatchInferenceWorkerMessage> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./batchInferenceWorker.js', import.meta.url), { workerData: data });
    let answer: BatchInferenceWorkerMessage | undefined;
    worker.on('message', (message: BatchInferenceWorkerMessage) => (answer = message));
    worker.on('error', (error) => {
      answer ??= {
        type: 'failed',
        reason: `The batch inference job stopped on an internal error: ${error.message}`,
      };
    });
    worker.on('exit', () =>
      resolve(answer ?? { type: 'failed', reason: 'The batch inference worker stopped before finishing.' }),
    );
  });
}
