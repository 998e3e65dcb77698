import { timingSafeEqual } from 'node:crypto';

/** The header that carries the per-server token with every state-changing request. */
export const TOKEN_HEADER = 'x-dashboard-token';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The `Host` values the server answers to: the loopback names and the bound address, with its port.
 * A page from another site that a DNS rebinding points at 127.0.0.1 sends its own host name, and
 * is refused.
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const bound = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  return new Set([...LOOPBACK_NAMES, bound].map((name) => `${name}:${port}`.toLowerCase()));
}

export function isAllowedHost(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  return host !== undefined && allowed.has(host.toLowerCase());
}

export interface ActionRequest {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly fetchSite: string | undefined;
  readonly token: string | undefined;
}

/**
 * Why a state-changing request is refused, or undefined when it may go on: it must come from a
 * page of this server (Origin and Sec-Fetch-Site, where the browser sends them) and carry the
 * token that only such a page can read.
 */
export function actionRefusal(request: ActionRequest, expectedToken: string): string | undefined {
  if (request.fetchSite !== undefined && request.fetchSite !== 'same-origin' && request.fetchSite !== 'none')
    return `cross-site request refused (Sec-Fetch-Site: ${request.fetchSite})`;
  if (request.origin !== undefined && request.origin !== `http://${request.host ?? ''}`)
    return `request from another origin refused (${request.origin})`;
  const token = Buffer.from(request.token ?? '');
  const expected = Buffer.from(expectedToken);
  if (token.length !== expected.length || !timingSafeEqual(token, expected))
    return `missing or wrong ${TOKEN_HEADER} header: actions need the token the dashboard page carries`;
  return undefined;
}
