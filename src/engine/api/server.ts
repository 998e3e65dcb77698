import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { echo, capMessage } from '../../shared/echo.js';
import type { EngineContext } from '../context.js';
import {
  AccessDeniedException,
  InvalidInputException,
  PayloadTooLargeException,
  ServiceError,
  UnknownOperationException,
} from './errors.js';
import { INPUT_BOUNDS, checkInputBounds } from './inputBounds.js';
import { parseInput, type OperationTable } from './operation.js';

const TARGET_PREFIX = 'AmazonPersonalize.';
const JSON_11 = 'application/x-amz-json-1.1';
/** Messages never grow past this, whatever they quote. */
const MAX_MESSAGE_CHARS = 2000;

/** What the HTTP edge needs beyond the context: which `Host` headers name this engine. */
export interface ServerEdge {
  allowHost(hostHeader: string | undefined): boolean;
}

/**
 * The HTTP face of the engine. The control plane speaks JSON 1.1: every call is `POST /` with an
 * `X-Amz-Target: AmazonPersonalize.<Operation>` header. Other route groups (the runtime API)
 * register themselves through `routes`. Every route sits behind the same edge: the Host check,
 * timeouts, and bounds on body size and shape (`inputBounds.ts`); nothing reaches a handler
 * unchecked, and every failure leaves in the service's error shape.
 */
export function buildServer(
  ctx: EngineContext,
  operations: OperationTable,
  routes: ReadonlyArray<(app: FastifyInstance, ctx: EngineContext) => void> = [],
  edge: ServerEdge = { allowHost: () => true },
): FastifyInstance {
  const { limits } = ctx;
  const app = Fastify({
    logger: false,
    bodyLimit: INPUT_BOUNDS.bodyBytes,
    requestTimeout: limits.requestMs,
    keepAliveTimeout: limits.keepAliveMs,
    connectionTimeout: limits.requestMs + limits.keepAliveMs,
    http: {
      headersTimeout: limits.requestMs,
      // How often Node looks for requests over their time; a tenth of the limit keeps it close.
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(limits.requestMs / 10))),
    },
  });
  app.server.maxConnections = limits.maxConnections;

  app.addHook('onRequest', async (request, reply) => {
    if (edge.allowHost(request.headers.host)) return;
    sendError(
      reply,
      new AccessDeniedException(
        `Host '${echo(request.headers.host ?? '')}' does not name this engine; call it by its bound address or localhost, ` +
          'or start it with --allowed-host <name>.',
      ),
      ctx,
      'HostCheck',
    );
    return reply;
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser([JSON_11, 'application/json'], { parseAs: 'string' }, (_req, body, done) => {
    let parsed: unknown;
    try {
      parsed = body === '' ? {} : JSON.parse(body as string);
    } catch {
      done(new InvalidInputException('Request body is not valid JSON.'), undefined);
      return;
    }
    try {
      checkInputBounds(parsed);
      done(null, parsed);
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler((error, _request, reply) => sendError(reply, edgeError(error), ctx, 'Request'));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new UnknownOperationException(
        `No route ${request.method} ${echo(request.url)}: the engine answers POST / (control plane), ` +
          'POST /recommendations and POST /personalize-ranking.',
      ),
      ctx,
      'Route',
    ),
  );

  app.post('/', async (request, reply) => {
    const target = request.headers['x-amz-target'];
    const name =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    try {
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation)
        throw new UnknownOperationException(`Operation '${echo(target)}' is not supported by the engine`);
      const result = await operation.handle(parseInput(operation.input, request.body) as never, ctx);
      return await reply.type(JSON_11).send(JSON.stringify(result ?? {}));
    } catch (error) {
      return sendError(reply, error, ctx, name);
    }
  });

  for (const register of routes) register(app, ctx);
  return app;
}

/** Fastify's own refusals (too large, wrong media type, timed out) in the service's terms. */
function edgeError(error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new PayloadTooLargeException(
      `The request body is larger than the engine's bound of ${INPUT_BOUNDS.bodyBytes} bytes.`,
    );
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new InvalidInputException(`The request was refused: ${echo(fastifyError.message)}`);
  }
  return error;
}

/** Turns any thrown value into the service's error shape; unexpected errors become a logged 500. */
export function sendError(
  reply: FastifyReply,
  error: unknown,
  ctx: EngineContext,
  operation: string,
): FastifyReply {
  if (error instanceof ServiceError) {
    return reply
      .code(error.httpStatus)
      .header('x-amzn-errortype', error.type)
      .type(JSON_11)
      .send(JSON.stringify({ __type: error.type, message: capMessage(error.message, MAX_MESSAGE_CHARS) }));
  }
  ctx.logger.error({ err: error, operation }, 'unexpected engine error');
  return reply
    .code(500)
    .header('x-amzn-errortype', 'InternalFailure')
    .type(JSON_11)
    .send(
      JSON.stringify({
        __type: 'InternalFailure',
        message: 'The engine hit an internal error; see its log.',
      }),
    );
}
