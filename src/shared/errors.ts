/**
 * An error whose message is written for the person at the terminal: what was wrong, where, and how
 * to fix it. The CLI prints it without a stack trace and exits with its code.
 */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or input the user can fix (a flag's value, a state dir that is a file): exit status 2. */
export class InvalidInputError extends UserFacingError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Another process owns the state dir and this command cannot share it: exit status 1. */
export class StateDirOwnedError extends UserFacingError {}

/** A pipeline name the state dir's host does not know. */
export class UnknownPipelineError extends InvalidInputError {}
