import { ForbiddenError, InvalidInputError, UnauthenticatedError } from '../errors.ts';

/** Scopes a tenant may give its keys; FULL_ACCESS covers the others. PORTAL keys come from createPortalSession. */
export const API_KEY_SCOPES = ['FULL_ACCESS', 'READ_ONLY', 'PUBLISH_ONLY'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number] | 'PORTAL';

/** The operator's per-tenant overrides; null = the gateway default (config.limits.tenantDefaults). */
export interface TenantLimitOverrides {
  publishRatePerSecond: number | null;
  publishBurst: number | null;
  maxPayloadBytes: number | null;
}

export const NO_LIMIT_OVERRIDES: TenantLimitOverrides = { publishRatePerSecond: null, publishBurst: null, maxPayloadBytes: null };

export type Principal =
  | { kind: 'operator' }
  | {
      kind: 'tenant';
      tenantId: string;
      apiKeyId: string;
      scopes: readonly ApiKeyScope[];
      /** Portal sessions: the one consumer this key sees. */
      consumerId: string | null;
      limits: TenantLimitOverrides;
    };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

export type ActorKind = 'OPERATOR' | 'API_KEY' | 'PORTAL_SESSION';

/** Who acts within one tenant: what every tenant-scoped core operation takes, and what the audit log records. */
export interface TenantCaller {
  tenantId: string;
  /** Set for a portal session: everything it reads or changes belongs to this consumer. */
  consumerId: string | null;
  actor: { kind: ActorKind; apiKeyId: string | null };
  limits: TenantLimitOverrides;
}

/**
 * What an operation needs. A portal session (PORTAL) reads and writes only within its consumer;
 * `tenant-read` and `manage` are tenant-wide, so a portal session never has them.
 */
export type Access = 'read' | 'write' | 'publish' | 'tenant-read' | 'manage';

const ALLOWED: Record<Access, readonly ApiKeyScope[]> = {
  read: ['FULL_ACCESS', 'READ_ONLY', 'PORTAL'],
  write: ['FULL_ACCESS', 'PORTAL'],
  publish: ['FULL_ACCESS', 'PUBLISH_ONLY'],
  'tenant-read': ['FULL_ACCESS', 'READ_ONLY'],
  manage: ['FULL_ACCESS'],
};

function requirePrincipal(principal: Principal | null): Principal {
  if (!principal) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
  return principal;
}

export function requireOperator(principal: Principal | null): void {
  if (requirePrincipal(principal).kind !== 'operator')
    throw new ForbiddenError('This operation needs the operator (admin) API key.');
}

/** Whether a tenant key may do `access`, for what a read shows (not whether it may run at all). */
export function mayAccess(principal: Principal | null, access: Access): boolean {
  return principal?.kind === 'tenant' && principal.scopes.some((s) => ALLOWED[access].includes(s));
}

/** The calling tenant, after checking its key may do `access`. */
export function requireTenant(principal: Principal | null, access: Access): TenantCaller {
  const p = requirePrincipal(principal);
  if (p.kind !== 'tenant') throw new ForbiddenError('This operation needs a tenant API key.');
  if (!p.scopes.some((s) => ALLOWED[access].includes(s))) {
    throw new ForbiddenError(
      p.scopes.includes('PORTAL')
        ? 'A portal session cannot do this.'
        : `This API key's scopes (${p.scopes.join(', ')}) do not allow ${access} access.`,
    );
  }
  return callerOf(p);
}

export function callerOf(p: TenantPrincipal): TenantCaller {
  const portal = p.scopes.includes('PORTAL');
  return {
    tenantId: p.tenantId,
    consumerId: portal ? p.consumerId : null,
    actor: { kind: portal ? 'PORTAL_SESSION' : 'API_KEY', apiKeyId: p.apiKeyId },
    limits: p.limits,
  };
}

/** The operator acting on one tenant (its changes go into that tenant's audit log). */
export function operatorCaller(tenantId: string): TenantCaller {
  return { tenantId, consumerId: null, actor: { kind: 'OPERATOR', apiKeyId: null }, limits: NO_LIMIT_OVERRIDES };
}

/**
 * Who administers API keys for `tenantId`: the operator for any tenant it names (it must name one),
 * a tenant's full-access key for its own tenant only (naming it is optional).
 */
export function requireKeyAdmin(principal: Principal | null, tenantId: string | null | undefined): TenantCaller {
  const p = requirePrincipal(principal);
  if (p.kind === 'operator') {
    if (!tenantId) throw new InvalidInputError('The operator must say which tenant the key is for.', { field: 'tenantId' });
    return operatorCaller(tenantId);
  }
  const caller = requireTenant(p, 'manage');
  if (tenantId && tenantId !== caller.tenantId)
    throw new ForbiddenError('A tenant key administers keys of its own tenant only.', { field: 'tenantId' });
  return caller;
}
