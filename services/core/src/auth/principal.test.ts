import { describe, expect, it } from 'vitest';
import { type ApiKeyScope, NO_LIMIT_OVERRIDES, type Principal, requireKeyAdmin } from './principal.ts';

const tenantKey = (scopes: ApiKeyScope[], tenantId = 'ten_a'): Principal => ({
  kind: 'tenant',
  tenantId,
  apiKeyId: 'key_a',
  scopes,
  consumerId: scopes.includes('PORTAL') ? 'cust_1' : null,
  limits: NO_LIMIT_OVERRIDES,
});

describe('requireKeyAdmin', () => {
  it('lets the operator administer the keys of the tenant it names, as the operator', () => {
    expect(requireKeyAdmin({ kind: 'operator' }, 'ten_b')).toEqual({
      tenantId: 'ten_b',
      consumerId: null,
      actor: { kind: 'OPERATOR', apiKeyId: null },
      limits: NO_LIMIT_OVERRIDES,
    });
  });

  it('refuses the operator that names no tenant with BAD_USER_INPUT on tenantId', () => {
    expect(() => requireKeyAdmin({ kind: 'operator' }, null)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'tenantId' } }),
    );
  });

  it("lets a full-access key administer its own tenant's keys, named or not", () => {
    expect(requireKeyAdmin(tenantKey(['FULL_ACCESS']), undefined)).toMatchObject({
      tenantId: 'ten_a',
      actor: { kind: 'API_KEY' },
    });
    expect(requireKeyAdmin(tenantKey(['FULL_ACCESS']), 'ten_a')).toMatchObject({ tenantId: 'ten_a' });
  });

  it('refuses a tenant key naming another tenant, and keys without manage access, with FORBIDDEN', () => {
    expect(() => requireKeyAdmin(tenantKey(['FULL_ACCESS']), 'ten_b')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    for (const scope of ['READ_ONLY', 'PUBLISH_ONLY', 'PORTAL'] as const)
      expect(() => requireKeyAdmin(tenantKey([scope]), null)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('refuses no key with UNAUTHENTICATED', () => {
    expect(() => requireKeyAdmin(null, 'ten_a')).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});
