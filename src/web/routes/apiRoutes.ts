import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pipelineJson, runJson, seriesJson, stepJson } from '../apiJson.js';
import type { DashboardApp } from '../dashboardApp.js';
import { actionRefusal, TOKEN_HEADER } from '../requestGuards.js';
import { MAX_LIMIT, parseRunId } from './params.js';

export interface ApiContext {
  readonly app: DashboardApp;
  readonly token: string;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendApiError(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
): FastifyReply {
  return reply.code(status).send({ error, message });
}

const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['name'],
} as const;

/**
 * The JSON API under /api/ that the pages' script and other scripts use (docs/DASHBOARD.md).
 * Reads are open to any local client; actions need the page's token and a same-origin request.
 */
export function registerApiRoutes(server: FastifyInstance, { app, token }: ApiContext): void {
  const findPipeline = async (name: string) => (await app.pipelines()).find((p) => p.name === name);
  const unknownPipeline = (reply: FastifyReply, name: string) =>
    sendApiError(reply, 404, 'PipelineNotFound', `this server hosts no pipeline named '${name}'`);

  server.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const refusal = actionRefusal(
      {
        host: header(request, 'host'),
        origin: header(request, 'origin'),
        fetchSite: header(request, 'sec-fetch-site'),
        token: header(request, TOKEN_HEADER),
      },
      token,
    );
    if (refusal) await sendApiError(reply, 403, 'Forbidden', refusal);
  });

  server.get('/api/pipelines', async () => ({
    pipelines: (await app.pipelines()).map((p) => pipelineJson(p)),
  }));

  server.get<{ Params: { name: string } }>(
    '/api/pipelines/:name',
    { schema: { params: nameParams } },
    async (request, reply) => {
      const pipeline = await findPipeline(request.params.name);
      if (!pipeline) return unknownPipeline(reply, request.params.name);
      return pipelineJson(pipeline, await app.campaign(pipeline.name));
    },
  );

  server.get<{ Params: { name: string }; Querystring: { limit: number } }>(
    '/api/pipelines/:name/runs',
    {
      schema: {
        params: nameParams,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      if (!(await findPipeline(request.params.name))) return unknownPipeline(reply, request.params.name);
      const runs = await app.runs(request.params.name, request.query.limit);
      return { pipeline: request.params.name, runs: runs.map((run) => runJson(run)) };
    },
  );

  server.get<{ Params: { name: string }; Querystring: { metric?: string } }>(
    '/api/pipelines/:name/metrics',
    {
      schema: {
        params: nameParams,
        querystring: {
          type: 'object',
          properties: { metric: { type: 'string', pattern: '^[a-z0-9_]{1,100}$' } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const pipeline = await findPipeline(request.params.name);
      if (!pipeline) return unknownPipeline(reply, request.params.name);
      const series = await app.metricSeries(pipeline.name, request.query.metric ?? pipeline.gate.metric);
      return seriesJson(pipeline.name, series);
    },
  );

  server.get<{ Params: { id: string } }>('/api/runs/:id', async (request, reply) => {
    const id = parseRunId(request.params.id);
    const detail = id === undefined ? undefined : await app.run(id);
    if (!detail)
      return sendApiError(reply, 404, 'RunNotFound', `there is no run with id '${request.params.id}'`);
    return { run: runJson(detail.execution, true), steps: detail.steps.map(stepJson) };
  });

  server.post<{ Params: { name: string } }>(
    '/api/pipelines/:name/runs',
    { schema: { params: nameParams } },
    async (request, reply) => {
      if (!(await findPipeline(request.params.name))) return unknownPipeline(reply, request.params.name);
      const result = await app.startRun(request.params.name);
      return result.started
        ? reply.code(202).send({ started: true, runId: result.executionId })
        : reply.code(409).send({ started: false, error: 'RunInProgress', message: result.reason });
    },
  );

  server.post<{ Params: { name: string } }>(
    '/api/pipelines/:name/rollback',
    { schema: { params: nameParams } },
    async (request, reply) => {
      if (!(await findPipeline(request.params.name))) return unknownPipeline(reply, request.params.name);
      const target = await app.rollbackTarget(request.params.name);
      if ('reason' in target) return sendApiError(reply, 409, 'NothingToRollBackTo', target.reason);
      return { run: runJson(await app.rollback(request.params.name)) };
    },
  );
}
