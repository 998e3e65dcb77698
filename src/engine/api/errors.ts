/**
 * Personalize's service errors. Each class carries the wire `__type` and HTTP status so that the
 * official SDK rebuilds the same exception class on the client side. Throw them from anywhere in the
 * engine; the server turns them into responses in one place (`server.ts`).
 */
export abstract class ServiceError extends Error {
  abstract readonly type: string;
  readonly httpStatus: number = 400;
}

export class InvalidInputException extends ServiceError {
  readonly type = 'InvalidInputException';
}

/** A request body over the engine's size bound: bad input, with the HTTP status that says why. */
export class PayloadTooLargeException extends ServiceError {
  readonly type = 'InvalidInputException';
  override readonly httpStatus = 413;
}

/** A request whose `Host` header does not name the engine (a DNS rebinding attempt, most likely). */
export class AccessDeniedException extends ServiceError {
  readonly type = 'AccessDeniedException';
  override readonly httpStatus = 403;
}

export class InvalidNextTokenException extends ServiceError {
  readonly type = 'InvalidNextTokenException';
}

export class LimitExceededException extends ServiceError {
  readonly type = 'LimitExceededException';
}

export class ResourceAlreadyExistsException extends ServiceError {
  readonly type = 'ResourceAlreadyExistsException';
}

export class ResourceInUseException extends ServiceError {
  readonly type = 'ResourceInUseException';
}

export class ResourceNotFoundException extends ServiceError {
  readonly type = 'ResourceNotFoundException';
}

/** The runtime API (REST JSON) declares this error with HTTP 404, unlike the control plane. */
export class RuntimeResourceNotFoundException extends ServiceError {
  readonly type = 'ResourceNotFoundException';
  override readonly httpStatus = 404;
}

/** An operation name the engine does not implement; the real service would not return this. */
export class UnknownOperationException extends ServiceError {
  readonly type = 'UnknownOperationException';
}

/** Every `__type` the engine can put on the wire; `docs/ENGINE.md` lists the same set (checked by a test). */
export const SERVICE_ERROR_TYPES = [
  'AccessDeniedException',
  'InvalidInputException',
  'InvalidNextTokenException',
  'LimitExceededException',
  'ResourceAlreadyExistsException',
  'ResourceInUseException',
  'ResourceNotFoundException',
  'UnknownOperationException',
] as const;
