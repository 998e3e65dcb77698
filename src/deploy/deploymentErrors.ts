import { UserFacingError } from '../shared/errors.js';

/**
 * A config or definition the stack cannot deploy as it is; the message says what to change. Exits
 * with 2, the CLI's status for invalid input.
 */
export class DeploymentConfigError extends UserFacingError {
  constructor(message: string) {
    super(message, 2);
  }
}
