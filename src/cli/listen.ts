import { InvalidArgumentError } from 'commander';
import type { FastifyInstance } from 'fastify';
import { InvalidInputError } from '../shared/errors.js';
import { isExposedHost } from '../shared/hostGuard.js';
import type { CliIo } from './io.js';

/** A commander parser for --port: a bad value is a usage error (exit 2), not a stack trace. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`--port must be a whole number from 0 to 65535, got '${value}'.`);
  }
  return port;
}

/**
 * Starts a server and returns its URL; warns when it binds beyond loopback, and turns the usual
 * failures (port in use, address not available) into messages that say how to fix them.
 */
export async function listen(
  server: FastifyInstance,
  port: number,
  host: string,
  io: CliIo,
): Promise<string> {
  if (isExposedHost(host))
    io.err(
      `warning: binding ${host}: anyone who can reach this address can call the server, which has no TLS.\n`,
    );
  try {
    await server.listen({ port, host });
  } catch (error) {
    throw listenError(error, port, host);
  }
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

/** The user-facing form of a failed listen (the engine's and the API's). */
export function listenError(error: unknown, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new InvalidInputError(
      `port ${port} on ${host} is already in use by another program: pass --port with a free port, or --port 0 to pick one.`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new InvalidInputError(`cannot bind ${host}: it is not an address of this machine (--host).`);
  if (code === 'EACCES')
    return new InvalidInputError(`port ${port} needs privileges this user lacks: pass --port 1024 or above.`);
  return error instanceof Error ? error : new Error(String(error));
}
