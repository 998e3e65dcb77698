import { Option, type Command } from 'commander';
import { regionOfArn, type RunPlacement } from '../../app/index.js';
import { TRAINING_MODES, type TrainingMode } from '../../config/trainingModes.js';
import { InvalidInputError } from '../../shared/errors.js';
import { metricDataLine, notificationLine, openCommandApp } from '../appSession.js';
import { ExitCodes, exitCodeForRun } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';
import { withPipelineOptions, type PipelineFlags } from '../pipelineOptions.js';
import { describeRun, progressPrinter } from '../runProgress.js';

interface RunFlags extends PipelineFlags {
  readonly endpoint?: string;
  readonly target: 'local' | 'aws';
  readonly stateMachineArn?: string;
  readonly executionName?: string;
  readonly trainingMode?: TrainingMode;
}

export function registerRunCommand(program: Command, io: CliIo): void {
  withPipelineOptions(
    program
      .command('run')
      .summary('run one retraining cycle now (local engine, --endpoint, or AWS)')
      .description(
        'Run one retraining cycle now: re-import the datasets, train a new solution version, gate it on its metrics ' +
          'and roll it out to the campaign. Locally against the embedded engine (default) or --endpoint, or on AWS ' +
          'with --target aws (the state machine of the stack deploy made for --stack-name, or --state-machine-arn). ' +
          '--training-mode UPDATE makes this one run an UPDATE training between FULL retrains. When another process (serve, engine, run) owns the state dir, the run uses its engine. ' +
          'A run of the same pipeline in progress anywhere on the state dir makes this one SKIPPED, and so does ' +
          'unchanged data with SkipUnchangedData=true (no datasource changed since the newest version was trained). ' +
          'Exit status: 0 succeeded, 1 failed, 3 rejected by the metric gate, 4 skipped.',
      ),
  )
    .option('--endpoint <url>', 'a Personalize-compatible endpoint to use instead of the embedded engine')
    .addOption(
      new Option('--target <where>', 'local runs the definition here; aws starts the deployed state machine')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option(
      '--state-machine-arn <arn>',
      "with --target aws: the state machine to start (its region is used); without it, the StateMachineArn output of the stack named --stack-name in the SolutionArn's region",
    )
    .addOption(
      new Option(
        '--training-mode <mode>',
        "this run's training: FULL retrains from all the data, UPDATE refreshes the latest model with new items (user-personalization only) (default: the file's TrainingMode)",
      ).choices(TRAINING_MODES),
    )
    .option(
      '--execution-name <name>',
      'name the execution (a re-run under the same name reuses what it created)',
    )
    .option('--json', 'print the execution record as JSON instead of a summary')
    .action(async (flags: RunFlags) => {
      const { selection, config } = loadSelectedPipeline(flags);
      let placement: RunPlacement = { kind: 'local' };
      if (flags.target === 'aws') {
        if (flags.stateMachineArn) {
          regionOfArn(flags.stateMachineArn);
          placement = { kind: 'aws', stateMachineArn: flags.stateMachineArn };
        } else {
          // deploy puts the stack in the solution's region, under the pipeline's name.
          placement = {
            kind: 'aws',
            stackName: selection.stackName,
            region: regionOfArn(config.solutionArn),
          };
        }
      } else if (flags.stateMachineArn) {
        throw new InvalidInputError('--state-machine-arn needs --target aws.');
      }
      const app = await openCommandApp(io, {
        stateDir: flags.stateDir,
        command: 'run',
        // Neither an AWS run nor one against another endpoint needs the state dir's engine.
        ownership: flags.target === 'aws' || flags.endpoint ? 'none' : 'if-free',
        pipelines: [{ name: selection.stackName, config }],
        ...(flags.endpoint ? { personalize: { endpoint: flags.endpoint } } : {}),
      });
      const controller = new AbortController();
      const abort = () => controller.abort();
      process.once('SIGINT', abort);
      process.once('SIGTERM', abort);
      const quietIo = flags.json ? { ...io, isTty: false, out: () => undefined } : io;
      const progress = progressPrinter(quietIo, selection.stackName);
      const unsubscribe = app.subscribe((event) => {
        const line = notificationLine(event) ?? metricDataLine(event);
        if (line) io.err(line);
      });
      try {
        const start = await app.startRun({
          pipelineName: selection.stackName,
          placement,
          ...(flags.executionName ? { executionName: flags.executionName } : {}),
          ...(flags.trainingMode ? { trainingMode: flags.trainingMode } : {}),
          onEvent: progress.onEvent,
          signal: controller.signal,
        });
        if (start.kind !== 'started') {
          progress.stop();
          const execution = start.kind === 'skipped' ? start.execution : undefined;
          if (flags.json) io.out(`${JSON.stringify({ execution, steps: [] }, null, 2)}\n`);
          io.err(`skipped: ${execution?.cause ?? 'another run is in progress'}\n`);
          process.exitCode = ExitCodes.Skipped;
          return;
        }
        const outcome = await start.finished;
        progress.stop();
        io.out(
          flags.json
            ? `${JSON.stringify({ execution: outcome.execution, steps: outcome.visits }, null, 2)}\n`
            : describeRun(outcome.execution, outcome.visits, config.gate.metric),
        );
        process.exitCode = exitCodeForRun(outcome.execution.status);
      } finally {
        progress.stop();
        unsubscribe();
        process.off('SIGINT', abort);
        process.off('SIGTERM', abort);
        await app.close();
      }
    });
}
