import type { TrainingMode } from '../../config/trainingModes.js';
import type {
  ExecutionRecord,
  ExecutionStatus,
  ExecutionTarget,
  RunKind,
  SolutionMetrics,
  StateVisit,
  StateVisitOutcome,
} from './types.js';

export interface ExecutionRow {
  id: number;
  pipeline: string;
  execution_name: string;
  kind: string;
  target: string;
  execution_arn: string | null;
  status: string;
  started_at: number;
  ended_at: number | null;
  owner_pid: number | null;
  owner_host: string | null;
  resumed_from: number | null;
  solution_version_arn: string | null;
  metrics_json: string | null;
  previous_solution_version_arn: string | null;
  previous_metrics_json: string | null;
  error: string | null;
  cause: string | null;
  output_json: string | null;
  training_mode: string | null;
}

export interface StateVisitRow {
  seq: number;
  state_name: string;
  state_type: string;
  iteration: number | null;
  entered_at: number;
  exited_at: number | null;
  duration_ms: number | null;
  outcome: string;
  retries: number;
  error: string | null;
  cause: string | null;
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function executionFromRow(row: ExecutionRow): ExecutionRecord {
  return {
    id: row.id,
    pipelineName: row.pipeline,
    executionName: row.execution_name,
    kind: row.kind as RunKind,
    target: row.target as ExecutionTarget,
    executionArn: row.execution_arn,
    status: row.status as ExecutionStatus,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    ownerPid: row.owner_pid,
    ownerHost: row.owner_host,
    resumedFrom: row.resumed_from,
    solutionVersionArn: row.solution_version_arn,
    metrics: parseJson<SolutionMetrics>(row.metrics_json),
    previousSolutionVersionArn: row.previous_solution_version_arn,
    previousMetrics: parseJson<SolutionMetrics>(row.previous_metrics_json),
    error: row.error,
    cause: row.cause,
    output: parseJson<unknown>(row.output_json),
    trainingMode: row.training_mode as TrainingMode | null,
  };
}

export function visitFromRow(row: StateVisitRow): StateVisit {
  return {
    seq: row.seq,
    stateName: row.state_name,
    stateType: row.state_type,
    iteration: row.iteration,
    enteredAt: row.entered_at,
    exitedAt: row.exited_at,
    durationMs: row.duration_ms,
    outcome: row.outcome as StateVisitOutcome,
    retries: row.retries,
    error: row.error,
    cause: row.cause,
  };
}

export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
