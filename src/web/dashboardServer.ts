import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DashboardQueries } from '../app/dashboardQueries.js';
import { html } from './html.js';
import { registerDashboardApiRoutes } from './routes/dashboardApiRoutes.js';
import { registerAssetRoutes } from './routes/assetRoutes.js';
import { registerPageRoutes, sendNotFoundPage, sendPage } from './routes/pageRoutes.js';

export interface DashboardOptions {
  readonly queries: DashboardQueries;
  /** The owner's token, which the pages hand to their script for actions. */
  readonly token: string;
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

/**
 * The dashboard as a route group of `serve`'s API server: pages, their assets, the API routes only
 * the dashboard adds, security headers and Server-Timing on every answer, and the 404 and error
 * pages (JSON under /api/).
 */
export function registerDashboard(server: FastifyInstance, options: DashboardOptions): void {
  const { queries, token } = options;
  const now = options.now ?? Date.now;
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
  registerPageRoutes(server, { queries, token, now });
  registerDashboardApiRoutes(server, queries);

  server.setNotFoundHandler(async (request, reply) =>
    request.url.startsWith('/api/')
      ? reply.code(404).send({ error: `no API route ${request.method} ${request.url.split('?')[0] ?? ''}.` })
      : sendNotFoundPage(reply, token, `Nothing lives at ${request.url.split('?')[0] ?? ''}.`),
  );
  server.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) options.logger?.error({ err: error, url: request.url }, 'dashboard request failed');
    const message = status === 500 ? 'the server failed to answer; its log has the details.' : error.message;
    if (request.url.startsWith('/api/')) return reply.code(status).send({ error: message });
    return sendPage(
      reply,
      { title: 'Error', token },
      html`<h1>Something went wrong</h1>
        <p>${message}</p>`,
      status,
    );
  });
}
