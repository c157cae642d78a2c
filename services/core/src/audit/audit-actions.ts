/**
 * Every mutation the audit log records, by the name of the mutation. The GraphQL enum AuditAction
 * lists the same names (a test in services/api keeps the two equal); clients take the list from there.
 */
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

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
