import type { FastifyInstance } from 'fastify';
import type { DashboardQueries } from '../../app/dashboardQueries.js';
import { pipelineJson, seriesJson } from '../apiJson.js';

const nameParams = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['name'],
} as const;

/**
 * The API routes the dashboard adds to `serve`'s (docs/DASHBOARD.md): one pipeline with its
 * campaign, and the metric trend. The rest of /api/ is src/web/apiRoutes.ts.
 */
export function registerDashboardApiRoutes(server: FastifyInstance, queries: DashboardQueries): void {
  const find = async (name: string) => (await queries.pipelines()).find((p) => p.name === name);
  const unknown = (name: string) => ({ error: `no pipeline named ${name} is configured here.` });

  server.get<{ Params: { name: string } }>(
    '/api/pipelines/:name',
    { schema: { params: nameParams } },
    async (request, reply) => {
      const pipeline = await find(request.params.name);
      if (!pipeline) return reply.code(404).send(unknown(request.params.name));
      return {
        name: pipeline.name,
        retrainingRate: pipeline.schedule,
        campaignArn: pipeline.campaignArn,
        gate: pipeline.gate,
        ...pipelineJson(pipeline, await queries.campaign(pipeline.name)),
      };
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
      const pipeline = await find(request.params.name);
      if (!pipeline) return reply.code(404).send(unknown(request.params.name));
      const series = await queries.metricSeries(pipeline.name, request.query.metric ?? pipeline.gate.metric);
      return seriesJson(pipeline.name, series);
    },
  );
}
