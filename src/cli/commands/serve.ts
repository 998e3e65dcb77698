import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { Option, type Command } from 'commander';
import { ConfigError, loadPipelineConfig, type PipelineConfig } from '../../config/pipelineConfig.js';
import { formatIssue } from '../../config/parametersFile.js';
import { pipelineNameForFile, selectPipeline } from '../../config/pipelineSelection.js';
import { DEFAULT_STATE_DIR } from '../../engine/engine.js';
import { buildDefinition } from '../../pipeline/definition/index.js';
import { createLocalNotifier, newExecutionName, runPipeline } from '../../pipeline/runner/index.js';
import { RetrainingScheduler, type ScheduledPipeline } from '../../pipeline/scheduler.js';
import { dashboardService } from '../../app/dashboardService.js';
import { UserFacingError } from '../../shared/errors.js';
import type { RunRequestResult } from '../../web/dashboardApp.js';
import { buildDashboard, DEFAULT_DASHBOARD_PORT } from '../../web/dashboardServer.js';
import { ExitCodes } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { openLocalRun } from '../localTarget.js';
import { parsePort } from './engine.js';
import { historyLine } from './history.js';

interface ServeFlags {
  readonly params: string[];
  readonly stackName?: string;
  readonly stateDir: string;
  readonly endpoint?: string;
  readonly runNow?: boolean;
  readonly port: number;
  readonly host: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

interface ServedPipeline extends ScheduledPipeline {
  readonly config: PipelineConfig;
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .summary('retrain each pipeline on its RetrainingRate until stopped')
    .description(
      'Retrain every configured pipeline on its RetrainingRate (UTC) until stopped (Ctrl-C or SIGTERM). Pass several ' +
        '--params files, or a folder of *.cfg files; each pipeline is named after its file. A pipeline never runs twice ' +
        'at once (a fire during a run is recorded SKIPPED); different pipelines run in parallel.',
    )
    .option(
      '--params <file-or-folder...>',
      'parameters files or folders (default: $PARAMS_FILE, else parameters.cfg)',
      [],
    )
    .option('--stack-name <name>', 'name of the pipeline when there is a single parameters file')
    .option('--state-dir <dir>', 'where local state lives (engine and run history)', DEFAULT_STATE_DIR)
    .option('--endpoint <url>', 'a Personalize-compatible endpoint to use instead of the embedded engine')
    .option('--run-now', 'also start every pipeline once right away')
    .addOption(
      new Option('--port <port>', 'port of the web dashboard and its /api/ (0 picks a free one)')
        .default(DEFAULT_DASHBOARD_PORT)
        .argParser(parsePort),
    )
    .option('--host <host>', 'address the dashboard binds; keep it on loopback', '127.0.0.1')
    .action(async (flags: ServeFlags) => {
      const pipelines = loadPipelines(flags);
      if (!LOOPBACK.has(flags.host))
        io.err(
          `warning: the dashboard binds ${flags.host}, reachable from other machines; its actions are token-protected but its pages are not.\n`,
        );
      const local = await openLocalRun(flags.stateDir, flags.endpoint);
      // Callers of the dashboard's "run now" wait for the run's record, to answer with its id.
      const starting = new Map<string, (result: RunRequestResult) => void>();
      const scheduler = new RetrainingScheduler(pipelines, {
        async run(pipeline, signal) {
          const { config } = pipeline as ServedPipeline;
          const outcome = await runPipeline({
            definition: buildDefinition(config, { pipelineName: pipeline.name }),
            pipelineName: pipeline.name,
            target: local.target,
            store: local.store,
            notifier: createLocalNotifier({
              logger: local.logger,
              ...(config.notificationUrl ? { url: config.notificationUrl } : {}),
            }),
            signal,
            onEvent(event) {
              if (event.type !== 'execution-started') return;
              starting.get(pipeline.name)?.({ started: true, executionId: event.execution.id });
              starting.delete(pipeline.name);
            },
          });
          io.out(`${historyLine(outcome.execution)}\n`);
        },
        skipped(pipeline, reason) {
          const record = local.store.recordSkipped({
            pipelineName: pipeline.name,
            executionName: newExecutionName(),
            target: 'local',
            reason,
          });
          io.out(`${historyLine(record)}  (${reason})\n`);
        },
        onError(pipeline, error) {
          const message = error instanceof Error ? error.message : String(error);
          starting.get(pipeline.name)?.({ started: false, reason: message });
          starting.delete(pipeline.name);
          io.err(`${pipeline.name}: ${message}\n`);
        },
      });
      scheduler.start();
      const personalize = new PersonalizeClient({
        endpoint: local.target.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const dashboard = buildDashboard({
        logger: local.logger,
        app: dashboardService({
          pipelines,
          store: local.store,
          personalize,
          nextRunAt: (name) => scheduler.nextRuns().find((next) => next.name === name)?.at,
          startRun(name) {
            const pipeline = pipelines.find((p) => p.name === name);
            if (!pipeline || scheduler.isRunning(name))
              return Promise.resolve({ started: false, reason: `a run of ${name} is still in progress` });
            const started = new Promise<RunRequestResult>((resolveStart) => starting.set(name, resolveStart));
            scheduler.fire(pipeline);
            return started;
          },
          rollbackTarget: () => ({ reason: 'roll back with the rollback command for now' }),
          rollback: () => Promise.reject(new Error('rollback is not available from the dashboard yet')),
        }),
      });
      const dashboardUrl = await dashboard.listen(flags.port, flags.host);
      io.out(
        `serving ${pipelines.length} pipeline${pipelines.length === 1 ? '' : 's'} (Personalize at ${local.target.endpoint}):\n`,
      );
      for (const { name, at } of scheduler.nextRuns())
        io.out(`  ${name}: next run ${at?.toISOString() ?? 'never'}\n`);
      io.out(`dashboard: ${dashboardUrl}/\n`);
      if (flags.runNow) for (const pipeline of pipelines) scheduler.fire(pipeline);
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', () => resolveStop());
        process.once('SIGTERM', () => resolveStop());
      });
      io.out('stopping: runs in progress are recorded ABORTED and resume under their own name next time\n');
      await dashboard.server.close();
      await scheduler.stop();
      personalize.destroy();
      await local.close();
    });
}

function loadPipelines(flags: ServeFlags): ServedPipeline[] {
  const inputs = flags.params.length > 0 ? flags.params : [selectPipeline({}).paramsFile];
  const files = inputs.flatMap((input) => {
    try {
      if (!statSync(input).isDirectory()) return [input];
    } catch {
      return [input];
    }
    return readdirSync(input)
      .filter((name) => name.endsWith('.cfg'))
      .sort()
      .map((name) => join(input, name));
  });
  if (files.length === 0)
    throw new UserFacingError(`no *.cfg files in ${inputs.join(', ')}.`, ExitCodes.InvalidInput);
  const problems: string[] = [];
  const pipelines: ServedPipeline[] = [];
  for (const file of files) {
    try {
      const config = loadPipelineConfig(file);
      const name =
        files.length === 1
          ? selectPipeline({ stackName: flags.stackName }).stackName
          : pipelineNameForFile(file);
      pipelines.push({ name, schedule: config.retrainingRate, config });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.issues.map(formatIssue));
    }
  }
  if (problems.length > 0) throw new UserFacingError(problems.join('\n'), ExitCodes.InvalidInput);
  return pipelines;
}
