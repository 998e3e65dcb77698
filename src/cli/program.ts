import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { registerDefinitionCommand } from './commands/definition.js';
import { registerDeployCommands } from './commands/deploy.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEngineCommand } from './commands/engine.js';
import { registerHistoryCommand } from './commands/history.js';
import { registerRollbackCommand } from './commands/rollback.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatusCommand } from './commands/status.js';
import { registerValidateCommand } from './commands/validate.js';
import { ExitCodes } from './exitCodes.js';
import { processIo, type CliIo } from './io.js';

export const PROGRAM_NAME = 'personalize-retrain';

/** Builds the whole CLI; usage errors and --help throw a CommanderError (see main.ts); tests pass their own `io`. */
export function makeProgram(io: CliIo = processIo): Command {
  const program = new Command(PROGRAM_NAME)
    .description(
      'Retrain Amazon Personalize models on a schedule: re-import datasets, train a new solution version, ' +
        'deploy it to the campaign only if its metrics hold. Runs on AWS Step Functions or locally against an ' +
        'embedded Personalize-compatible engine.',
    )
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // Subcommands copy these settings when they are added, so they must be set first: without it a
    // usage error in a subcommand (`run --bogus`) calls process.exit(1) instead of throwing a
    // CommanderError that the caller maps to exit status 2.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nNew here? `npx personalize-retrain demo` runs a whole cycle locally. Docs: README.md and docs/.',
    );
  registerDemoCommand(program, io);
  registerRunCommand(program, io);
  registerServeCommand(program, io);
  registerStatusCommand(program, io);
  registerHistoryCommand(program, io);
  registerRollbackCommand(program, io);
  registerValidateCommand(program, io);
  registerDefinitionCommand(program, io);
  registerDeployCommands(program, io);
  registerEngineCommand(program, io);
  return program;
}

/** The version in package.json, read once from the installed package (two folders above dist/src/cli). */
function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const manifest = require(candidate) as { name?: string; version?: string };
      if (manifest.name === PROGRAM_NAME && manifest.version) return manifest.version;
    } catch {
      // not at this depth: compiled (dist/src/cli) and source (src/cli) layouts differ
    }
  }
  return 'unknown';
}

export { CommanderError, ExitCodes };
