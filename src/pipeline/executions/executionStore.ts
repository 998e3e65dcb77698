import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { TrainingMode } from '../../config/trainingModes.js';
import { climbSchemaLadder } from '../../shared/schemaLadder.js';
import { abortOrphanedExecutions, isProcessAlive } from './recovery.js';
import { executionFromRow, jsonOrNull, visitFromRow, type ExecutionRow, type StateVisitRow } from './rows.js';
import { EXECUTION_MIGRATIONS } from './migrations.js';
import type {
  ExecutionFacts,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionTarget,
  RunKind,
  StateVisit,
} from './types.js';

/** The store's file in the state dir, next to (not inside) the engine's `engine.sqlite`. */
export const EXECUTIONS_FILE = 'executions.sqlite';

export interface ExecutionStoreOptions {
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** @default process.pid */
  readonly pid?: number;
  /** @default os.hostname() */
  readonly host?: string;
  readonly isProcessAlive?: (pid: number) => boolean;
  /**
   * Mark RUNNING rows of dead local processes ABORTED at open. @default true. Only a state dir's
   * owner recovers; its clients and read-only queries leave the rows to it.
   */
  readonly recoverOrphans?: boolean;
}

export interface BeginExecution {
  readonly pipelineName: string;
  readonly executionName: string;
  /** @default retraining */
  readonly kind?: RunKind;
  readonly target: ExecutionTarget;
  readonly executionArn?: string;
  readonly resumedFrom?: number;
  /** The training mode the run asks for (retraining runs). */
  readonly trainingMode?: TrainingMode;
}

export interface FinishExecution {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly facts?: ExecutionFacts;
  readonly error?: string | null;
  readonly cause?: string | null;
  readonly output?: unknown;
}

/** What `claim` did: started a RUNNING run, or recorded a SKIPPED one because a run was in progress. */
export type ClaimResult =
  | { readonly kind: 'started'; readonly execution: ExecutionRecord }
  | { readonly kind: 'skipped'; readonly execution: ExecutionRecord; readonly runningId: number };

export interface SkippedExecution {
  readonly pipelineName: string;
  readonly executionName: string;
  /** @default retraining */
  readonly kind?: RunKind;
  readonly target: ExecutionTarget;
  readonly reason: string;
  readonly trainingMode?: TrainingMode;
}

/**
 * The history of retraining runs (SQLite, WAL, so `status` in one process can read while `serve`
 * writes in another). Multi-row writes run in transactions.
 */
export class ExecutionStore {
  /** Executions found RUNNING at open whose process had died; now ABORTED. */
  readonly abortedAtOpen: readonly number[];
  private readonly now: () => number;
  private readonly pid: number;
  private readonly host: string;

  constructor(
    private readonly db: Database.Database,
    options: ExecutionStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? hostname();
    this.abortedAtOpen =
      options.recoverOrphans === false
        ? []
        : abortOrphanedExecutions(db, {
            host: this.host,
            now: this.now(),
            isAlive: options.isProcessAlive ?? isProcessAlive,
          });
  }

  /**
   * The skip rule, safe across processes: in one IMMEDIATE transaction (SQLite lets one writer in at
   * a time, whichever process it is), begins the run only if no run of its pipeline is RUNNING, and
   * otherwise records it SKIPPED naming the run in progress. Two processes asking at once get one
   * `started` and one `skipped`, never two RUNNING rows.
   */
  claim(input: BeginExecution): ClaimResult {
    return this.claimOrSkip(input, true) as ClaimResult;
  }

  private claimOrSkip(input: BeginExecution, begin: boolean): ClaimResult | undefined {
    return this.db
      .transaction((): ClaimResult | undefined => {
        const live = this.running(input.pipelineName)[0];
        if (!live) return begin ? { kind: 'started', execution: this.begin(input) } : undefined;
        const execution = this.recordSkipped({
          ...input,
          reason: `run ${live.executionName} (id ${live.id}) of this pipeline is still in progress`,
        });
        return { kind: 'skipped', execution, runningId: live.id };
      })
      .immediate();
  }

  begin(input: BeginExecution): ExecutionRecord {
    const result = this.db
      .prepare(
        `INSERT INTO executions (pipeline, execution_name, kind, target, execution_arn, status, started_at, owner_pid, owner_host, resumed_from, training_mode)
         VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?)`,
      )
      .run(
        input.pipelineName,
        input.executionName,
        input.kind ?? 'retraining',
        input.target,
        input.executionArn ?? null,
        this.now(),
        this.pid,
        this.host,
        input.resumedFrom ?? null,
        input.trainingMode ?? null,
      );
    return this.require(Number(result.lastInsertRowid));
  }

  setExecutionArn(id: number, executionArn: string): void {
    this.db.prepare(`UPDATE executions SET execution_arn = ? WHERE id = ?`).run(executionArn, id);
  }

  /** Inserts or updates one state visit (entered, then exited). */
  saveVisit(executionId: number, visit: StateVisit): void {
    this.db
      .prepare(
        `INSERT INTO state_visits (execution_id, seq, state_name, state_type, iteration, entered_at, exited_at, duration_ms, outcome, retries, error, cause)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (execution_id, seq) DO UPDATE SET exited_at = excluded.exited_at, duration_ms = excluded.duration_ms,
           outcome = excluded.outcome, retries = excluded.retries, error = excluded.error, cause = excluded.cause`,
      )
      .run(
        executionId,
        visit.seq,
        visit.stateName,
        visit.stateType,
        visit.iteration,
        visit.enteredAt,
        visit.exitedAt,
        visit.durationMs,
        visit.outcome,
        visit.retries,
        visit.error,
        visit.cause,
      );
  }

