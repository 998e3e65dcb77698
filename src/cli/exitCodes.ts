/** Exit statuses scripts can rely on: each outcome of a command has its own. */
export enum ExitCodes {
  Success = 0,
  /** A run or command failed (a task failed, a service error, an I/O error). */
  Failed = 1,
  /** Bad usage or invalid configuration: fix the input and try again. */
  InvalidInput = 2,
  /** A retraining run finished without deploying because the new model did not pass the metric gate. */
  Rejected = 3,
  /** A run stood down: another run or training of the pipeline was still going, or (SkipUnchangedData) the data is unchanged. */
  Skipped = 4,
}

/** The exit status of a command that ran (or skipped) a retraining run. */
export function exitCodeForRun(status: string): ExitCodes {
  switch (status) {
    case 'SUCCEEDED':
      return ExitCodes.Success;
    case 'REJECTED':
      return ExitCodes.Rejected;
    case 'SKIPPED':
      return ExitCodes.Skipped;
    default:
      return ExitCodes.Failed;
  }
}
