import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { parseCidrList } from './cidr.ts';
import { assertDestinationAllowed, blockedAddressReason } from './url-guard.ts';

const none = parseCidrList('');
const loopbackAllowed = parseCidrList('127.0.0.0/8,::1/128');

describe('blockedAddressReason', () => {
  it.each([
    '10.0.0.1',
    '192.168.1.1',
    '172.16.0.1',
    '169.254.169.254',
    '127.0.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    '224.0.0.1',
    '::ffff:10.0.0.1',
    '255.255.255.255',
    '100.64.0.1',
  ])('blocks %s', (address) => {
    expect(blockedAddressReason(address, none)).not.toBeNull();
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])('allows public %s', (address) => {
    expect(blockedAddressReason(address, none)).toBeNull();
  });

  // IPv6 forms that carry an IPv4 address are judged by that address (ipaddr.js calls some of them unicast).
  it.each([
    ['::a00:1', 'IPv4-compatible 10.0.0.1'],
    ['::7f00:1', 'IPv4-compatible 127.0.0.1'],
    ['::127.0.0.1', 'IPv4-compatible, dotted'],
    ['::8.8.8.8', 'IPv4-compatible, even of a public address (deprecated form)'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b::169.254.169.254', 'NAT64 of the metadata address'],
    ['64:ff9b:1::808:808', 'NAT64 local-use prefix (RFC 8215)'],
    ['2002:a00:1::1', '6to4 of 10.0.0.1'],
    ['2002:c0a8:101::', '6to4 of 192.168.1.1'],
    ['2002:7f00:1::1', '6to4 of 127.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'Teredo, client 10.0.0.1'],
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'Teredo, server 10.0.0.1'],
    ['::ffff:0:a00:1', 'IPv4-translated (RFC 6145)'],
  ])('blocks %s (%s)', (address) => {
    expect(blockedAddressReason(address, none)).not.toBeNull();
  });

  it.each([
    ['64:ff9b::808:808', 'NAT64 of 8.8.8.8'],
    ['2002:808:808::1', '6to4 of 8.8.8.8'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo, server 65.54.227.120, client 8.8.8.8'],
  ])('allows %s (%s)', (address) => {
    expect(blockedAddressReason(address, none)).toBeNull();
  });

  it('lets PRIVATE_DESTINATIONS_ALLOWED exempt a range', () => {
    expect(blockedAddressReason('127.0.0.1', loopbackAllowed)).toBeNull();
    expect(blockedAddressReason('::1', loopbackAllowed)).toBeNull();
    expect(blockedAddressReason('10.0.0.1', loopbackAllowed)).not.toBeNull();
  });
});

describe('assertDestinationAllowed', () => {
  it.each([
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/',
    'http://0x0a000001/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::a00:1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[2002:a00:1::1]/',
    'http://0.0.0.0/',
    'http://192.168.1.1/',
    'http://localhost/',
    'ftp://example.com/',
    'file:///etc/passwd',
    'https://user:pass@example.com/',
    `https://example.com/${'a'.repeat(3000)}`,
    'not a url',
  ])('refuses %s', async (url) => {
    await expect(assertDestinationAllowed(url, none)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('never names the address a refused host name resolves to', async () => {
    const refusal = await assertDestinationAllowed('http://localhost:8080/hook', none).catch((err: Error) => err);
    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect((refusal as Error).message).toMatch(/private or reserved address \(loopback\)/);
    expect((refusal as Error).message).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('allows loopback when it is exempted, as in development', async () => {
    await expect(assertDestinationAllowed('http://127.0.0.1:9999/hook', loopbackAllowed)).resolves.toBeInstanceOf(URL);
  });
});
