import { mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { DEFAULT_SCOPE, type ArnScope } from './api/arn.js';
import { CONTROL_PLANE_OPERATIONS } from './api/operations/index.js';
import { buildServer } from './api/server.js';
import { LiveDeployments } from './serve/liveDeployments.js';
import { registerRuntimeRoutes } from './serve/runtimeRoutes.js';
import { findCampaign } from './store/campaignRecords.js';
import { readSolutionVersionModel } from './store/solutionVersionRecords.js';
import { decodeModel } from './train/modelCodec.js';
import type { DatasourceResolver, EngineContext, EngineTimings, TrainingGate } from './context.js';
import { DATABASE_FILE, openDatabase, type EngineDatabase } from './store/database.js';
import { recoverInterruptedWork } from './store/recovery.js';
import { DEFAULT_ENGINE_PORT, DEFAULT_STATE_DIR } from '../shared/localDefaults.js';

export interface EngineOptions {
  /** @default 8317; 0 picks a free port */
  readonly port?: number;
  /** @default 127.0.0.1: the engine has no authentication, so it stays on loopback unless told otherwise */
  readonly host?: string;
  /** @default ./.personalize-retrain */
  readonly stateDir?: string;
  /** Folder whose subfolders stand for S3 buckets. @default <stateDir>/data */
  readonly dataRoot?: string;
  /** Read `s3://` datasources from this S3-compatible endpoint instead of the data root. */
  readonly s3Endpoint?: string;
  readonly scope?: ArnScope;
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly timings?: Partial<EngineTimings>;
  /** Tests only: holds each training in progress until it resolves. */
  readonly trainingGate?: TrainingGate;
}

export interface RunningEngine {
  readonly url: string;
  readonly port: number;
  readonly ctx: EngineContext;
  /** Stops accepting requests, waits for background work to settle, closes the database. */
  close(): Promise<void>;
}

export { DEFAULT_ENGINE_PORT, DEFAULT_STATE_DIR } from '../shared/localDefaults.js';

export async function startEngine(options: EngineOptions = {}): Promise<RunningEngine> {
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const dataRoot = resolve(options.dataRoot ?? join(stateDir, 'data'));
  mkdirSync(dataRoot, { recursive: true });
  const db = openDatabase(join(stateDir, DATABASE_FILE));
  const logger = options.logger ?? pino({ level: 'silent' });
  const pending = new Set<Promise<void>>();
  const datasources: DatasourceResolver = options.s3Endpoint
    ? { kind: 's3', endpoint: options.s3Endpoint, dataRoot }
    : { kind: 'folder', dataRoot };
  const ctx: EngineContext = {
    db,
    scope: options.scope ?? DEFAULT_SCOPE,
    stateDir,
    datasources,
    logger,
    trainingRuns: new Map(),
    timings: { campaignDeployMs: 300, ...options.timings },
    deployments: new LiveDeployments(
      (solutionVersionArn) => {
        const blob = readSolutionVersionModel(db, solutionVersionArn);
        if (!blob) throw new Error(`solution version ${solutionVersionArn} has no trained model`);
        return decodeModel(blob);
      },
      (campaignArn) => {
        const campaign = findCampaign(db, campaignArn);
        return campaign?.status === 'ACTIVE' ? campaign : undefined;
      },
    ),
    now: options.now ?? (() => Date.now() / 1000),
    ...(options.trainingGate ? { trainingGate: options.trainingGate } : {}),
    background(task) {
      const running = Promise.resolve()
        .then(task)
        .catch((error: unknown) => logger.error({ err: error }, 'background task failed'))
        .finally(() => pending.delete(running));
      pending.add(running);
    },
  };
  recoverInterruptedWork(ctx);

  const app = buildServer(ctx, CONTROL_PLANE_OPERATIONS, [registerRuntimeRoutes]);
  try {
    await app.listen({ port: options.port ?? DEFAULT_ENGINE_PORT, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    db.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = options.host ?? '127.0.0.1';
  let closing: Promise<void> | undefined;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    ctx,
    async close() {
      if (closing) return closing;
      closing = (async () => {
        await app.close();
        for (const run of ctx.trainingRuns.values()) run.stop();
        await Promise.allSettled([...pending]);
        closeDatabase(db);
      })();
      return closing;
    },
  };
}

function closeDatabase(db: EngineDatabase): void {
  if (db.open) db.close();
}
