import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError, loadPipelineConfig } from '../../config/pipelineConfig.js';
import { formatIssue } from '../../config/parametersFile.js';
import { pipelineNameForFile, selectPipeline } from '../../config/pipelineSelection.js';
import type { AppEvent, HostedPipeline } from '../../app/index.js';
import { InvalidInputError } from '../../shared/errors.js';
import { DEFAULT_SERVE_PORT, DEFAULT_STATE_DIR } from '../../shared/localDefaults.js';
import { dashboardQueries } from '../../app/dashboardQueries.js';
import { buildApiServer } from '../../web/apiServer.js';
import { registerDashboard } from '../../web/dashboardServer.js';
import { notificationLine, openCommandApp } from '../appSession.js';
import type { CliIo } from '../io.js';
import { historyLine } from '../runTable.js';
import { listen, parsePort } from '../listen.js';

interface ServeFlags {
  readonly params: string[];
  readonly stackName?: string;
  readonly stateDir: string;
  readonly endpoint?: string;
  readonly runNow?: boolean;
  readonly port: number;
  readonly host: string;
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .summary(
      'retrain each pipeline on its RetrainingRate until stopped; web dashboard and JSON API on a loopback port',
    )
    .description(
      'Retrain every configured pipeline on its RetrainingRate (UTC) until stopped (Ctrl-C or SIGTERM). Pass several ' +
        '--params files, or a folder of *.cfg files; each pipeline is named after its file. A pipeline never runs twice ' +
        'at once (a fire during a run is recorded SKIPPED); different pipelines run in parallel. serve owns the state ' +
        'dir: run, rollback, status and history in other terminals use it. Its web dashboard (/) and JSON API (/api/...) ' +
        'listen on --port (docs/DASHBOARD.md); ' +
        "calls that start runs or roll back need the token in the state dir's owner.json.",
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
      new Option('--port <port>', 'TCP port of the dashboard and the JSON API (0 picks a free one)')
        .default(DEFAULT_SERVE_PORT)
        .argParser(parsePort),
    )
    .option('--host <host>', 'address the dashboard and API bind; keep it on loopback', '127.0.0.1')
    .action(async (flags: ServeFlags) => {
      const pipelines = loadPipelines(flags);
      const app = await openCommandApp(io, {
        stateDir: flags.stateDir,
        command: 'serve',
        ownership: 'required',
        pipelines,
        ...(flags.endpoint ? { personalize: { endpoint: flags.endpoint } } : {}),
      });
      const token = app.apiToken ?? '';
      const api = buildApiServer({
        app,
        token,
        boundHost: flags.host,
        routes: [(server) => registerDashboard(server, { queries: dashboardQueries(app), token })],
      });
      try {
        const apiUrl = await listen(api, flags.port, flags.host, io);
        app.publishApi(apiUrl);
        const metrics = new Map(pipelines.map((pipeline) => [pipeline.name, pipeline.config.gate.metric]));
        app.subscribe((event) => io.out(serveLine(event, metrics.get(event.pipelineName) ?? '')));
        app.startSchedule({ runNow: flags.runNow ?? false });
        io.out(
          `serving ${pipelines.length} pipeline${pipelines.length === 1 ? '' : 's'} from ${app.stateDir}\n` +
            `  Personalize at ${app.personalizeEndpoint ?? '?'}\n  dashboard at ${apiUrl}/\n  API at ${apiUrl}/api/ (token in ${join(app.stateDir, 'owner.json')})\n`,
        );
        for (const pipeline of app.status().pipelines.filter((p) => p.hosted))
          io.out(`  ${pipeline.name}: next run ${nextRunText(pipeline.nextRunAt, pipeline.nextRunMode)}\n`);
        await waitForStopSignal();
        const inFlight = app
          .status()
          .pipelines.flatMap((p) => p.running.filter((run) => run.ownerPid === process.pid));
        io.out(
          inFlight.length === 0
            ? 'stopping: no run in progress\n'
            : `stopping: aborting ${inFlight.map((run) => `${run.pipelineName} ${run.executionName}`).join(', ')}; ` +
                'an aborted run is recorded ABORTED and resumes under its own name at the next run\n',
        );
      } finally {
        await api.close();
        await app.close();
      }
      io.out('stopped\n');
    });
}

function serveLine(event: AppEvent, metric: string): string {
  const notification = notificationLine(event);
  if (notification) return notification;
  if (event.type === 'schedule')
    return `  ${event.pipelineName}: next run ${nextRunText(event.nextRunAt, event.nextRunMode)}\n`;
  if (event.type !== 'run') return '';
  const run = event.event;
  if (run.type === 'execution-started')
    return `${run.execution.pipelineName}: run ${run.execution.executionName} started\n`;
  if (run.type !== 'execution-finished') return '';
  const execution = run.execution;
  const reason =
    execution.status === 'SUCCEEDED' || !execution.cause
      ? ''
      : `\n  reason: ${execution.error ? `${execution.error}: ` : ''}${execution.cause}`;
  return `${historyLine(execution, metric)}${reason}\n`;
}

/** An UPDATE run between FULL retrains says so; the usual FULL retrain is the plain time. */
function nextRunText(at: number | null, mode: string | null): string {
  return `${formatTime(at)}${mode === 'UPDATE' ? ' (UPDATE)' : ''}`;
}

function formatTime(at: number | null): string {
  return at === null ? 'never' : new Date(at).toISOString();
}

function waitForStopSignal(): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function loadPipelines(flags: ServeFlags): HostedPipeline[] {
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
  if (files.length === 0) throw new InvalidInputError(`no *.cfg files in ${inputs.join(', ')}.`);
  const problems: string[] = [];
  const pipelines: HostedPipeline[] = [];
  for (const file of files) {
    try {
      const config = loadPipelineConfig(file);
      const name =
        files.length === 1
          ? selectPipeline({ stackName: flags.stackName }).stackName
          : pipelineNameForFile(file);
      pipelines.push({ name, config });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.issues.map(formatIssue));
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems.join('\n'));
  return pipelines;
}
