import type { Command } from 'commander';
import type { StatusReport } from '../../app/index.js';
import { DEFAULT_STATE_DIR } from '../../shared/localDefaults.js';
import { openCommandApp } from '../appSession.js';
import type { CliIo } from '../io.js';
import { historyLine, tableMetric } from '../runTable.js';

export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .summary('show who owns the state dir, runs in progress and the latest run of each pipeline')
    .description(
      "Show the process that owns the state dir (serve, engine or a run), each pipeline's runs in progress and its latest run.",
    )
    .option('--state-dir <dir>', 'where local state lives', DEFAULT_STATE_DIR)
    .option(
      '--params <file>',
      'read GateMetric from this parameters file for the metric column (default: $PARAMS_FILE, else parameters.cfg if present)',
    )
    .option('--json', 'print JSON that scripts can rely on')
    .action(async (flags: { stateDir: string; params?: string; json?: boolean }) => {
      const metric = tableMetric(flags);
      const app = await openCommandApp(io, {
        stateDir: flags.stateDir,
        command: 'status',
        ownership: 'if-free',
        create: false,
      });
      try {
        const report = app.status();
        io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeStatus(report, metric));
      } finally {
        await app.close();
      }
    });
}

function describeStatus(report: StatusReport, metric: string): string {
  if (report.role === 'absent')
    return `nothing has run in ${report.stateDir} yet; try 'personalize-retrain demo'.\n`;
  const lines: string[] = [];
  const owner = report.role === 'client' ? report.owner : null;
  lines.push(
    owner
      ? `owner: ${owner.command}, pid ${owner.pid}, since ${new Date(owner.startedAt).toISOString()}` +
          `${owner.personalizeEndpoint ? `, engine at ${owner.personalizeEndpoint}` : ''}` +
          `${owner.apiEndpoint ? `, API at ${owner.apiEndpoint}` : ''}`
      : 'owner: none (no serve, engine or run is using this state dir)',
  );
  if (report.pipelines.length === 0) {
    lines.push(`no pipelines have run in ${report.stateDir} yet; try 'personalize-retrain demo'.`);
    return `${lines.join('\n')}\n`;
  }
  const running = report.pipelines.flatMap((pipeline) => pipeline.running);
  lines.push(
    running.length === 0
      ? 'nothing running'
      : `running:\n${running.map((run) => `  ${historyLine(run, metric)}`).join('\n')}`,
  );
  lines.push(
    `latest per pipeline:\n${report.pipelines
      .flatMap((pipeline) => (pipeline.latest ? [`  ${historyLine(pipeline.latest, metric)}`] : []))
      .join('\n')}`,
  );
  return `${lines.join('\n')}\n`;
}