  /** Records the end of a run; visits still RUNNING are closed as FAILED with it. */
  finish(id: number, input: FinishExecution): ExecutionRecord {
    const facts = input.facts;
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `UPDATE executions SET status = ?, ended_at = ?, solution_version_arn = ?, metrics_json = ?,
             previous_solution_version_arn = ?, previous_metrics_json = ?, error = ?, cause = ?, output_json = ?
           WHERE id = ?`,
          )
          .run(
            input.status,
            this.now(),
            facts?.solutionVersionArn ?? null,
            jsonOrNull(facts?.metrics),
            facts?.previousSolutionVersionArn ?? null,
            jsonOrNull(facts?.previousMetrics),
            input.error ?? null,
            input.cause ?? null,
            jsonOrNull(input.output),
            id,
          );
        this.db
          .prepare(
            `UPDATE state_visits SET outcome = 'FAILED' WHERE execution_id = ? AND outcome = 'RUNNING'`,
          )
          .run(id);
      })
      .immediate();
    return this.require(id);
  }

  /**
   * Records a SKIPPED run and returns it if a run of the pipeline is RUNNING; otherwise records
   * nothing. A cheap first check before a run sets up; `claim` still decides at the start.
   */
  skipIfRunning(input: BeginExecution): ExecutionRecord | undefined {
    const result = this.claimOrSkip(input, false);
    return result?.kind === 'skipped' ? result.execution : undefined;
  }

  /** A run that was not started (one of the same pipeline was still running): kept so `history` shows it. */
  recordSkipped(input: SkippedExecution): ExecutionRecord {
    const at = this.now();
    const result = this.db
      .prepare(
        `INSERT INTO executions (pipeline, execution_name, kind, target, status, started_at, ended_at, owner_pid, owner_host, cause, training_mode)
         VALUES (?, ?, ?, ?, 'SKIPPED', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.pipelineName,
        input.executionName,
        input.kind ?? 'retraining',
        input.target,
        at,
        at,
        this.pid,
        this.host,
        input.reason,
        input.trainingMode ?? null,
      );
    return this.require(Number(result.lastInsertRowid));
  }

  get(id: number): ExecutionRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM executions WHERE id = ?`).get(id) as ExecutionRow | undefined;
    return row ? executionFromRow(row) : undefined;
  }

  /** Newest first; `beforeId` pages on from the last id seen. */
  list(
    filter: { readonly pipelineName?: string; readonly limit?: number; readonly beforeId?: number } = {},
  ): ExecutionRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM executions WHERE (? IS NULL OR pipeline = ?) AND (? IS NULL OR id < ?)
         ORDER BY id DESC LIMIT ?`,
      )
      .all(
        filter.pipelineName ?? null,
        filter.pipelineName ?? null,
        filter.beforeId ?? null,
        filter.beforeId ?? null,
        filter.limit ?? -1,
      ) as ExecutionRow[];
    return rows.map(executionFromRow);
  }

  /** The latest run of every pipeline in the history, by pipeline name. */
  latestPerPipeline(): ExecutionRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM executions WHERE id IN (SELECT max(id) FROM executions GROUP BY pipeline) ORDER BY pipeline`,
      )
      .all() as ExecutionRow[];
    return rows.map(executionFromRow);
  }

  latest(pipelineName: string): ExecutionRecord | undefined {
    return this.list({ pipelineName, limit: 1 })[0];
  }

  /** Executions still RUNNING (in this or another live process), oldest first. */
  running(pipelineName?: string): ExecutionRecord[] {
    const rows = (
      pipelineName === undefined
        ? this.db.prepare(`SELECT * FROM executions WHERE status = 'RUNNING' ORDER BY id`).all()
        : this.db
            .prepare(`SELECT * FROM executions WHERE status = 'RUNNING' AND pipeline = ? ORDER BY id`)
            .all(pipelineName)
    ) as ExecutionRow[];
    return rows.map(executionFromRow);
  }

  /**
   * The execution a new local run should resume: the pipeline's latest run, if it was ABORTED. Its
   * execution name is reused so the names of the resources it created match again.
   */
  resumable(pipelineName: string): ExecutionRecord | undefined {
    const latest = this.db
      .prepare(`SELECT * FROM executions WHERE pipeline = ? AND status != 'SKIPPED' ORDER BY id DESC LIMIT 1`)
      .get(pipelineName) as ExecutionRow | undefined;
    return latest && latest.status === 'ABORTED' && latest.target === 'local'
      ? executionFromRow(latest)
      : undefined;
  }

  visits(executionId: number): StateVisit[] {
    const rows = this.db
      .prepare(`SELECT * FROM state_visits WHERE execution_id = ? ORDER BY seq`)
      .all(executionId) as StateVisitRow[];
    return rows.map(visitFromRow);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private require(id: number): ExecutionRecord {
    const record = this.get(id);
    if (!record) throw new Error(`Execution ${id} vanished from the execution store.`);
    return record;
  }
}

/** Opens (creating when needed) the store at `path`; the schema is applied in one IMMEDIATE transaction. */
export function openExecutionStore(path: string, options: ExecutionStoreOptions = {}): ExecutionStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    climbSchemaLadder(db, EXECUTION_MIGRATIONS, path);
    return new ExecutionStore(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}
