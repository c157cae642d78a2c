import { ForbiddenError, UnauthenticatedError } from '../errors.ts';

/** What an API key may do. FULL_ACCESS covers the others. */
export const API_KEY_SCOPES = ['FULL_ACCESS', 'READ_ONLY', 'PUBLISH_ONLY'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export type Principal =
  | { kind: 'operator' }
  | { kind: 'tenant'; tenantId: string; apiKeyId: string; scopes: readonly ApiKeyScope[] };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

export function requireOperator(principal: Principal | null): void {
  if (!principal) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
  if (principal.kind !== 'operator') throw new ForbiddenError('This operation needs the operator (admin) API key.');
}

export type Access = 'read' | 'write' | 'publish';

/** The calling tenant, after checking its key may do `access`. */
export function requireTenant(principal: Principal | null, access: Access): TenantPrincipal {
  if (!principal) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
  if (principal.kind !== 'tenant') throw new ForbiddenError('This operation needs a tenant API key.');
  const { scopes } = principal;
  const allowed =
    scopes.includes('FULL_ACCESS') ||
    (access === 'read' && scopes.includes('READ_ONLY')) ||
    (access === 'publish' && scopes.includes('PUBLISH_ONLY'));
  if (!allowed) throw new ForbiddenError(`This API key's scopes (${scopes.join(', ')}) do not allow ${access} access.`);
  return principal;
}
