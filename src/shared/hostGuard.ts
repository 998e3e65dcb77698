import { isIP } from 'node:net';

/** Where a local server listens and which extra names it answers to. */
export interface HostGuardSettings {
  /** The address the server is bound to, as given to `listen` (`127.0.0.1`, `::1`, `0.0.0.0`, a name). */
  readonly boundHost: string;
  /** The port it listens on. */
  readonly port: number;
  /** Extra host names users configured (e.g. `engine.internal`); compared without case. */
  readonly allowedNames?: readonly string[];
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/**
 * Decides whether a request's `Host` header names this server, which defeats DNS rebinding: a page
 * on `evil.example` whose name an attacker re-points to 127.0.0.1 can reach a loopback server, but
 * its requests still say `Host: evil.example`. Allowed are `localhost`, the bound address, the
 * configured names and, when bound to every interface, any IP literal (a literal involves no DNS,
 * so it cannot be rebound). A port in the header must be the server's port.
 */
export function isAllowedHost(hostHeader: string | undefined, settings: HostGuardSettings): boolean {
  if (!hostHeader) return false;
  const parsed = splitHostHeader(hostHeader);
  if (!parsed) return false;
  if (parsed.port !== undefined && parsed.port !== settings.port) return false;
  const name = parsed.hostname.toLowerCase();
  if (name === 'localhost') return true;
  const bound = unbracket(settings.boundHost).toLowerCase();
  if (name === bound) return true;
  if (isIP(name) !== 0 && WILDCARD_ADDRESSES.has(bound)) return true;
  return (settings.allowedNames ?? []).some((allowed) => allowed.toLowerCase() === name);
}

/** True when a bind address is reachable from other machines (anything but loopback). */
export function isExposedHost(boundHost: string): boolean {
  const host = unbracket(boundHost).toLowerCase();
  return !(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host));
}

function splitHostHeader(header: string): { hostname: string; port?: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header.trim());
  if (!match?.[1]) return undefined;
  const hostname = unbracket(match[1]);
  return match[2] === undefined ? { hostname } : { hostname, port: Number(match[2]) };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
