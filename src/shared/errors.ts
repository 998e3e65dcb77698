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
