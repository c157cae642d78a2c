// What the audit log shows of an entry: which page its target is on, who acted, and the change in
// words people read. Pure, unit-tested.
import type { AuditAction, AuditLogEntry } from '@acme/webhooks-sdk';

/**
 * Each audited action in words. Typed by the API's AuditAction enum: an action added there fails
 * the portal's typecheck until it is named here, and the action filter lists exactly these.
 */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  createEndpoint: 'Endpoint created',
  updateEndpoint: 'Endpoint changed',
  pauseEndpoint: 'Endpoint paused',
  resumeEndpoint: 'Endpoint resumed',
  deleteEndpoint: 'Endpoint deleted',
  rotateEndpointSecret: 'Endpoint secret rotated',
  sendTestEvent: 'Test event sent',
  retryEndpointNow: 'Endpoint retried now',
  createEventType: 'Event type created',
  updateEventType: 'Event type changed',
  archiveEventType: 'Event type archived',
  unarchiveEventType: 'Event type restored',
  expungeEventPayload: 'Event payload expunged',
  replayDelivery: 'Delivery replayed',
  replayDeadLetters: 'Dead letters replayed',
  retryDeliveryNow: 'Delivery retried now',
  createApiKey: 'API key created',
  revokeApiKey: 'API key revoked',
  createPortalSession: 'Portal link made',
  updateTenantSettings: 'Settings changed',
  createTenant: 'Tenant created',
  updateTenant: 'Tenant limits changed',
  suspendTenant: 'Tenant suspended',
  reactivateTenant: 'Tenant reactivated',
};

/** `retryScheduleOverride` → `Retry schedule override`: the fallback for a name without a label. */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An action in words; one the portal does not know yet (a newer gateway) still reads well. */
export function actionLabel(action: string): string {
  return (AUDIT_ACTION_LABELS as Record<string, string>)[action] ?? humanise(action);
}

/** Input names whose words are not just the name spaced out (units, abbreviations). */
const DETAIL_LABELS: Record<string, string> = {
  url: 'URL',
  consumerId: 'Consumer',
  eventTypes: 'Event types',
  eventType: 'Event type',
  eventId: 'Event',
  endpointId: 'Endpoint',
  rateLimit: 'Rate limit (per second)',
  timeoutMs: 'Timeout (ms)',
  ttlSeconds: 'Link valid for (seconds)',
  graceSeconds: 'Old secret valid for (seconds)',
  replayedCount: 'Deliveries replayed',
  count: 'Deliveries',
  since: 'Since',
  schema: 'JSON Schema',
  maxPayloadBytes: 'Largest payload (bytes)',
  publishRatePerSecond: 'Publish rate (per second)',
  operationalEndpointId: 'Operational endpoint',
};

/** An audit detail's input name in words, e.g. `retryScheduleOverride` → `Retry schedule override`. */
export function detailLabel(name: string): string {
  return DETAIL_LABELS[name] ?? humanise(name);
}

/** A detail's value as one line of text: a list joined, an object of plain values as `name: value` pairs, else JSON. */
export function detailValue(value: unknown): string {
  if (value === null || value === undefined) return 'not set';
  if (value === '') return 'empty';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.length ? value.join(', ') : 'none';
  if (isFlatObject(value)) {
    const pairs = Object.entries(value);
    return pairs.length ? pairs.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : 'none';
  }
  return JSON.stringify(value);
}

/** An object whose values are all strings, numbers or booleans (custom headers, metadata, limits). */
export function isFlatObject(value: unknown): value is Record<string, string | number | boolean> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v))
  );
}

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

/**
 * Who made the change, as people read it: the key's name (and prefix), a portal session's consumer,
 * or the operator. The API resolves the key (revoked ones too); none when it no longer exists.
 */
export function actorLabel(entry: Pick<AuditLogEntry, 'actorKind' | 'apiKeyId' | 'apiKey'>): string {
  if (entry.actorKind === 'OPERATOR') return 'The operator';
  const key = entry.apiKey;
  if (entry.actorKind === 'PORTAL_SESSION') return key?.consumerId ? `Portal session of ${key.consumerId}` : 'A portal session';
  if (!key) return entry.apiKeyId ? `Deleted API key ${entry.apiKeyId}` : 'An API key';
  return `${key.name} (${key.prefix}…)${key.revokedAt ? ', revoked' : ''}`;
}

/** An entry's details in one line, in words: `URL: https://…, Rate limit (per second): 5`. */
export function detailsSummary(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .map(([key, value]) => `${detailLabel(key)}: ${detailValue(value)}`)
    .join(', ');
}
