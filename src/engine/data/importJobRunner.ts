import { Worker } from 'node:worker_threads';
import { capMessage } from '../../shared/echo.js';
import type { EngineContext } from '../context.js';
import { expectBulkDataCommit } from '../store/datasetGroupContents.js';
import { setImportJobStatus } from '../store/datasetImportJobRecords.js';
import { INTERRUPTED } from '../store/recovery.js';
import type { ImportRequest } from './datasetImport.js';
import { dropVersion } from '../store/datasetStorage.js';
import type { ImportCommitMessage, ImportWorkerData, ImportWorkerMessage } from './importWorker.js';

export type ScheduledImport = Omit<ImportRequest, 'datasources' | 'now'>;

/** Imports into one dataset run one after another, in creation order; different datasets in parallel. */
const queues = new WeakMap<EngineContext, Map<string, Promise<void>>>();

/**
 * Runs an import job off the request path: it stays CREATE PENDING until earlier imports into the
 * same dataset finish, is CREATE IN_PROGRESS while a worker thread reads it, then ACTIVE or
 * CREATE FAILED with the reason.
 */
export function scheduleImport(ctx: EngineContext, job: ScheduledImport): void {
  let perDataset = queues.get(ctx);
  if (!perDataset) {
    perDataset = new Map();
    queues.set(ctx, perDataset);
  }
  const queue = perDataset;
  const run = (queue.get(job.datasetArn) ?? Promise.resolve()).then(() => runImport(ctx, job));
  queue.set(job.datasetArn, run);
  ctx.background(async () => {
    await run;
    if (queue.get(job.datasetArn) === run) queue.delete(job.datasetArn);
  });
}

async function runImport(ctx: EngineContext, job: ScheduledImport): Promise<void> {
  // Queued work does not start during shutdown; recovery would fail it at the next start anyway.
  if (ctx.shuttingDown()) {
    if (ctx.db.open) setImportJobStatus(ctx.db, job.jobArn, 'CREATE FAILED', ctx.now(), INTERRUPTED);
    return;
  }
  try {
    setImportJobStatus(ctx.db, job.jobArn, 'CREATE IN_PROGRESS', ctx.now());
    await runWorker(ctx, {
      ...job,
      datasources: ctx.datasources,
      now: ctx.now(),
      databasePath: ctx.db.name,
    });
  } catch (error) {
    ctx.logger.error({ err: error, job: job.jobArn }, 'dataset import failed unexpectedly');
    if (ctx.db.open) {
      setImportJobStatus(
        ctx.db,
        job.jobArn,
        'CREATE FAILED',
        ctx.now(),
        'The import stopped on an internal error.',
      );
    }
  }
}

/**
 * One import in a worker thread. It ends CREATE FAILED when it runs past `limits.importMs` (a
 * datasource that never ends) or the engine shuts down; either way the worker is terminated first
 * and its half-written version dropped once it is gone. Once the commit has begun it finishes.
 */
function runWorker(ctx: EngineContext, data: ImportWorkerData): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./importWorker.js', import.meta.url), {
      workerData: data,
      // Not the parent's flags (see trainingWorkerClient.ts).
      execArgv: [],
    });
    let versionId: number | undefined;
    let settled = false;
    let committing = false;
    let endCommit = (): void => undefined;
    let stopReason: string | undefined;
    const stop = (reason: string): void => {
      if (committing || settled || stopReason) return;
      stopReason = reason;
      void worker.terminate();
    };
    const limitSeconds = ctx.limits.importMs / 1000;
    const timer = setTimeout(
      () =>
        stop(
          `The import ran longer than the engine's limit of ${limitSeconds} s (engine --import-timeout); ` +
            'check that the datasource is a complete file, or raise the limit for very large imports.',
        ),
      ctx.limits.importMs,
    );
    const run = { interrupt: () => stop(INTERRUPTED) };
    ctx.importRuns.add(run);
    const fail = (reason: string, dropData: boolean): void => {
      if (settled) return;
      settled = true;
      // Past the shutdown bound the database is closed: the next start's recovery records the job.
      if (!ctx.db.open) return;
      if (dropData && versionId !== undefined) dropVersion(ctx.db, versionId);
      setImportJobStatus(ctx.db, data.jobArn, 'CREATE FAILED', ctx.now(), capMessage(reason));
    };
    worker.on('message', (message: ImportWorkerMessage) => {
      if (message.type === 'version') versionId = message.versionId;
      else if (message.type === 'written') {
        if (stopReason) return;
        committing = true;
        // From here until the worker says it committed (or is gone), serving re-reads the data stamp.
        endCommit = expectBulkDataCommit(ctx.db);
        const commit: ImportCommitMessage = { type: 'commit', now: ctx.now() };
        worker.postMessage(commit);
      } else if (message.type === 'committed') {
        settled = true;
        endCommit();
      } else fail(message.reason, false);
    });
    worker.on('error', (error) => {
      ctx.logger.error({ err: error, job: data.jobArn }, 'import worker crashed');
      fail(`The import stopped on an internal error: ${error.message}`, true);
    });
    worker.on('exit', () => {
      endCommit();
      clearTimeout(timer);
      ctx.importRuns.delete(run);
      fail(stopReason ?? 'The import worker stopped before finishing.', true);
      resolve();
    });
  });
}
