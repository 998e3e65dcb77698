import type { Logger } from 'pino';
import type { ArnScope } from './api/arn.js';
import type { LiveDeployments } from './serve/liveDeployments.js';
import type { EngineDatabase } from './store/database.js';

/** Where `s3://bucket/key` datasources are read from. */
export type DatasourceResolver =
  | { readonly kind: 'folder'; readonly dataRoot: string }
  | { readonly kind: 's3'; readonly endpoint: string; readonly dataRoot: string };

/**
 * How long the engine lets work take that is instant locally but slow in the service, so that
 * clients see (and must handle) the in-progress statuses they will meet on AWS.
 */
export interface EngineTimings {
  /** A campaign creation or update stays IN_PROGRESS at least this long. @default 300 */
  readonly campaignDeployMs: number;
}

/**
 * Bounds that keep one hostile or unlucky input from holding the engine: long work fails after a
 * time limit, shutdown ends in bounded time, connections cannot stall forever, the answer cache has
 * one byte budget. Each has an `engine` CLI flag; docs/ENGINE.md#limits-of-the-engine lists them.
 */
export interface EngineLimits {
  /** An import still running after this long is CREATE FAILED. @default 3_600_000 (1 hour) */
  readonly importMs: number;
  /** A training still running after this long is CREATE FAILED. @default 21_600_000 (6 hours) */
  readonly trainingMs: number;
  /** `close()` ends within about this long, terminating workers that have not let go. @default 3000 */
  readonly shutdownMs: number;
  /** A request's headers and body must arrive within this. @default 30_000 */
  readonly requestMs: number;
  /** An idle keep-alive connection is closed after this. @default 5000 */
  readonly keepAliveMs: number;
  /** Connections served at once; more are refused, which keeps descriptors for files and workers. @default 256 */
  readonly maxConnections: number;
  /** Bytes of computed answers the engine keeps for all campaigns together. @default 134_217_728 (128 MiB) */
  readonly answerCacheBytes: number;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  importMs: 3_600_000,
  trainingMs: 21_600_000,
  shutdownMs: 3000,
  requestMs: 30_000,
  keepAliveMs: 5000,
  maxConnections: 256,
  answerCacheBytes: 128 * 1024 * 1024,
};

/**
 * Holds a training in CREATE IN_PROGRESS until it resolves, before any work starts: tests use it to
 * keep a run "training" for exactly as long as they need, instead of a big training and a clock.
 * `signal` aborts when the training is stopped or the engine closes.
 */
export type TrainingGate = (solutionVersionArn: string, signal: AbortSignal) => Promise<void>;

/** What every operation handler may use. Time is injectable so tests never sleep. */
export interface EngineContext {
  readonly db: EngineDatabase;
  readonly scope: ArnScope;
  readonly stateDir: string;
  readonly datasources: DatasourceResolver;
  readonly logger: Logger;
  /** Trainings in progress, by solution version ARN, so StopSolutionVersionCreation can reach them. */
  readonly trainingRuns: Map<string, { stop(): void }>;
  readonly timings: EngineTimings;
  readonly limits: EngineLimits;
  /** True once `close()` began: queued work no longer starts. */
  readonly shuttingDown: () => boolean;
  /** Imports whose worker runs now, so shutdown can interrupt them. */
  readonly importRuns: Set<{ interrupt(): void }>;
  /** The models campaigns serve right now. */
  readonly deployments: LiveDeployments;
  /** Current time in epoch seconds (fractional), as the service puts it on the wire. */
  now(): number;
  readonly trainingGate?: TrainingGate;
  /** Runs long work (imports, training) off the request path; tracked so `close()` can wait for it. */
  background(task: () => Promise<void>): void;
}
