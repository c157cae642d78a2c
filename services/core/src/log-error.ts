/**
 * The `err` serializer of every logger. Database errors carry what a query was given: Drizzle puts
 * `params: ...` into its message and keeps `params`/`query` on the error; postgres.js keeps
 * `parameters`, `args` and `types`, and Postgres's `detail` may quote a whole failing row. Those hold
 * payloads, custom header values and encrypted secrets, so they never reach a log: the message is
 * cut at "\nparams:", those fields are dropped, and any other field is kept only when it is a plain
 * value (a code, a constraint name), never an object that might hold request data.
 */

const DROPPED = new Set(['params', 'parameters', 'query', 'args', 'types', 'detail', 'raw']);
const MAX_DEPTH = 5;

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  cause?: SerializedError | string | number | boolean | null;
  aggregateErrors?: SerializedError[];
  [field: string]: unknown;
}

function isErrorLike(value: unknown): value is Error & Record<string, unknown> {
  return value instanceof Error || (typeof value === 'object' && value !== null && 'message' in value && 'stack' in value);
}

/** Drizzle's "Failed query: <sql>\nparams: <values>" keeps its SQL (placeholders only), never the values. */
export function withoutParams(message: string): string {
  const cut = message.indexOf('\nparams:');
  return cut === -1 ? message : message.slice(0, cut);
}

export function serializeError(err: unknown, depth = 0): unknown {
  if (!isErrorLike(err)) return err;
  const message = withoutParams(String(err.message ?? ''));
  const out: SerializedError = {
    type: typeof err.constructor === 'function' ? err.constructor.name : String(err.name ?? 'Error'),
    message,
  };
  // The stack starts with the message: the same cut there.
  if (typeof err.stack === 'string') out.stack = err.stack.replace(String(err.message ?? ''), message);
  for (const key of Object.keys(err)) {
    if (DROPPED.has(key) || key === 'cause' || key === 'errors' || key in out) continue;
    const value = err[key];
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
    else if (isErrorLike(value) && depth < MAX_DEPTH) out[key] = serializeError(value, depth + 1);
  }
  // postgres.js keeps the server's code and constraint as own fields; Error's `code` may be a getter.
  if (out.code === undefined && typeof (err as { code?: unknown }).code === 'string') out.code = err.code;
  if (err.cause !== undefined && depth < MAX_DEPTH) {
    const cause = serializeError(err.cause, depth + 1);
    out.cause = isErrorLike(err.cause) ? (cause as SerializedError) : typeof cause === 'object' ? '[object]' : (cause as never);
  }
  if (Array.isArray(err.errors) && depth < MAX_DEPTH) {
    out.aggregateErrors = err.errors.filter(isErrorLike).map((e) => serializeError(e, depth + 1) as SerializedError);
  }
  return out;
}
