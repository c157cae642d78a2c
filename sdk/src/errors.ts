// Every failure the client reports is an AcmeError carrying the API's code (GraphQL
// `extensions.code`, or a problem+json `code`), so callers branch on one class hierarchy
// whichever transport answered.

export interface AcmeErrorOptions {
  /** The API's code (`NOT_FOUND`, `BAD_USER_INPUT`, ...), or `CONNECTION_ERROR` / `TIMEOUT` for the network. */
  code: string;
  /** The HTTP status, or for a GraphQL error (HTTP 200) the status its code stands for. */
  status?: number | undefined;
  /** The gateway's request id (`x-request-id`), when it sent one. */
  requestId?: string | undefined;
  /** Everything else the API said about the error (`extensions` or the problem's extra members). */
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class AcmeError extends Error {
  override name = 'AcmeError';
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(message: string, options: AcmeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.requestId = options.requestId;
    this.details = options.details ?? {};
  }
}

/** The API key is missing, unknown, revoked or expired (UNAUTHENTICATED, 401). */
export class AuthenticationError extends AcmeError {
  override name = 'AuthenticationError';
}

/** The key's scopes do not allow this, or it is the wrong kind of key (FORBIDDEN, 403). */
export class PermissionError extends AcmeError {
  override name = 'PermissionError';
}

/** No such resource in this tenant (NOT_FOUND, 404). */
export class NotFoundError extends AcmeError {
  override name = 'NotFoundError';
}

/** The input was refused (BAD_USER_INPUT, or a malformed request); `field` names the input at fault. */
export class InvalidRequestError extends AcmeError {
  override name = 'InvalidRequestError';
  readonly field: string | undefined;
  constructor(message: string, options: AcmeErrorOptions) {
    super(message, options);
    this.field = typeof options.details?.field === 'string' ? options.details.field : undefined;
  }
}

/** The request conflicts with the current state, e.g. an idempotency key reused for another event (CONFLICT, 409). */
export class ConflictError extends AcmeError {
  override name = 'ConflictError';
}

/** The tenant's rate limit is reached (RATE_LIMITED, 429); wait `retryAfterSeconds` before trying again. */
export class RateLimitError extends AcmeError {
  override name = 'RateLimitError';
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: AcmeErrorOptions & { retryAfterSeconds?: number | undefined }) {
    super(message, options);
    const fromDetails = options.details?.retryAfterSeconds;
    this.retryAfterSeconds = options.retryAfterSeconds ?? (typeof fromDetails === 'number' ? fromDetails : undefined);
  }
}

/** The payload or the request is over the limit (PAYLOAD_TOO_LARGE, 413). */
export class PayloadTooLargeError extends AcmeError {
  override name = 'PayloadTooLargeError';
}

/** The gateway failed (INTERNAL_SERVER_ERROR or a 5xx), or answered something the SDK cannot read. */
export class ApiError extends AcmeError {
  override name = 'ApiError';
}

/** The gateway could not be reached, or the connection broke before an answer (CONNECTION_ERROR). */
export class ConnectionError extends AcmeError {
  override name = 'ConnectionError';
}

/** No answer within `timeoutMs` (TIMEOUT). */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}

type ErrorClass = new (message: string, options: AcmeErrorOptions) => AcmeError;

const BY_CODE: Record<string, { type: ErrorClass; status: number }> = {
  UNAUTHENTICATED: { type: AuthenticationError, status: 401 },
  FORBIDDEN: { type: PermissionError, status: 403 },
  NOT_FOUND: { type: NotFoundError, status: 404 },
  BAD_USER_INPUT: { type: InvalidRequestError, status: 400 },
  // Apollo's own refusals of a malformed operation.
  BAD_REQUEST: { type: InvalidRequestError, status: 400 },
  GRAPHQL_PARSE_FAILED: { type: InvalidRequestError, status: 400 },
  GRAPHQL_VALIDATION_FAILED: { type: InvalidRequestError, status: 400 },
  CONFLICT: { type: ConflictError, status: 409 },
  PAYLOAD_TOO_LARGE: { type: PayloadTooLargeError, status: 413 },
  RATE_LIMITED: { type: RateLimitError, status: 429 },
  INTERNAL_SERVER_ERROR: { type: ApiError, status: 500 },
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

/**
 * The error for an API code; an unknown code falls back on the HTTP status, so a newer gateway's
 * codes still land in the right class.
 */
export function errorFromCode(
  code: string | undefined,
  message: string,
  meta: {
    status?: number | undefined;
    requestId?: string | undefined;
    details?: Record<string, unknown>;
    retryAfterSeconds?: number | undefined;
  },
): AcmeError {
  const httpStatus = meta.status && meta.status !== 200 ? meta.status : undefined;
  const resolvedCode = code ?? (httpStatus ? (CODE_BY_STATUS[httpStatus] ?? 'INTERNAL_SERVER_ERROR') : 'INTERNAL_SERVER_ERROR');
  const known = BY_CODE[resolvedCode] ?? (httpStatus ? BY_CODE[CODE_BY_STATUS[httpStatus] ?? ''] : undefined);
  const status = httpStatus ?? known?.status ?? 500;
  const options = { code: resolvedCode, status, requestId: meta.requestId, details: meta.details };
  const type = known?.type ?? (status >= 400 && status < 500 ? InvalidRequestError : ApiError);
  if (type === RateLimitError) return new RateLimitError(message, { ...options, retryAfterSeconds: meta.retryAfterSeconds });
  return new type(message, options);
}
