import { Option, type Command } from 'commander';
import { buildDefinition } from '../../pipeline/definition/index.js';
import {
  createLocalNotifier,
  newExecutionName,
  runPipeline,
  type RunTarget,
} from '../../pipeline/runner/index.js';
import { UserFacingError } from '../../shared/errors.js';
import { ExitCodes, exitCodeForRun } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';
import { openLocalRun } from '../localTarget.js';
import { withPipelineOptions, type PipelineFlags } from '../pipelineOptions.js';
import { describeRun, progressPrinter } from '../runProgress.js';

interface RunFlags extends PipelineFlags {
  readonly endpoint?: string;
  readonly target: 'local' | 'aws';
  readonly stateMachineArn?: string;
  readonly executionName?: string;
}

export function registerRunCommand(program: Command, io: CliIo): void {
  withPipelineOptions(
    program
      .command('run')
      .summary('run one retraining cycle now (local engine, --endpoint, or AWS)')
      .description(
        'Run one retraining cycle now: re-import the datasets, train a new solution version, gate it on its metrics ' +
          'and roll it out to the campaign. Locally against the embedded engine (default) or --endpoint, or on AWS ' +
          'with --target aws. Exit status: 0 succeeded, 1 failed, 3 rejected by the metric gate, 4 skipped.',
      ),
  )
    .option('--endpoint <url>', 'a Personalize-compatible endpoint to use instead of the embedded engine')
    .addOption(
      new Option('--target <where>', 'local runs the definition here; aws starts the deployed state machine')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--state-machine-arn <arn>', 'with --target aws: the state machine the stack deployed')
    .option(
      '--execution-name <name>',
      'name the execution (a re-run under the same name reuses what it created)',
    )
    .option('--json', 'print the execution record as JSON instead of a summary')
    .action(async (flags: RunFlags) => {
      const { selection, config } = loadSelectedPipeline(flags);
      if (flags.target === 'aws' && !flags.stateMachineArn) {
        throw new UserFacingError(
          '--target aws needs --state-machine-arn (the StateMachineArn output of the deployed stack).',
          ExitCodes.InvalidInput,
        );
      }
      const local = await openLocalRun(flags.stateDir, flags.target === 'aws' ? 'aws' : flags.endpoint);
      try {
        const live = local.store.running(selection.stackName);
        if (live.length > 0) {
          const skipped = local.store.recordSkipped({
            pipelineName: selection.stackName,
            executionName: flags.executionName ?? newExecutionName(),
            target: flags.target,
            reason: `run ${live[0]?.executionName ?? ''} of this pipeline is still in progress`,
          });
          io.err(`skipped: ${skipped.cause ?? 'another run is in progress'}\n`);
          process.exitCode = ExitCodes.Skipped;
          return;
        }
        const target: RunTarget =
          flags.target === 'aws'
            ? { kind: 'aws', stateMachineArn: flags.stateMachineArn ?? '' }
            : local.target;
        const progress = progressPrinter(
          flags.json ? { ...io, isTty: false, out: () => undefined } : io,
          selection.stackName,
        );
        const controller = new AbortController();
        const abort = () => controller.abort();
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        try {
          const outcome = await runPipeline({
            definition: buildDefinition(config, { pipelineName: selection.stackName }),
            pipelineName: selection.stackName,
            target,
            store: local.store,
            notifier: createLocalNotifier({
              logger: local.logger,
              ...(config.notificationUrl ? { url: config.notificationUrl } : {}),
            }),
            ...(flags.executionName ? { executionName: flags.executionName } : {}),
            onEvent: progress.onEvent,
            signal: controller.signal,
          });
          progress.stop();
          io.out(
            flags.json
              ? `${JSON.stringify({ execution: outcome.execution, steps: outcome.visits }, null, 2)}\n`
              : describeRun(outcome.execution, outcome.visits, config.gate.metric),
          );
          process.exitCode = exitCodeForRun(outcome.execution.status);
        } finally {
          progress.stop();
          process.off('SIGINT', abort);
          process.off('SIGTERM', abort);
        }
      } finally {
        await local.close();
      }
    });
}
