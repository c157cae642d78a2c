import { auditLog } from '@acme/schema/db';
import type { TenantCaller } from '../auth/principal.ts';
import type { DbOrTx } from '../db/client.ts';
import { newId } from '../ids.ts';
import type { AuditAction } from './audit-actions.ts';

/** Argument names whose values never reach the audit log: credentials and event data. */
const LEFT_OUT = new Set(['payload', 'example', 'token', 'secret', 'password']);

/**
 * The arguments of a mutation as the audit log keeps them: secrets, tokens and payloads left out,
 * and custom header values (often a receiver's credentials) replaced by a marker.
 */
export function auditDetails(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || LEFT_OUT.has(key)) continue;
    if (key === 'headers' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.keys(value).map((name) => [name, '[redacted]']));
    } else if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !(value instanceof Date) &&
      key !== 'schema' &&
      key !== 'metadata'
    ) {
      out[key] = auditDetails(value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** One audit entry, written in the mutation's own transaction: no change without its record, no record without its change. */
export async function recordAudit(
  tx: DbOrTx,
  caller: TenantCaller,
  action: AuditAction,
  targetId: string | null,
  args: Record<string, unknown> = {},
): Promise<void> {
  await tx.insert(auditLog).values({
    id: newId('audit'),
    tenantId: caller.tenantId,
    actorKind: caller.actor.kind,
    apiKeyId: caller.actor.apiKeyId,
    action,
    targetId,
    details: auditDetails(args),
  });
}
