/** The longest an endpoint may take to answer one attempt (its `timeoutMs` at most). */
export const MAX_ATTEMPT_TIMEOUT_MS = 60_000;

/** Connecting (lookup and handshake) may take this long before an attempt's own timeout starts. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Time a dispatcher keeps, past the attempt's timeout, to write its result while its claim still holds. */
export const LEASE_WRITE_MARGIN_MS = 10_000;

/** A claim must outlast any attempt made under it and its write: DISPATCHER_LEASE_MS is at least this. */
export const MIN_DISPATCHER_LEASE_MS = CONNECT_TIMEOUT_MS + MAX_ATTEMPT_TIMEOUT_MS + LEASE_WRITE_MARGIN_MS;
