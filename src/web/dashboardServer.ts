import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DashboardApp } from './dashboardApp.js';
import { isAllowedHost, type HostGuardSettings } from '../shared/hostGuard.js';
import { registerApiRoutes, sendApiError } from './routes/apiRoutes.js';
import { registerAssetRoutes } from './routes/assetRoutes.js';
import { registerPageRoutes, sendNotFoundPage, sendPage } from './routes/pageRoutes.js';
import { html } from './html.js';

/** The dashboard's fixed default port (the engine's is 8317). */
export const DEFAULT_DASHBOARD_PORT = 8318;

export interface DashboardOptions {
  readonly app: DashboardApp;
  /** The token actions must carry. @default a fresh random one */
  readonly token?: string;
  readonly logger?: Logger;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
}

/** Everything is served from here; the page may talk to this origin only and never be framed. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

export interface Dashboard {
  readonly server: FastifyInstance;
  readonly token: string;
  /** Starts listening; the Host guard then accepts the loopback names and `host` with the bound port. */
  listen(port: number, host: string): Promise<string>;
}

/** Builds the dashboard (pages, assets, /api/) over the application layer; `listen` starts it. */
export function buildDashboard(options: DashboardOptions): Dashboard {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const now = options.now ?? Date.now;
  const server = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    connectionTimeout: 10_000,
    requestTimeout: 120_000,
  });
  // Set once listening: the guard needs the bound address and port.
  let bound: HostGuardSettings | undefined;

  server.addHook('onRequest', async (request, reply) => {
    if (!bound || !isAllowedHost(request.headers.host, bound)) {
      await reply
        .code(421)
        .type('text/plain; charset=utf-8')
        .send(`Host '${request.headers.host ?? ''}' is not served here (open the dashboard at 127.0.0.1).`);
    }
  });
  // Server-Timing: the time spent answering, for the browser's devtools and bench/dashboard.ts.
  const started = new WeakMap<object, number>();
  server.addHook('onRequest', async (request) => {
    started.set(request, performance.now());
  });
  server.addHook('onSend', async (request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    const since = started.get(request);
    if (since !== undefined)
      reply.header('server-timing', `app;dur=${(performance.now() - since).toFixed(2)}`);
    return payload;
  });

  registerAssetRoutes(server);
  registerPageRoutes(server, { app: options.app, token, now });
  registerApiRoutes(server, { app: options.app, token });

  server.setNotFoundHandler(async (request, reply) =>
    request.url.startsWith('/api/')
      ? sendApiError(
          reply,
          404,
          'NotFound',
          `no API route ${request.method} ${request.url.split('?')[0] ?? ''}`,
        )
      : sendNotFoundPage(reply, token, `Nothing lives at ${request.url.split('?')[0] ?? ''}.`),
  );
  server.setErrorHandler(
    async (error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) options.logger?.error({ err: error, url: request.url }, 'dashboard request failed');
      const message = status === 500 ? 'the server failed to answer; its log has the details' : error.message;
      if (request.url.startsWith('/api/'))
        return sendApiError(reply, status, status === 500 ? 'InternalError' : 'BadRequest', message);
      return sendPage(
        reply,
        { title: 'Error', token },
        html`<h1>Something went wrong</h1>
          <p>${message}</p>`,
        status,
      );
    },
  );

  return {
    server,
    token,
    async listen(port, host) {
      await server.listen({ port, host });
      const address = server.server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      bound = { boundHost: host, port: boundPort };
      return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    },
  };
}
