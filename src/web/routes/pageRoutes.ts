import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DashboardQueries } from '../../app/dashboardQueries.js';
import type { Html } from '../html.js';
import { layout, type PageFrame } from '../pages/layout.js';
import { notFoundPage } from '../pages/notFoundPage.js';
import { overviewPage } from '../pages/overviewPage.js';
import { pipelinePage } from '../pages/pipelinePage.js';
import { runPage } from '../pages/runPage.js';
import { parseLimit, parseRunId } from './params.js';

export interface PageContext {
  readonly queries: DashboardQueries;
  readonly token: string;
  readonly now: () => number;
}

export function sendPage(reply: FastifyReply, frame: PageFrame, body: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(layout(frame, body).text);
}

export function sendNotFoundPage(reply: FastifyReply, token: string, what: string): FastifyReply {
  return sendPage(reply, { title: 'Not found', token }, notFoundPage(what), 404);
}

/** The HTML views: each asks the application layer, then renders on the server. */
export function registerPageRoutes(server: FastifyInstance, { queries: app, token, now }: PageContext): void {
  server.get('/', async (_request, reply) => {
    const pipelines = await app.pipelines();
    const entries = await Promise.all(
      pipelines.map(async (pipeline) => ({ pipeline, campaign: await app.campaign(pipeline.name) })),
    );
    return sendPage(
      reply,
      { title: 'Pipelines', token, watch: '/api/pipelines' },
      overviewPage(entries, now()),
    );
  });

  server.get<{ Params: { name: string }; Querystring: { metric?: string; limit?: string } }>(
    '/pipelines/:name',
    async (request, reply) => {
      const { name } = request.params;
      const pipeline = (await app.pipelines()).find((p) => p.name === name);
      if (!pipeline) return sendNotFoundPage(reply, token, `This server hosts no pipeline named '${name}'.`);
      const limit = parseLimit(request.query.limit, 100);
      const metric = request.query.metric ?? pipeline.gate.metric;
      const [runs, series, campaign, rollbackTarget] = await Promise.all([
        app.runs(name, limit + 1),
        app.metricSeries(name, metric),
        app.campaign(name),
        app.rollbackTarget(name),
      ]);
      return sendPage(
        reply,
        {
          title: name,
          token,
          watch: '/api/pipelines',
          breadcrumbs: [{ href: `/pipelines/${encodeURIComponent(name)}`, label: name }],
        },
        pipelinePage({
          pipeline,
          campaign,
          runs: runs.slice(0, limit),
          more: runs.length > limit,
          series,
          rollbackTarget,
          now: now(),
        }),
      );
    },
  );

  server.get<{ Params: { id: string } }>('/runs/:id', async (request, reply) => {
    const id = parseRunId(request.params.id);
    const detail = id === undefined ? undefined : await app.run(id);
    if (!detail) return sendNotFoundPage(reply, token, `There is no run with id '${request.params.id}'.`);
    const name = detail.execution.pipelineName;
    const pipeline = (await app.pipelines()).find((p) => p.name === name);
    return sendPage(
      reply,
      {
        title: `Run ${detail.execution.executionName}`,
        token,
        ...(detail.execution.status === 'RUNNING' ? { watch: `/api/runs/${detail.execution.id}` } : {}),
        breadcrumbs: [
          { href: `/pipelines/${encodeURIComponent(name)}`, label: name },
          { href: `/runs/${detail.execution.id}`, label: `run ${detail.execution.id}` },
        ],
      },
      runPage(detail, pipeline, now()),
    );
  });
}
