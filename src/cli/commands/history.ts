import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_STATE_DIR } from '../../engine/engine.js';
import {
  EXECUTIONS_FILE,
  openExecutionStore,
  type ExecutionRecord,
} from '../../pipeline/executions/index.js';
import { UserFacingError } from '../../shared/errors.js';
import { ExitCodes } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { describeRun, formatDuration, formatMetric } from '../runProgress.js';

const GATE_METRIC = 'normalized_discounted_cumulative_gain_at_10';

interface HistoryFlags {
  readonly stateDir: string;
  readonly stackName?: string;
  readonly limit: string;
  readonly json?: boolean;
}

export function registerHistoryCommand(program: Command, io: CliIo): void {
  program
    .command('history')
    .summary('list past runs, or show one run step by step')
    .argument('[id]', 'show one run in detail: every step with its duration')
    .description(
      'List past retraining runs, newest first, with outcome, duration, model version and nDCG@10.',
    )
    .option('--state-dir <dir>', 'where local state lives', DEFAULT_STATE_DIR)
    .option('--stack-name <name>', 'only this pipeline')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print JSON that scripts can rely on')
    .action((id: string | undefined, flags: HistoryFlags) => {
      const store = openExecutionStore(join(flags.stateDir, EXECUTIONS_FILE));
      try {
        if (id !== undefined) {
          const execution = store.get(Number(id));
          if (!execution)
            throw new UserFacingError(
              `no run with id ${id}; list them with 'history'.`,
              ExitCodes.InvalidInput,
            );
          const visits = store.visits(execution.id);
          io.out(
            flags.json
              ? `${JSON.stringify({ execution, steps: visits }, null, 2)}\n`
              : describeRun(execution, visits, GATE_METRIC),
          );
          return;
        }
        const runs = store.list({
          ...(flags.stackName ? { pipelineName: flags.stackName } : {}),
          limit: Number(flags.limit) || 20,
        });
        if (flags.json) {
          io.out(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          io.out(`no runs yet in ${flags.stateDir}; start one with 'personalize-retrain run' or 'demo'.\n`);
          return;
        }
        io.out(
          `${'ID'.padEnd(5)}${'PIPELINE'.padEnd(26)}${'STARTED (UTC)'.padEnd(21)}${'STATUS'.padEnd(11)}${'TOOK'.padEnd(10)}NDCG@10 (BEFORE → NEW)\n`,
        );
        for (const run of runs) io.out(`${historyLine(run)}\n`);
      } finally {
        store.close();
      }
    });
}

export function historyLine(run: ExecutionRecord): string {
  const took = run.endedAt === null ? '…' : formatDuration(run.endedAt - run.startedAt);
  const metrics =
    run.metrics || run.previousMetrics
      ? `${formatMetric(run.previousMetrics?.[GATE_METRIC])} → ${formatMetric(run.metrics?.[GATE_METRIC])}`
      : '';
  const started = new Date(run.startedAt).toISOString().slice(0, 19).replace('T', ' ');
  return `${String(run.id).padEnd(5)}${run.pipelineName.slice(0, 25).padEnd(26)}${started.padEnd(21)}${run.status.padEnd(11)}${took.padEnd(10)}${metrics}`;
}
