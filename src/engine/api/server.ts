import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { EngineContext } from '../context.js';
import { InvalidInputException, ServiceError, UnknownOperationException } from './errors.js';
import { parseInput, type OperationTable } from './operation.js';

const TARGET_PREFIX = 'AmazonPersonalize.';
const JSON_11 = 'application/x-amz-json-1.1';
/** Bytes of request body the engine reads at most; larger bodies are refused before parsing. */
export const BODY_LIMIT = 10 * 1024 * 1024;

/**
 * The HTTP face of the engine. The control plane speaks JSON 1.1: every call is `POST /` with an
 * `X-Amz-Target: AmazonPersonalize.<Operation>` header. Other route groups (the runtime API)
 * register themselves through `routes`.
 */
export function buildServer(
  ctx: EngineContext,
  operations: OperationTable,
  routes: ReadonlyArray<(app: FastifyInstance, ctx: EngineContext) => void> = [],
): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  // Only JSON is spoken: any other body is refused before a handler sees it (as InvalidInputException).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(JSON_11, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      const error = new Error('Request body is not valid JSON') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });

  app.post('/', async (request, reply) => {
    const target = request.headers['x-amz-target'];
    const name =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    try {
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      if (!operation)
        throw new UnknownOperationException(`Operation '${String(target)}' is not supported by the engine`);
      const result = await operation.handle(parseInput(operation.input, request.body) as never, ctx);
      return await reply.type(JSON_11).send(JSON.stringify(result ?? {}));
    } catch (error) {
      return sendError(reply, error, ctx, name);
    }
  });

  for (const register of routes) register(app, ctx);
  // Whatever Fastify itself rejects (malformed JSON, a content type no parser takes, an oversized body)
  // and routes that do not exist still answer in the service's shape, so SDKs raise modelled errors.
  app.setErrorHandler((error, request, reply) => sendError(reply, asServiceError(error), ctx, request.url));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new UnknownOperationException(
        `${request.method} ${request.url.split('?')[0] ?? ''} is not an operation of the engine: the control plane is ` +
          'POST / with X-Amz-Target; the runtime and events APIs are POST /recommendations, /personalize-ranking, /events, /items, /users.',
      ),
      ctx,
      request.url,
    ),
  );
  return app;
}

/** Fastify's own request errors, restated as the service's InvalidInputException; anything else is left alone. */
function asServiceError(error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const code = (error as { code?: unknown }).code;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new InvalidInputException(
      `The request body is larger than the engine accepts (${BODY_LIMIT} bytes).`,
    );
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new InvalidInputException(
      `Unsupported Content-Type: send ${JSON_11} to the control plane and application/json to the runtime and events APIs.`,
    );
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : String(error);
    return new InvalidInputException(
      /json/i.test(message) || code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
        ? 'The request body is not valid JSON.'
        : `The request was malformed: ${message}`,
    );
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
      .send(JSON.stringify({ __type: error.type, message: error.message }));
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
