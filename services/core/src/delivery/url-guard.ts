import ipaddr from 'ipaddr.js';
import { InvalidInputError } from '../errors.ts';
import type { Cidr } from './cidr.ts';
import { DnsLookupError, defaultHostResolver, type ResolveHost } from './host-resolver.ts';

const MAX_URL_LENGTH = 2048;

/**
 * Why a destination address may not be dialled, as the kind of range (`private`, `loopback`...), or
 * null when it may. Never the address itself: messages built on it must not turn the guard into an
 * oracle for what a tenant's host names resolve to inside our network.
 */
export function blockedAddressReason(address: string, allowed: readonly Cidr[]): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  return verdict(ipaddr.parse(canonicalIPv6(address)), allowed);
}

/** ipaddr.js reads every `::a.b.c.d` as IPv4-mapped; the WHATWG serialisation (`::808:808`) keeps what it is. */
function canonicalIPv6(address: string): string {
  if (!address.includes(':') || !address.includes('.')) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

function verdict(ip: ipaddr.IPv4 | ipaddr.IPv6, allowed: readonly Cidr[]): string | null {
  for (const [range, bits] of allowed) {
    if (range.kind() === ip.kind() && ip.match(range, bits)) return null;
  }
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = v6.parts;
    const v4 = (high: number, low: number) => ipaddr.IPv4.parse(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    // Forms that carry an IPv4 address reach (or are routed by) it: judge that address.
    // ::ffff:a.b.c.d, IPv4-mapped.
    if (v6.isIPv4MappedAddress()) return verdict(v6.toIPv4Address(), allowed);
    // ::a.b.c.d, IPv4-compatible (deprecated, RFC 4291 §2.5.5.1; some stacks still route it to IPv4):
    // refused whatever it carries. :: and ::1 are judged below as themselves.
    if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0 && (p6 !== 0 || p7 > 1)) {
      return 'ipv4Compatible';
    }
    // 64:ff9b::a.b.c.d, NAT64 well-known prefix (RFC 6052): the translator dials a.b.c.d.
    if (p0 === 0x64 && p1 === 0xff9b && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) return verdict(v4(p6, p7), allowed);
    // 2002:AABB:CCDD::/48, 6to4 (RFC 3056): a relay forwards to the IPv4 address AABB:CCDD.
    if (p0 === 0x2002) return verdict(v4(p1, p2), allowed);
    // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC, Teredo (RFC 4380): server, and client with its bits inverted.
    if (p0 === 0x2001 && p1 === 0) return verdict(v4(p2, p3), allowed) ?? verdict(v4(p6 ^ 0xffff, p7 ^ 0xffff), allowed);
  }
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

/**
 * Checks a destination URL when an endpoint is created or changed: http(s) only, no credentials,
 * and every address its host resolves to must be public (or inside PRIVATE_DESTINATIONS_ALLOWED).
 * The same address check runs again at connect time on the address actually dialled.
 */
export async function assertDestinationAllowed(
  rawUrl: string,
  allowed: readonly Cidr[],
  resolveHost: ResolveHost = defaultHostResolver(),
): Promise<URL> {
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
  const addresses = ipaddr.isValid(host) ? [host] : await resolveAll(host, resolveHost);
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

async function resolveAll(host: string, resolveHost: ResolveHost): Promise<string[]> {
  try {
    return (await resolveHost(host)).map((a) => a.address);
  } catch (err) {
    const message =
      err instanceof DnsLookupError && err.timedOut
        ? `The name servers for "${host}" did not answer; try again, or check its DNS.`
        : `The host "${host}" does not resolve.`;
    throw new InvalidInputError(message, { field: 'url' });
  }
}
