import { mkdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { DEFAULT_SCOPE, type ArnScope } from './api/arn.js';
import { CONTROL_PLANE_OPERATIONS } from './api/operations/index.js';
import { buildServer } from './api/server.js';
import { GroupDataRegistry } from './filter/groupData.js';
import { AnswerCache } from './serve/answerCache.js';
import { LiveDeployments } from './serve/liveDeployments.js';
import { recordedItemsOfVersion, withRecordedItems } from './serve/recordedItems.js';
import { registerEventsRoutes } from './events/eventsRoutes.js';
import { registerRuntimeRoutes } from './serve/runtimeRoutes.js';
import { findCampaign } from './store/campaignRecords.js';
import { readSolutionVersionModel } from './store/solutionVersionRecords.js';
import { decodeModel } from './train/modelCodec.js';
import { isAllowedHost, isExposedHost } from '../shared/hostGuard.js';
import {
  DEFAULT_ENGINE_LIMITS,
  type DatasourceResolver,
  type EngineContext,
  type EngineLimits,
  type EngineTimings,
  type TrainingGate,
} from './context.js';
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
  /** Time limits, connection bounds and the answer cache's budget; see `EngineLimits`. */
  readonly limits?: Partial<EngineLimits>;
  /** Host names besides the bound address and `localhost` that requests may use in `Host`. */
  readonly allowedHosts?: readonly string[];
  /** Tests only: holds each training in progress until it resolves. */
  readonly trainingGate?: TrainingGate;
}

export interface RunningEngine {
  readonly url: string;
  readonly port: number;
  readonly ctx: EngineContext;
  /**
   * Stops accepting requests and starting queued work, interrupts imports and trainings, and closes
   * the database, within about `limits.shutdownMs` even when a worker does not let go.
   */
  close(): Promise<void>;
}

export { DEFAULT_ENGINE_PORT, DEFAULT_STATE_DIR } from '../shared/localDefaults.js';

/** Said at start when the engine listens beyond loopback. */
export function exposureWarning(host: string): string {
  return (
    `the engine listens on ${host}, reachable from other machines, and has no authentication: ` +
    'anyone who can reach the port can read and change its data. Keep it on 127.0.0.1 unless a firewall guards it.'
  );
}

export async function startEngine(options: EngineOptions = {}): Promise<RunningEngine> {
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const dataRoot = resolve(options.dataRoot ?? join(stateDir, 'data'));
  mkdirSync(dataRoot, { recursive: true });
  const db = openDatabase(join(stateDir, DATABASE_FILE));
  const logger = options.logger ?? pino({ level: 'silent' });
  const pending = new Set<Promise<void>>();
  const limits: EngineLimits = { ...DEFAULT_ENGINE_LIMITS, ...options.limits };
  let shuttingDown = false;
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
    limits,
    shuttingDown: () => shuttingDown,
    importRuns: new Set(),
    deployments: new LiveDeployments(
      (solutionVersionArn) => {
        const blob = readSolutionVersionModel(db, solutionVersionArn);
        if (!blob) throw new Error(`solution version ${solutionVersionArn} has no trained model`);
        return withRecordedItems(decodeModel(blob), recordedItemsOfVersion(db, solutionVersionArn));
      },
      (campaignArn) => {
        const campaign = findCampaign(db, campaignArn);
        return campaign?.status === 'ACTIVE' ? campaign : undefined;
      },
      new AnswerCache(limits.answerCacheBytes, (stats) =>
        logger.info(
          { answerCache: stats },
          'answer cache full: least recently used answers now make room for new ones (--answer-cache-mb)',
        ),
      ),
    ),
    groupData: new GroupDataRegistry(db),
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

  const host = options.host ?? '127.0.0.1';
  let port = 0;
  const allowedNames = options.allowedHosts ?? [];
  const app = buildServer(ctx, CONTROL_PLANE_OPERATIONS, [registerRuntimeRoutes, registerEventsRoutes], {
    allowHost: (header) => isAllowedHost(header, { boundHost: host, port, allowedNames }),
  });
  try {
    await app.listen({ port: options.port ?? DEFAULT_ENGINE_PORT, host });
  } catch (error) {
    db.close();
    throw error;
  }
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  if (isExposedHost(host)) logger.warn({ host, port }, exposureWarning(host));
  let closing: Promise<void> | undefined;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    ctx,
    async close() {
      if (closing) return closing;
      closing = (async () => {
        shuttingDown = true;
        const deadline = Date.now() + limits.shutdownMs;
        const serverClosed = app.close();
        for (const run of ctx.trainingRuns.values()) run.stop();
        for (const run of ctx.importRuns) run.interrupt();
        // Requests still in flight when the bound passes are cut rather than waited for.
        if (!(await settlesWithin(serverClosed, deadline - Date.now()))) app.server.closeAllConnections();
        await serverClosed;
        if (!(await settlesWithin(Promise.allSettled([...pending]), deadline - Date.now()))) {
          logger.warn({ pending: pending.size }, 'shutdown bound reached; background work left unfinished');
        }
        ctx.deployments.logCacheUse(logger);
        closeDatabase(db);
      })();
      return closing;
    },
  };
}

/** Waits for `promise` at most `ms`; true if it settled in time. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function closeDatabase(db: EngineDatabase): void {
  if (db.open) db.close();
}
