import type { ApiKey } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { actorLabel, detailsSummary, targetPath } from './audit-target.ts';

const key = (overrides: Partial<ApiKey>): ApiKey => ({
  id: 'key_1',
  name: 'billing-service',
  prefix: 'acme_sk_ab12',
  scopes: ['FULL_ACCESS'],
  consumerId: null,
  createdAt: '2025-01-01T00:00:00Z',
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  ...overrides,
});

describe('audit log entries', () => {
  it('links a target to its page by the prefix of its id', () => {
    expect(targetPath('ep_01JD3Z6Y8K6Q2W0X5V9N4T7R1S')).toBe('/endpoints/ep_01JD3Z6Y8K6Q2W0X5V9N4T7R1S');
    expect(targetPath('evt_01JD')).toBe('/events/evt_01JD');
    expect(targetPath('dlv_01JD')).toBe('/deliveries/dlv_01JD');
    expect(targetPath('evtype_01JD')).toBe('/event-types');
    expect(targetPath('key_01JD')).toBe('/api-keys');
    expect(targetPath('tnt_01JD')).toBe('/settings');
    expect(targetPath('whatever')).toBeNull();
    expect(targetPath(null)).toBeNull();
  });

  it('names who acted: the key by name, a portal session by consumer, the operator', () => {
    const keys = new Map([
      ['key_1', key({})],
      ['key_2', key({ id: 'key_2', scopes: ['PORTAL'], consumerId: 'globex' })],
      ['key_3', key({ id: 'key_3', name: 'old', revokedAt: '2025-02-01T00:00:00Z' })],
    ]);
    expect(actorLabel({ actorKind: 'API_KEY', apiKeyId: 'key_1' }, keys)).toBe('billing-service (acme_sk_ab12…)');
    expect(actorLabel({ actorKind: 'API_KEY', apiKeyId: 'key_3' }, keys)).toBe('old (acme_sk_ab12…), revoked');
    expect(actorLabel({ actorKind: 'PORTAL_SESSION', apiKeyId: 'key_2' }, keys)).toBe('Portal session of globex');
    expect(actorLabel({ actorKind: 'API_KEY', apiKeyId: 'key_9' }, keys)).toBe('API key key_9');
    expect(actorLabel({ actorKind: 'OPERATOR', apiKeyId: null }, keys)).toBe('The operator');
  });

  it('sums up details in one line', () => {
    expect(detailsSummary({ url: 'https://x.test/h', rateLimit: 5, headers: { 'X-A': '[redacted]' } })).toBe(
      'url: https://x.test/h, rateLimit: 5, headers: {"X-A":"[redacted]"}',
    );
    expect(detailsSummary({})).toBe('');
    expect(detailsSummary(null)).toBe('');
  });
});
