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
  /** The models campaigns serve right now. */
  readonly deployments: LiveDeployments;
  /** Current time in epoch seconds (fractional), as the service puts it on the wire. */
  now(): number;
  readonly trainingGate?: TrainingGate;
  /** Runs long work (imports, training) off the request path; tracked so `close()` can wait for it. */
  background(task: () => Promise<void>): void;
}
