import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import type { Cidr } from './cidr.ts';
import { blockedAddressReason, blockedDestinationMessage } from './url-guard.ts';

export const BLOCKED_DESTINATION_CODE = 'ACME_BLOCKED_DESTINATION';

export interface DeliveryClientOptions {
  privateDestinationsAllowed: readonly Cidr[];
  connectTimeoutMs: number;
}

/**
 * The HTTP client both delivery paths share: one keep-alive pool per origin, no redirects
 * followed (undici follows none unless told), and a DNS lookup that drops every address the
 * guard refuses, so the address dialled is the address checked (no DNS-rebinding window).
 */
export function createDeliveryClient(options: DeliveryClientOptions): Agent {
  const guardedLookup = (
    hostname: string,
    lookupOptions: { all?: boolean; family?: number },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
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
    });
  };
  return new Agent({
    connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup as never },
    keepAliveTimeout: 30_000,
    connections: 64,
  });
}

/** IP-literal hosts skip DNS lookup entirely, so they are checked here before dialling. */
export function blockedLiteralReason(url: URL, allowed: readonly Cidr[]): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? blockedAddressReason(host, allowed) : null;
}
