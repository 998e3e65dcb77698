import type { CatchRule, RetryRule } from './asl.js';

/** Step Functions names the service's errors `Personalize.<ExceptionName>` in its SDK integrations. */
export const PERSONALIZE_ERRORS = {
  alreadyExists: 'Personalize.ResourceAlreadyExistsException',
  notFound: 'Personalize.ResourceNotFoundException',
  inUse: 'Personalize.ResourceInUseException',
  limitExceeded: 'Personalize.LimitExceededException',
} as const;

/**
 * Errors worth waiting out: quotas and busy resources clear up, throttling passes, and a dropped
 * connection (the local runner's `SdkClientException`) is usually transient.
 */
export const TRANSIENT_ERRORS = [
  PERSONALIZE_ERRORS.limitExceeded,
  PERSONALIZE_ERRORS.inUse,
  'Personalize.ThrottlingException',
  'Personalize.TooManyRequestsException',
  'Personalize.SdkClientException',
  'SNS.ThrottledException',
] as const;

/** Exponential backoff: 5 s, 10 s, 20 s, … about 10 minutes in all before giving up. */
export const TRANSIENT_RETRY: RetryRule = {
  ErrorEquals: [...TRANSIENT_ERRORS],
  IntervalSeconds: 5,
  MaxAttempts: 7,
  BackoffRate: 2,
};

/** Where every unhandled error goes: the failure notification, with the error kept at `$.Error`. */
export const FAILURE_PATH = 'SummarizeFailure';

export const CATCH_ALL_TO_FAILURE: CatchRule = {
  ErrorEquals: ['States.ALL'],
  ResultPath: '$.Error',
  Next: FAILURE_PATH,
};

export function personalizeTask(action: string): string {
  return `arn:aws:states:::aws-sdk:personalize:${action}`;
}

export const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/**
 * How many times a run creates an import job or solution version for one step. Only a re-run that
 * adopted a failed resource of its crashed predecessor tries again; a genuine failure fails the run.
 */
export const MAX_ATTEMPTS = 3;
