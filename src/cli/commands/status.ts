import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_STATE_DIR } from '../../engine/engine.js';
import { EXECUTIONS_FILE, openExecutionStore } from '../../pipeline/executions/index.js';
import type { CliIo } from '../io.js';
import { historyLine } from './history.js';

export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .summary('show runs in progress and the latest run of each pipeline')
    .description("Show each pipeline's runs in progress and its latest run.")
    .option('--state-dir <dir>', 'where local state lives', DEFAULT_STATE_DIR)
    .option('--json', 'print JSON that scripts can rely on')
    .action((flags: { stateDir: string; json?: boolean }) => {
      const store = openExecutionStore(join(flags.stateDir, EXECUTIONS_FILE));
      try {
        const latest = new Map<string, ReturnType<typeof store.list>[number]>();
        for (const run of store.list({ limit: 1000 }))
          if (!latest.has(run.pipelineName)) latest.set(run.pipelineName, run);
        const running = store.running();
        if (flags.json) {
          io.out(`${JSON.stringify({ running, latest: [...latest.values()] }, null, 2)}\n`);
          return;
        }
        if (latest.size === 0) {
          io.out(`no pipelines have run in ${flags.stateDir} yet; try 'personalize-retrain demo'.\n`);
          return;
        }
        io.out(
          running.length === 0
            ? 'nothing running\n'
            : `running:\n${running.map((r) => `  ${historyLine(r)}`).join('\n')}\n`,
        );
        io.out(
          `latest per pipeline:\n${[...latest.values()].map((r) => `  ${historyLine(r)}`).join('\n')}\n`,
        );
      } finally {
        store.close();
      }
    });
}
