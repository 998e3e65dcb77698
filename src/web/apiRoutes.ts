import type { FastifyInstance, FastifyReply } from 'fastify';
import { dashboardQueries } from '../app/dashboardQueries.js';
import type { ExecutionRecord, RetrainingApp, RunStart } from '../app/index.js';
import { pipelineJson, runJson, stepJson } from './apiJson.js';
import {
  InvalidInputError,
  StateDirOwnedError,
  UnknownPipelineError,
  UserFacingError,
} from '../shared/errors.js';

interface PipelineParams {
  readonly name: string;
}

/**
 * The JSON API under /api/: the same operations as the CLI, for the dashboard and local scripts.
 * GETs read; POSTs (start a run, roll back) need the owner's token and answer 202 once the run is
 * recorded (it goes on in `serve`; follow it with GET /api/runs/:id).
 */
export function registerApiRoutes(server: FastifyInstance, app: RetrainingApp): void {
  server.get('/api/status', () => app.status());

  // With what the dashboard shows of each (schedule, alarm, latest and running run): its pages watch this.
  const dashboard = dashboardQueries(app);
  server.get('/api/pipelines', async () => {
    const views = await dashboard.pipelines();
    return app.pipelines().map(({ name, config }) => {
      const view = views.find((candidate) => candidate.name === name);
      return {
        name,
        sourceFile: config.sourceFile,
        retrainingRate: config.retrainingRate.expression,
        solutionArn: config.solutionArn,
        campaignArn: config.campaignArn ?? null,
        gate: config.gate,
        ...(view ? pipelineJson(view) : {}),
      };
    });
  });

  server.get<{ Querystring: { pipeline?: string; limit?: string; before?: string } }>(
    '/api/runs',
    async (request, reply) =>
      answer(reply, () =>
        maskedRuns(
          app.history({
            ...(request.query.pipeline ? { pipelineName: request.query.pipeline } : {}),
            ...(request.query.limit !== undefined
              ? { limit: wholeNumber('limit', request.query.limit) }
              : {}),
            ...(request.query.before !== undefined
              ? { beforeId: wholeNumber('before', request.query.before) }
              : {}),
          }),
        ),
      ),
  );

  server.get<{ Params: { id: string } }>('/api/runs/:id', async (request, reply) =>
    answer(reply, () => {
      const detail = app.run(wholeNumber('id', request.params.id));
      if (!detail) return reply.code(404).send({ error: `no run with id ${request.params.id}.` });
      return { execution: runJson(detail.execution), visits: detail.visits.map(stepJson) };
    }),
  );

  server.get<{ Params: PipelineParams }>('/api/pipelines/:name/campaign', async (request, reply) =>
    answer(reply, () => app.campaign(request.params.name)),
  );

  server.get<{ Params: PipelineParams }>('/api/pipelines/:name/solution-versions', async (request, reply) =>
    answer(reply, () => app.solutionVersions(request.params.name)),
  );

  server.get<{ Params: PipelineParams; Querystring: { to?: string } }>(
    '/api/pipelines/:name/rollback',
    async (request, reply) => answer(reply, () => app.planRollback(request.params.name, request.query.to)),
  );

  server.post<{ Params: PipelineParams }>('/api/pipelines/:name/runs', async (request, reply) =>
    answer(reply, async () => started(reply, await app.startRun({ pipelineName: request.params.name }))),
  );

  server.post<{ Params: PipelineParams; Body: { to?: unknown } | null }>(
    '/api/pipelines/:name/rollback',
    async (request, reply) =>
      answer(reply, async () => {
        const to = request.body?.to;
        if (to !== undefined && typeof to !== 'string')
          throw new InvalidInputError('`to` must be a solution version ARN (a string).');
        return started(
          reply,
          await app.rollback({ pipelineName: request.params.name, ...(to ? { to } : {}) }),
        );
      }),
  );
}

/** 202 with the recorded run when one started; 200 with the SKIPPED record or the unchanged plan otherwise. */
function started(reply: FastifyReply, start: RunStart) {
  if (start.kind === 'started') return reply.code(202).send({ kind: start.kind, execution: start.execution });
  return start.kind === 'skipped'
    ? { kind: start.kind, execution: start.execution }
    : { kind: start.kind, plan: start.plan };
}

/** Runs as answers show them: URLs in error texts masked. */
function maskedRuns(runs: readonly ExecutionRecord[]) {
  return runs.map((run) => runJson(run));
}

function wholeNumber(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new InvalidInputError(`${name} must be a whole number, got '${text}'.`);
  return value;
}

/** Runs a handler and turns the app's errors into JSON answers with their HTTP status. */
async function answer(reply: FastifyReply, handler: () => unknown): Promise<unknown> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof UnknownPipelineError) return reply.code(404).send({ error: error.message });
    if (error instanceof InvalidInputError) return reply.code(400).send({ error: error.message });
    if (error instanceof StateDirOwnedError) return reply.code(503).send({ error: error.message });
    if (error instanceof UserFacingError) return reply.code(409).send({ error: error.message });
    reply.log.error(error);
    return reply.code(500).send({ error: 'internal error; see the serve log.' });
  }
}
