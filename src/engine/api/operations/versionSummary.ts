import type { SolutionVersionRecord } from '../../store/solutionVersionRecords.js';

/**
 * A solution version as lists and DescribeSolution's `latestSolutionVersion` show it. Kept apart so
 * that solutions and solution versions each import it, not each other.
 */
export function summarizeVersion(version: SolutionVersionRecord): Record<string, unknown> {
  return {
    solutionVersionArn: version.arn,
    status: version.status,
    trainingMode: version.trainingMode,
    trainingType: version.trainingType,
    creationDateTime: version.created,
    lastUpdatedDateTime: version.updated,
    ...(version.failureReason ? { failureReason: version.failureReason } : {}),
  };
}
