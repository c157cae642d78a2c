import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses `127.0.0.0/8,::1/128`; an empty string allows nothing. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((range) => {
      try {
        return ipaddr.parseCIDR(range);
      } catch {
        throw new Error(`"${range}" in PRIVATE_DESTINATIONS_ALLOWED is not a CIDR range like 10.0.0.0/8.`);
      }
    });
}
