import type { EngineContext } from '../context.js';
import { dropUncommittedVersions } from '../data/datasetStorage.js';

/**
 * Work that was in progress when the process died can never finish: mark it failed at start-up, as
 * the service would, so that nothing stays "in progress" forever. Dataset versions an import was
 * still writing are removed; the data each dataset had committed stays exactly as it was.
 */
export function recoverInterruptedWork(ctx: EngineContext): void {
  const now = ctx.now();
  ctx.db.transaction(() => {
    ctx.db
      .prepare(
        `UPDATE dataset_import_jobs SET status = 'CREATE FAILED', failure_reason = 'interrupted', updated = ?
         WHERE status IN ('CREATE PENDING', 'CREATE IN_PROGRESS')`,
      )
      .run(now);
    dropUncommittedVersions(ctx.db);
  })();
}
