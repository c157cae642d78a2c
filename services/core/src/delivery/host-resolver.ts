import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** What both the URL guard and the delivery client ask: every address a host name has. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface HostResolverOptions {
  /** Name servers (`ip` or `ip:port`); default: the system's (/etc/resolv.conf). */
  servers?: readonly string[];
  /** The whole lookup, every try and both record types, gives up after this long. */
  timeoutMs: number;
  /** Answers are kept for their TTL, but never longer than this. */
  maxTtlMs?: number;
  /** Host names cached at most (the oldest entry goes first). */
  maxEntries?: number;
  /** Static names (`localhost`, /etc/hosts); default: read from /etc/hosts once. */
  hosts?: ReadonlyMap<string, readonly ResolvedAddress[]>;
}

export const DNS_ERROR_CODE = 'ACME_DNS_ERROR';

/** A host name that did not resolve; `timedOut` when its name servers did not answer in time. */
export class DnsLookupError extends Error {
  readonly code = DNS_ERROR_CODE;
  constructor(
    readonly hostname: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      timedOut ? `The name servers for "${hostname}" did not answer in time.` : `The host name "${hostname}" does not resolve.`,
      options,
    );
  }
}

/**
 * Resolves host names with c-ares (A and AAAA queries on the event loop), never getaddrinfo: that
 * runs on libuv's four-thread pool, where lookups of one tenant's host whose name server never
 * answers would hold every thread for seconds and stall every other lookup, file read and zlib call
 * of the process. Answers are cached for their TTL (capped), concurrent lookups of one name share
 * one query, and `localhost` and /etc/hosts names are answered from the file, as getaddrinfo would.
 */
export function createHostResolver(options: HostResolverOptions): ResolveHost {
  // c-ares doubles the per-try timeout on each retry: two tries take about 3 x timeout.
  const resolver = new Resolver({ timeout: Math.max(1, Math.floor(options.timeoutMs / 3)), tries: 2 });
  if (options.servers) resolver.setServers([...options.servers]);
  const hosts = options.hosts ?? systemHosts();
  const maxTtlMs = options.maxTtlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { addresses: ResolvedAddress[]; expiresAt: number }>();
  const pending = new Map<string, Promise<ResolvedAddress[]>>();

  const query = async (hostname: string): Promise<ResolvedAddress[]> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DnsLookupError(hostname, true)), options.timeoutMs);
    });
    try {
      const [v4, v6] = await Promise.race([
        Promise.allSettled([resolver.resolve4(hostname, { ttl: true }), resolver.resolve6(hostname, { ttl: true })]),
        deadline,
      ]);
      const answers = [
        ...(v6.status === 'fulfilled' ? v6.value.map((r) => ({ ...r, family: 6 as const })) : []),
        ...(v4.status === 'fulfilled' ? v4.value.map((r) => ({ ...r, family: 4 as const })) : []),
      ];
      if (answers.length === 0) {
        const reasons = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: string }] : []));
        throw new DnsLookupError(
          hostname,
          reasons.some((r) => r.code === 'ETIMEOUT'),
          { cause: reasons[0] },
        );
      }
      const ttlMs = Math.min(maxTtlMs, ...answers.map((a) => a.ttl * 1000));
      const addresses = answers.map(({ address, family }) => ({ address, family }));
      if (ttlMs > 0) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(hostname, { addresses, expiresAt: Date.now() + ttlMs });
      }
      return addresses;
    } finally {
      clearTimeout(timer);
    }
  };

  return async (rawHostname) => {
    const hostname = rawHostname.toLowerCase().replace(/\.$/, '');
    const family = isIP(hostname);
    if (family === 4 || family === 6) return [{ address: hostname, family }];
    const fixed = hosts.get(hostname) ?? (hostname.endsWith('.localhost') ? hosts.get('localhost') : undefined);
    if (fixed) return [...fixed];
    const cached = cache.get(hostname);
    if (cached && cached.expiresAt > Date.now()) return cached.addresses;
    let inFlight = pending.get(hostname);
    if (!inFlight) {
      inFlight = query(hostname).finally(() => pending.delete(hostname));
      pending.set(hostname, inFlight);
    }
    return inFlight;
  };
}

/** `localhost` (RFC 6761) and every name in /etc/hosts, read once: what getaddrinfo answers without DNS. */
export function systemHosts(path = '/etc/hosts'): Map<string, ResolvedAddress[]> {
  const hosts = new Map<string, ResolvedAddress[]>([
    [
      'localhost',
      [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
    ],
  ]);
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return hosts;
  }
  const fromFile = new Map<string, ResolvedAddress[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = isIP(address ?? '');
    if (family !== 4 && family !== 6) continue;
    for (const name of names) {
      const key = name.toLowerCase();
      fromFile.set(key, [...(fromFile.get(key) ?? []), { address: address as string, family }]);
    }
  }
  for (const [name, addresses] of fromFile) hosts.set(name, addresses);
  return hosts;
}

let shared: ResolveHost | undefined;

/** The process's resolver (system name servers), for callers that are not given one. */
export function defaultHostResolver(): ResolveHost {
  shared ??= createHostResolver({ timeoutMs: 4000 });
  return shared;
}
