import { CommanderError } from 'commander';
import { ExitCodes } from './exitCodes.js';
import { processIo } from './io.js';
import { makeProgram } from './program.js';
import { UserFacingError } from '../shared/errors.js';

/** The `bin` entry: runs the program and maps errors to exit codes without stack traces for user errors. */
export async function runCli(argv: readonly string[]): Promise<void> {
  // `personalize-retrain definition | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const program = makeProgram(processIo).exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
      return;
    }
    if (error instanceof UserFacingError) {
      processIo.err(`error: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}
