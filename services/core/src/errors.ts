/**
 * One error type per failure a caller can act on. Core throws these; each transport maps them
 * once (GraphQL `extensions.code`, REST problem+json status). Anything else is an internal error.
 */
export abstract class AcmeError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends AcmeError {
  readonly code = 'UNAUTHENTICATED';
}
export class ForbiddenError extends AcmeError {
  readonly code = 'FORBIDDEN';
}
export class NotFoundError extends AcmeError {
  readonly code = 'NOT_FOUND';
}
export class InvalidInputError extends AcmeError {
  readonly code = 'BAD_USER_INPUT';
}
export class ConflictError extends AcmeError {
  readonly code = 'CONFLICT';
}
export class RateLimitedError extends AcmeError {
  readonly code = 'RATE_LIMITED';
}
export class PayloadTooLargeError extends AcmeError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}
