import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import type { Cidr } from './cidr.ts';
import { createHostResolver, type ResolveHost } from './host-resolver.ts';
import { blockedAddressReason, blockedDestinationMessage } from './url-guard.ts';

export const BLOCKED_DESTINATION_CODE = 'ACME_BLOCKED_DESTINATION';

/**
 * A request option the client calls back when the request is written to a connection (after any
 * connect): where an attempt's timeout starts, so that connecting (bounded by its own timeout) is
 * not charged to the receiver.
 */
export const ON_DISPATCHED = Symbol('acme.onDispatched');
export type DispatchedCallback = () => void;

export interface DeliveryClientOptions {
  privateDestinationsAllowed: readonly Cidr[];
  connectTimeoutMs: number;
  /** Default: the system's name servers through c-ares, giving up before the connect timeout. */
  resolveHost?: ResolveHost;
}

/**
 * The HTTP client both delivery paths share: one keep-alive pool per origin, no redirects
 * followed (undici follows none unless told), and a DNS lookup that drops every address the
 * guard refuses, so the address dialled is the address checked (no DNS-rebinding window).
 *
 * The pools have no connection cap: a request never queues behind other tenants' requests to the
 * same origin (a shared SaaS host), it gets a connection at once. What bounds the connections is
 * what bounds the attempts in flight: the per-endpoint cap, the dispatcher's maxInFlight and the
 * retry activities' chunks. Idle connections close after the keep-alive timeout.
 */
export function createDeliveryClient(options: DeliveryClientOptions): Dispatcher {
  // Within the connect timeout (which runs from before the lookup), so a silent name server is
  // reported as the DNS_ERROR it is rather than as a connect TIMEOUT.
  const resolveHost =
    options.resolveHost ?? createHostResolver({ timeoutMs: Math.min(4000, Math.floor(options.connectTimeoutMs * 0.8)) });
  const guardedLookup = (
    hostname: string,
    lookupOptions: { all?: boolean; family?: number },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolveHost(hostname).then(
      (addresses) => {
        const allowed = addresses.filter((a) => blockedAddressReason(a.address, options.privateDestinationsAllowed) === null);
        if (allowed.length === 0) {
          const reason = blockedAddressReason(addresses[0]?.address ?? '', options.privateDestinationsAllowed);
          const error: NodeJS.ErrnoException = new Error(blockedDestinationMessage(reason ?? 'not an IP address'));
          error.code = BLOCKED_DESTINATION_CODE;
          return callback(error, []);
        }
        if (lookupOptions.all) return callback(null, allowed);
        const first = allowed[0] as LookupAddress;
        callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
  return new Agent({
    connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup as never },
    keepAliveTimeout: 30_000,
    connections: null,
  }).compose((dispatch) => (opts, handler) => {
    // An IP-literal host skips the lookup above, so its address is checked here, before dialling
    // (undici's request() turns this throw into its rejection).
    const refusal = literalRefusal(opts.origin, options.privateDestinationsAllowed);
    if (refusal) throw refusal;
    const onDispatched = (opts as { [ON_DISPATCHED]?: DispatchedCallback })[ON_DISPATCHED];
    if (!onDispatched) return dispatch(opts, handler);
    // undici starts a request (onRequestStart) as it writes it to its connection.
    const forwarded: Dispatcher.DispatchHandler = {
      onRequestStart: (controller, context) => {
        onDispatched();
        handler.onRequestStart?.(controller, context);
      },
      onRequestUpgrade: (controller, status, headers, socket) => handler.onRequestUpgrade?.(controller, status, headers, socket),
      onResponseStart: (controller, status, headers, message) => handler.onResponseStart?.(controller, status, headers, message),
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    };
    return dispatch(opts, forwarded);
  });
}

function literalRefusal(origin: string | URL | undefined, allowed: readonly Cidr[]): NodeJS.ErrnoException | null {
  if (origin === undefined) return null;
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  const reason = isIP(host) ? blockedAddressReason(host, allowed) : null;
  if (reason === null) return null;
  const error: NodeJS.ErrnoException = new Error(blockedDestinationMessage(reason));
  error.code = BLOCKED_DESTINATION_CODE;
  return error;
}
