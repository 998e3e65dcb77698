import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { EngineContext } from '../context.js';
import { ServiceError, UnknownOperationException } from './errors.js';
import { parseInput, type OperationTable } from './operation.js';

const TARGET_PREFIX = 'AmazonPersonalize.';
const JSON_11 = 'application/x-amz-json-1.1';

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
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
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
  return app;
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
