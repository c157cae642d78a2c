// What the audit log shows of an entry: which page its target is on, and who acted. Pure, unit-tested.
import type { ApiKey, AuditLogEntry } from '@acme/webhooks-sdk';

/** The mutations the gateway audits, for the action filter. */
export const AUDIT_ACTIONS = [
  'createEndpoint',
  'updateEndpoint',
  'pauseEndpoint',
  'resumeEndpoint',
  'deleteEndpoint',
  'rotateEndpointSecret',
  'sendTestEvent',
  'retryEndpointNow',
  'createEventType',
  'updateEventType',
  'archiveEventType',
  'unarchiveEventType',
  'expungeEventPayload',
  'replayDelivery',
  'replayDeadLetters',
  'retryDeliveryNow',
  'createApiKey',
  'revokeApiKey',
  'createPortalSession',
  'updateTenantSettings',
  'createTenant',
  'updateTenant',
  'suspendTenant',
  'reactivateTenant',
] as const;

/** The portal page of what an audited id names (ids are prefixed by kind: `ep_`, `evt_`...), or null. */
export function targetPath(targetId: string | null): string | null {
  if (!targetId) return null;
  const prefix = targetId.slice(0, targetId.indexOf('_'));
  switch (prefix) {
    case 'ep':
      return `/endpoints/${encodeURIComponent(targetId)}`;
    case 'evt':
      return `/events/${encodeURIComponent(targetId)}`;
    case 'dlv':
      return `/deliveries/${encodeURIComponent(targetId)}`;
    case 'evtype':
      return '/event-types';
    case 'key':
      return '/api-keys';
    case 'tnt':
      return '/settings';
    default:
      return null;
  }
}

/** Who made the change, as people read it: the key's name (and prefix), a portal session's consumer, or the operator. */
export function actorLabel(entry: Pick<AuditLogEntry, 'actorKind' | 'apiKeyId'>, keys: ReadonlyMap<string, ApiKey>): string {
  if (entry.actorKind === 'OPERATOR') return 'The operator';
  const key = entry.apiKeyId ? keys.get(entry.apiKeyId) : undefined;
  if (entry.actorKind === 'PORTAL_SESSION') return key?.consumerId ? `Portal session of ${key.consumerId}` : 'A portal session';
  if (!key) return entry.apiKeyId ? `API key ${entry.apiKeyId}` : 'An API key';
  return `${key.name} (${key.prefix}…)${key.revokedAt ? ', revoked' : ''}`;
}

/** An entry's details in one line: `url: https://…, rateLimit: 5`. */
export function detailsSummary(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
