import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_STATE_DIR } from '../../shared/localDefaults.js';
import { InvalidInputError } from '../../shared/errors.js';
import { openCommandApp } from '../appSession.js';
import type { CliIo } from '../io.js';
import { describeRun } from '../runProgress.js';
import { historyHeader, historyLine, tableMetric } from '../runTable.js';

interface HistoryFlags {
  readonly stateDir: string;
  readonly params?: string;
  readonly stackName?: string;
  readonly limit: number;
  readonly json?: boolean;
}

export function registerHistoryCommand(program: Command, io: CliIo): void {
  program
    .command('history')
    .summary('list past runs, or show one run step by step')
    .argument('[id]', 'show one run in detail: every step with its duration', parseWholeNumber('id'))
    .description(
      'List past runs, newest first: pipeline, kind (retrain or rollback), start, outcome, duration, the solution ' +
        'version it trained (a rollback: the versions it went from and to) and the gate metric before and after.',
    )
    .option('--state-dir <dir>', 'where local state lives', DEFAULT_STATE_DIR)
    .option('--stack-name <name>', 'only this pipeline')
    .option(
      '--params <file>',
      'read GateMetric from this parameters file for the metric column (default: $PARAMS_FILE, else parameters.cfg if present)',
    )
    .option('--limit <n>', 'how many runs (a whole number from 1)', parseWholeNumber('--limit', 1), 20)
    .option('--json', 'print JSON that scripts can rely on')
    .action(async (id: number | undefined, flags: HistoryFlags) => {
      const metric = tableMetric(flags);
      const app = await openCommandApp(io, {
        stateDir: flags.stateDir,
        command: 'history',
        ownership: 'if-free',
        create: false,
      });
      try {
        if (id !== undefined) {
          const detail = app.run(id);
          if (!detail)
            throw new InvalidInputError(
              `no run with id ${id}; list them with 'history' (state dir ${app.stateDir}).`,
            );
          io.out(
            flags.json
              ? `${JSON.stringify({ execution: detail.execution, steps: detail.visits }, null, 2)}\n`
              : describeRun(detail.execution, detail.visits, metric),
          );
          return;
        }
        const runs = app.history({
          limit: flags.limit,
          ...(flags.stackName ? { pipelineName: flags.stackName } : {}),
        });
        if (flags.json) {
          io.out(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) {
          io.out(
            `${noRuns(
              app.role === 'absent',
              app.stateDir,
              flags.stackName,
              app.status().pipelines.map((p) => p.name),
            )}\n`,
          );
          return;
        }
        io.out(`${historyHeader(metric)}\n`);
        for (const run of runs) io.out(`${historyLine(run, metric)}\n`);
      } finally {
        await app.close();
      }
    });
}

function noRuns(absent: boolean, stateDir: string, stackName: string | undefined, known: string[]): string {
  if (absent)
    return `no runs yet: ${stateDir} does not exist (start one with 'personalize-retrain run' or 'demo').`;
  if (stackName && known.length > 0)
    return `no runs of pipeline ${stackName} in ${stateDir}; pipelines with runs: ${known.join(', ')}.`;
  return `no runs yet in ${stateDir}; start one with 'personalize-retrain run' or 'demo'.`;
}

/** A commander parser for whole numbers; a bad value is a usage error (exit 2). */
export function parseWholeNumber(name: string, min = 0): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min)
      throw new InvalidArgumentError(
        `${name} must be a whole number${min > 0 ? ` from ${min}` : ''}, got '${value}'.`,
      );
    return number;
  };
}
