import { CommanderError } from 'commander';
import { ExitCodes } from './exitCodes.js';
import { processIo, type CliIo } from './io.js';
import { makeProgram } from './program.js';
import { UserFacingError } from '../shared/errors.js';

/**
 * Runs one command line against `io` and returns its exit status: usage errors are 2, a
 * UserFacingError is printed without a stack trace with its own code, handlers' `process.exitCode`
 * is taken as the result. Tests call it in-process; `runCli` is the same for the `bin` entry.
 */
export async function runProgram(argv: readonly string[], io: CliIo): Promise<number> {
  const program = makeProgram(io);
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv]);
    return Number(process.exitCode ?? ExitCodes.Success);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
    if (error instanceof UserFacingError) {
      io.err(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

/** The `bin` entry: runs the program and maps errors to exit codes without stack traces for user errors. */
export async function runCli(argv: readonly string[]): Promise<void> {
  // `personalize-retrain definition | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await runProgram(argv, processIo);
}
