/**
 * Errors thrown from Task handlers. `aws-local-stepfunctions` matches `Retry`/`Catch` on `error.name`
 * and puts `error.message` in the caught output's `Cause`, so these carry the names Step Functions
 * gives: `<Service>.<ExceptionName>` for SDK integrations, `States.*` for the interpreter's own.
 */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * `States.Runtime`: a defect of the definition (such as an unknown parameter), which Step Functions
 * neither retries nor lets `States.ALL` catch. The interpreter reads these two flags.
 */
export class StatesRuntimeFailure extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(cause: string) {
    super('States.Runtime', cause);
  }
}

interface SdkErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/**
 * An SDK error as Step Functions reports it: `Personalize.ResourceNotFoundException` with the Java
 * SDK's message format in `Cause`. Errors without the `Exception` suffix get it, as the Step Functions
 * guide says they do; failures that never reached the service (connection refused) are reported as
 * `<Service>.SdkClientException`, the Java SDK's client-side error.
 */
export function serviceTaskFailure(service: string, error: unknown): TaskFailure {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const message = typeof sdk.message === 'string' ? sdk.message : String(error);
  const status = sdk.$metadata?.httpStatusCode;
  if (sdk.$fault === undefined || status === undefined) {
    return new TaskFailure(`${service}.SdkClientException`, `Unable to execute HTTP request: ${message}`);
  }
  const rawName = typeof sdk.name === 'string' && sdk.name !== '' ? sdk.name : 'UnknownError';
  const name = rawName.endsWith('Exception') ? rawName : `${rawName}Exception`;
  const requestId = sdk.$metadata?.requestId ?? 'unknown';
  return new TaskFailure(
    `${service}.${name}`,
    `${message} (Service: ${service}, Status Code: ${status}, Request ID: ${requestId})`,
  );
}
