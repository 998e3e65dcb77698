import { metricSeries } from '../../src/app/metricSeries.js';
import { pipelineAlarm } from '../../src/app/pipelineHealth.js';
import type { DashboardQueries, PipelineView } from '../../src/app/dashboardQueries.js';
import type { ExecutionRecord, StateVisit } from '../../src/app/index.js';

export const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const DAY = 86_400_000;
const VERSION = 'arn:aws:personalize:us-east-1:000000000000:solution/shop/';

let nextId = 1;
/** A finished run record with the fields a test cares about. */
export function record(
  fields: Partial<ExecutionRecord> & Pick<ExecutionRecord, 'pipelineName'>,
): ExecutionRecord {
  const id = fields.id ?? nextId++;
  const startedAt = fields.startedAt ?? NOW - DAY;
  return {
    id,
    executionName: `20260301T060000Z-${String(id).padStart(4, '0')}`,
    kind: fields.executionName?.startsWith('rollback-') ? ('rollback' as const) : ('retraining' as const),
    target: 'local',
    executionArn: null,
    status: 'SUCCEEDED',
    startedAt,
    endedAt: startedAt + 65_000,
    ownerPid: 1,
    ownerHost: 'test',
    resumedFrom: null,
    solutionVersionArn: null,
    metrics: null,
    previousSolutionVersionArn: null,
    previousMetrics: null,
    error: null,
    cause: null,
    output: null,
    trainingMode: 'FULL',
    ...fields,
  };
}

export function version(name: string): string {
  return `${VERSION}${name}`;
}

export function ndcg(value: number) {
  return { normalized_discounted_cumulative_gain_at_10: value, coverage: value / 2 };
}

/** Runs of 'shop' (newest first): a baseline v0, v1 deployed, v2 rejected, v3 deployed, one failure. */
export function shopRuns(): ExecutionRecord[] {
  return [
    record({
      pipelineName: 'shop',
      status: 'FAILED',
      startedAt: NOW - 1 * DAY,
      error: 'Pipeline.ImportFailed',
      cause: 'bad CSV <b>line 3</b>; webhook https://user:hunter2@hooks.example.com/T0/B0/secret-path failed',
    }),
    record({
      pipelineName: 'shop',
      startedAt: NOW - 2 * DAY,
      solutionVersionArn: version('v3'),
      metrics: ndcg(0.31),
      previousSolutionVersionArn: version('v1'),
      previousMetrics: ndcg(0.3),
    }),
    record({
      pipelineName: 'shop',
      status: 'REJECTED',
      startedAt: NOW - 3 * DAY,
      solutionVersionArn: version('v2'),
      metrics: ndcg(0.2),
      previousSolutionVersionArn: version('v1'),
      previousMetrics: ndcg(0.3),
      output: { Outcome: 'REJECTED', Reason: 'regressed' },
    }),
    record({
      pipelineName: 'shop',
      startedAt: NOW - 4 * DAY,
      solutionVersionArn: version('v1'),
      metrics: ndcg(0.3),
      previousSolutionVersionArn: version('v0'),
      previousMetrics: ndcg(0.25),
    }),
  ];
}

/** In-memory dashboard queries: what the pages see, without engine or store. */
export class FakeQueries implements DashboardQueries {
  readonly steps = new Map<number, StateVisit[]>();

  constructor(readonly runsByPipeline: Map<string, ExecutionRecord[]>) {}

  async pipelines(): Promise<PipelineView[]> {
    return [...this.runsByPipeline].map(([name, runs]) => ({
      name,
      schedule: 'rate(1 day)',
      nextRunAt: NOW + 3_600_000,
      nextRunMode: 'FULL',
      gate: { metric: 'normalized_discounted_cumulative_gain_at_10', tolerance: 0.01, minimum: null },
      campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/shop',
      notificationUrl: 'https://user:hunter2@hooks.example.com/T0/B0/secret-path',
      notificationTopicArn: null,
      latest: runs[0] ?? null,
      running: runs.find((run) => run.status === 'RUNNING') ?? null,
      currentStep: runs.some((run) => run.status === 'RUNNING') ? 'WaitForTraining' : null,
      alarm: pipelineAlarm(runs, DAY, NOW),
    }));
  }
  async runs(name: string, limit: number) {
    return (this.runsByPipeline.get(name) ?? []).slice(0, limit);
  }
  async run(id: number) {
    const execution = [...this.runsByPipeline.values()].flat().find((run) => run.id === id);
    return execution ? { execution, visits: this.steps.get(id) ?? [] } : undefined;
  }
  async metricSeries(name: string, metric: string) {
    return metricSeries(this.runsByPipeline.get(name) ?? [], metric);
  }
  async campaign() {
    return {
      campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/shop',
      solutionVersionArn: version('v3'),
      since: NOW - 2 * DAY,
      status: 'ACTIVE',
      updatingTo: null,
    };
  }
  async rollbackTarget() {
    return { target: version('v1') };
  }
}
