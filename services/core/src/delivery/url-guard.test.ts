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
