import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { startEngine } from '../engine/engine.js';
import { EXECUTIONS_FILE, openExecutionStore, type ExecutionStore } from '../pipeline/executions/index.js';
import type { EndpointTarget } from '../pipeline/runner/index.js';

export interface LocalRunContext {
  readonly target: EndpointTarget;
  readonly store: ExecutionStore;
  readonly logger: Logger;
  /** The in-process engine's URL, when this context started one. */
  readonly engineUrl?: string;
  close(): Promise<void>;
}

/**
 * What a local run needs: the run history in the state dir, and a Personalize endpoint: the one
 * given, or the embedded engine started in this process on the same state dir.
 */
export async function openLocalRun(stateDir: string, endpoint: string | undefined): Promise<LocalRunContext> {
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'warn' }, pino.destination(2));
  const store = openExecutionStore(join(stateDir, EXECUTIONS_FILE));
  if (endpoint) {
    return { target: { kind: 'endpoint', endpoint }, store, logger, close: async () => store.close() };
  }
  const engine = await startEngine({ port: 0, stateDir, logger });
  return {
    target: { kind: 'endpoint', endpoint: engine.url, embeddedEngine: true },
    store,
    logger,
    engineUrl: engine.url,
    async close() {
      store.close();
      await engine.close();
    },
  };
}
