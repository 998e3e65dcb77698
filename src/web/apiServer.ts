import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { RetrainingApp } from '../app/index.js';
import { isAllowedHost } from '../shared/hostGuard.js';
import { registerApiRoutes } from './apiRoutes.js';
import { crossSiteRefusal } from './requestGuards.js';

export interface ApiServerOptions {
  readonly app: RetrainingApp;
  /** Mutating calls must carry it: `Authorization: Bearer <token>`. */
  readonly token: string;
  /** The address the server binds (`--host`); requests must name it, or localhost, in `Host`. @default 127.0.0.1 */
  readonly boundHost?: string;
  /** More route groups (the dashboard's pages) registered on the same server. */
  readonly routes?: ReadonlyArray<(server: FastifyInstance, app: RetrainingApp) => void>;
}

/** The HTTP face of the application layer: `serve`'s loopback port. Routes only parse, call `app` and answer. */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  const server = Fastify({ logger: false, bodyLimit: 64 * 1024, connectionTimeout: 30_000 });
  server.addHook('onRequest', async (request, reply) => {
    // A page on another site can make a browser call a loopback port (DNS rebinding): only requests
    // naming this server, as a local client or our own page would, are answered.
    const address = server.server.address();
    const settings = {
      boundHost: options.boundHost ?? '127.0.0.1',
      port: typeof address === 'object' && address ? address.port : Number.NaN,
    };
    if (!isAllowedHost(request.headers.host, settings)) {
      return reply.code(403).send({
        error: `requests must be addressed to ${settings.boundHost} or localhost, not '${request.headers.host ?? ''}'.`,
      });
    }
    if (request.method === 'GET' || request.method === 'HEAD') return undefined;
    // Actions: only from this server's own page (or a script with no browser headers) with the token.
    const refusal = crossSiteRefusal(request.headers);
    if (refusal) return reply.code(403).send({ error: refusal });
    if (!hasToken(request, options.token)) {
      return reply.code(401).send({
        error:
          "this call changes state: send the owner's token (Authorization: Bearer <token>, from owner.json in the state dir).",
      });
    }
    return undefined;
  });
  registerApiRoutes(server, options.app);
  for (const register of options.routes ?? []) register(server, options.app);
  return server;
}

function hasToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization;
  const sent = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
