import {
  AcmeError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitError,
} from '@acme/webhooks-sdk';

export interface DescribedError {
  title: string;
  message: string;
  /** The API's code (`BAD_USER_INPUT`, ...), shown so that support can match it to the docs. */
  code: string | null;
  requestId: string | null;
  /** The input the API blamed, for BAD_USER_INPUT. */
  field: string | null;
}

/** Any thrown value as a title, the API's message and its code. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof AcmeError) {
    const base = { message: error.message, code: error.code, requestId: error.requestId ?? null, field: null };
    if (error instanceof ConnectionError) return { ...base, title: 'Cannot reach the gateway' };
    if (error instanceof PermissionError) return { ...base, title: 'Not allowed with this key' };
    if (error instanceof NotFoundError) return { ...base, title: 'Not found' };
    if (error instanceof RateLimitError) return { ...base, title: 'Too many requests' };
    if (error instanceof InvalidRequestError) return { ...base, title: 'The gateway refused this', field: error.field ?? null };
    return { ...base, title: 'The gateway failed' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { title: 'Something went wrong', message, code: null, requestId: null, field: null };
}
