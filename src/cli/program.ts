import { Command, CommanderError } from 'commander';
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

export { CommanderError, ExitCodes };
