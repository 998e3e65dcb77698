import type { Command } from 'commander';
import { notificationLine, openCommandApp } from '../appSession.js';
import { ExitCodes, exitCodeForRun } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';
import { withPipelineOptions, type PipelineFlags } from '../pipelineOptions.js';
import { describeRun, progressPrinter } from '../runProgress.js';

interface RollbackFlags extends PipelineFlags {
  readonly to?: string;
  readonly endpoint?: string;
  readonly region?: string;
}

export function registerRollbackCommand(program: Command, io: CliIo): void {
  withPipelineOptions(
    program
      .command('rollback')
      .summary('put the campaign back on the previously deployed version')
      .description(
        'Put the campaign back on the solution version it served before the latest run that deployed one (or --to ARN), ' +
          'wait until that version serves, and record it in the history as a rollback from one version to the other. ' +
          'When another process (serve, engine) owns the state dir, the rollback uses its engine.',
      ),
  )
    .option(
      '--to <solutionVersionArn>',
      'the version to roll back to (default: the one served before the latest deploying run)',
    )
    .option('--endpoint <url>', 'a Personalize-compatible endpoint instead of the embedded engine')
    .option('--region <region>', 'roll back on AWS in this region (uses your AWS credentials)')
    .option('--json', 'print the execution record as JSON')
    .action(async (flags: RollbackFlags) => {
      const { selection, config } = loadSelectedPipeline(flags);
      const app = await openCommandApp(io, {
        stateDir: flags.stateDir,
        command: 'rollback',
        ownership: flags.region || flags.endpoint ? 'none' : 'if-free',
        pipelines: [{ name: selection.stackName, config }],
        ...(flags.region
          ? { personalize: { region: flags.region } }
          : flags.endpoint
            ? { personalize: { endpoint: flags.endpoint } }
            : {}),
      });
      const progress = progressPrinter(
        flags.json ? { ...io, isTty: false, out: () => undefined } : io,
        `rollback ${selection.stackName}`,
      );
      const unsubscribe = app.subscribe((event) => {
        const line = notificationLine(event);
        if (line) io.err(line);
      });
      try {
        const start = await app.rollback({
          pipelineName: selection.stackName,
          ...(flags.to ? { to: flags.to } : {}),
          onEvent: progress.onEvent,
        });
        if (start.kind === 'unchanged') {
          io.out(`${start.plan.campaignArn} already serves ${start.plan.to}; nothing to roll back.\n`);
          return;
        }
        if (start.kind === 'skipped') {
          io.err(`skipped: ${start.execution.cause ?? 'a run of this pipeline is in progress'}\n`);
          process.exitCode = ExitCodes.Skipped;
          return;
        }
        const { execution, visits } = await start.finished;
        progress.stop();
        const from = execution.previousSolutionVersionArn ?? 'nothing';
        const to = execution.solutionVersionArn ?? '?';
        io.out(
          flags.json
            ? `${JSON.stringify({ execution, rolledBackFrom: execution.previousSolutionVersionArn, rolledBackTo: to }, null, 2)}\n`
            : `${describeRun(execution, visits, config.gate.metric)}${
                // A failed rollback left the campaign where it was: do not claim otherwise.
                execution.status === 'SUCCEEDED'
                  ? `  rolled back from ${from}\n  campaign now serves: ${to}\n`
                  : ''
              }`,
        );
        process.exitCode = exitCodeForRun(execution.status);
      } finally {
        progress.stop();
        unsubscribe();
        await app.close();
      }
    });
}
