import type { EngineContext } from '../context.js';
import { dropUncommittedVersions } from '../data/datasetStorage.js';

/** The failureReason of work cut short by a shutdown or crash rather than by its own fault. */
export const INTERRUPTED = 'interrupted';

/**
 * Work that was in progress when the process died can never finish: mark it failed at start-up, as
 * the service would, so that nothing stays "in progress" forever. Dataset versions an import was
 * still writing are removed; the data each dataset had committed stays exactly as it was. Trainings
 * and campaign rollouts fail the same way; a campaign keeps serving what it served.
 */
export function recoverInterruptedWork(ctx: EngineContext): void {
  const now = ctx.now();
  ctx.db
    .transaction(() => {
      ctx.db
        .prepare(
          `UPDATE dataset_import_jobs SET status = 'CREATE FAILED', failure_reason = 'interrupted', updated = ?
         WHERE status IN ('CREATE PENDING', 'CREATE IN_PROGRESS')`,
        )
        .run(now);
      dropUncommittedVersions(ctx.db);
      ctx.db
        .prepare(
          `UPDATE solution_versions SET status = 'CREATE FAILED', failure_reason = 'interrupted', updated = ?
         WHERE status IN ('CREATE PENDING', 'CREATE IN_PROGRESS')`,
        )
        .run(now);
      // A stop that was under way has nothing left to stop.
      ctx.db
        .prepare(
          `UPDATE solution_versions SET status = 'CREATE STOPPED', updated = ? WHERE status = 'CREATE STOPPING'`,
        )
        .run(now);
      ctx.db
        .prepare(
          `UPDATE campaigns SET status = 'CREATE FAILED', failure_reason = 'interrupted', updated = ?
         WHERE status IN ('CREATE PENDING', 'CREATE IN_PROGRESS')`,
        )
        .run(now);
      // An update cut short leaves the campaign serving the version it served before.
      ctx.db
        .prepare(
          `UPDATE campaigns SET update_status = 'CREATE FAILED', update_failure_reason = 'interrupted', update_updated = ?
         WHERE update_status IN ('CREATE PENDING', 'CREATE IN_PROGRESS')`,
        )
        .run(now);
    })
    .immediate();
}
