import type { AuditLogEntry } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { actionLabel, actorLabel, detailLabel, detailsSummary, targetPath } from './audit-target.ts';

const key = (overrides: Partial<NonNullable<AuditLogEntry['apiKey']>>): AuditLogEntry['apiKey'] => ({
  id: 'key_1',
  name: 'billing-service',
  prefix: 'acme_sk_ab12',
  scopes: ['FULL_ACCESS'],
  consumerId: null,
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

  it('names who acted from the key the API resolved: by name, a portal session by consumer, the operator', () => {
    expect(actorLabel({ actorKind: 'API_KEY', apiKeyId: 'key_1', apiKey: key({}) })).toBe('billing-service (acme_sk_ab12…)');
    expect(
      actorLabel({ actorKind: 'API_KEY', apiKeyId: 'key_3', apiKey: key({ name: 'old', revokedAt: '2025-02-01T00:00:00Z' }) }),
    ).toBe('old (acme_sk_ab12…), revoked');
    expect(
      actorLabel({ actorKind: 'PORTAL_SESSION', apiKeyId: 'key_2', apiKey: key({ scopes: ['PORTAL'], consumerId: 'globex' }) }),
    ).toBe('Portal session of globex');
    expect(actorLabel({ actorKind: 'PORTAL_SESSION', apiKeyId: 'key_2', apiKey: null })).toBe('A portal session');
    expect(actorLabel({ actorKind: 'API_KEY', apiKeyId: 'key_9', apiKey: null })).toBe('Deleted API key key_9');
    expect(actorLabel({ actorKind: 'OPERATOR', apiKeyId: null, apiKey: null })).toBe('The operator');
  });

  it('names actions and detail inputs in words, spacing out names it has no label for', () => {
    expect(actionLabel('updateEndpoint')).toBe('Endpoint changed');
    expect(actionLabel('frobnicateWidget')).toBe('Frobnicate widget');
    expect(detailLabel('retryScheduleOverride')).toBe('Retry schedule override');
    expect(detailLabel('timeoutMs')).toBe('Timeout (ms)');
    expect(detailLabel('url')).toBe('URL');
  });

  it('sums up details in one line, in words', () => {
    expect(
      detailsSummary({ url: 'https://x.test/h', rateLimit: 5, eventTypes: ['a', 'b'], headers: { 'X-A': '[redacted]' } }),
    ).toBe('URL: https://x.test/h, Rate limit (per second): 5, Event types: a, b, Headers: X-A: [redacted]');
    expect(detailsSummary({ timeoutMs: null, description: '', metadata: {}, schema: { required: ['id'] } })).toBe(
      'Timeout (ms): not set, Description: empty, Metadata: none, JSON Schema: {"required":["id"]}',
    );
    expect(detailsSummary({})).toBe('');
    expect(detailsSummary(null)).toBe('');
  });
});
