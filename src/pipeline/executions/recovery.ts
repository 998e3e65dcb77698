import type Database from 'better-sqlite3';

/** Whether a process with this id exists on this machine (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface OrphanCheck {
  readonly host: string;
  readonly now: number;
  readonly isAlive: (pid: number) => boolean;
}

/**
 * A RUNNING execution whose runner process is gone can never finish: mark it ABORTED so that the
 * next `run` resumes it under the same execution name. Each execution records its owner's pid and
 * host, so a `serve` and a `run` sharing one state dir never abort each other's live runs; rows owned
 * by another host are left alone, since their process cannot be checked from here.
 */
export function abortOrphanedExecutions(db: Database.Database, check: OrphanCheck): number[] {
  const running = db
    .prepare(`SELECT id, owner_pid, owner_host FROM executions WHERE status = 'RUNNING'`)
    .all() as { id: number; owner_pid: number | null; owner_host: string | null }[];
  const orphans = running.filter(
    (row) => row.owner_host === check.host && (row.owner_pid === null || !check.isAlive(row.owner_pid)),
  );
  const abort = db.prepare(
    `UPDATE executions SET status = 'ABORTED', ended_at = ?, error = 'Runner.Interrupted', cause = ?
     WHERE id = ? AND status = 'RUNNING'`,
  );
  const closeVisits = db.prepare(
    `UPDATE state_visits SET outcome = 'FAILED', error = 'Runner.Interrupted' WHERE execution_id = ? AND outcome = 'RUNNING'`,
  );
  db.transaction(() => {
    for (const row of orphans) {
      abort.run(
        check.now,
        `The runner process (pid ${row.owner_pid ?? 'unknown'}) ended before the execution finished. ` +
          'Run the pipeline again to resume it under the same execution name.',
        row.id,
      );
      closeVisits.run(row.id);
    }
  }).immediate();
  return orphans.map((row) => row.id);
}
