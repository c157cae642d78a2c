import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { InvalidInputError } from '../errors.ts';
import type { Cidr } from './cidr.ts';

const MAX_URL_LENGTH = 2048;

/**
 * Why a destination address may not be dialled, as the kind of range (`private`, `loopback`...), or
 * null when it may. Never the address itself: messages built on it must not turn the guard into an
 * oracle for what a tenant's host names resolve to inside our network.
 */
export function blockedAddressReason(address: string, allowed: readonly Cidr[]): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  // ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address it carries.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  for (const [range, bits] of allowed) {
    if (range.kind() === ip.kind() && ip.match(range, bits)) return null;
  }
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

/**
 * Checks a destination URL when an endpoint is created or changed: http(s) only, no credentials,
 * and every address its host resolves to must be public (or inside PRIVATE_DESTINATIONS_ALLOWED).
 * The same address check runs again at connect time on the address actually dialled.
 */
export async function assertDestinationAllowed(rawUrl: string, allowed: readonly Cidr[]): Promise<URL> {
  if (rawUrl.length > MAX_URL_LENGTH) throw new InvalidInputError(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InvalidInputError(`"${rawUrl}" is not a valid URL.`, { field: 'url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError('Endpoint URLs must use http or https.', { field: 'url' });
  }
  if (url.username || url.password) {
    throw new InvalidInputError('Endpoint URLs may not contain credentials; use custom headers instead.', { field: 'url' });
  }
  // WHATWG URL parsing already turned odd encodings (0x0a000001, 012.0.0.1) into dotted IPv4.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [host] : await resolveAll(host);
  for (const address of addresses) {
    const reason = blockedAddressReason(address, allowed);
    if (reason) throw new InvalidInputError(blockedDestinationMessage(reason), { field: 'url' });
  }
  return url;
}

/** The one sentence for a refused destination, at create time and in attempt errors. */
export function blockedDestinationMessage(reason: string): string {
  return `The URL's host resolves to a private or reserved address (${reason}); webhooks may not be sent there.`;
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new InvalidInputError(`The host "${host}" does not resolve.`, { field: 'url' });
  }
}
