// Every root operation of the GraphQL API with a minimal document, for the tests that must try each
// one (no key, wrong scope, another tenant's ids, a portal session). operations.test.ts checks this
// catalog against the schema, so a new operation cannot be left out.

export interface Ids {
  tenantId: string;
  apiKeyId: string;
  endpointId: string;
  eventId: string;
  deliveryId: string;
  eventTypeName: string;
}

export interface Operation {
  document: string;
  variables(ids: Ids): Record<string, unknown>;
  /** Who may call it. */
  access: 'operator' | 'any' | 'read' | 'tenant-read' | 'write' | 'publish' | 'manage' | 'key-admin';
}

const none = () => ({});

export const OPERATIONS: Record<string, Operation> = {
  // Queries
  viewer: { access: 'any', document: '{ viewer { isOperator } }', variables: none },
  tenants: { access: 'operator', document: '{ tenants { edges { node { id } } } }', variables: none },
  tenant: { access: 'operator', document: 'query($id: ID!) { tenant(id: $id) { id } }', variables: (i) => ({ id: i.tenantId }) },
  apiKeys: { access: 'tenant-read', document: '{ apiKeys { edges { node { id } } } }', variables: none },
  eventTypes: { access: 'read', document: '{ eventTypes { name } }', variables: none },
  eventType: {
    access: 'read',
    document: 'query($name: String!) { eventType(name: $name) { name } }',
    variables: (i) => ({ name: i.eventTypeName }),
  },
  endpoints: { access: 'read', document: '{ endpoints { edges { node { id } } totalCount } }', variables: none },
  endpoint: {
    access: 'read',
    document: 'query($id: ID!) { endpoint(id: $id) { id } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  endpointSecret: {
    access: 'write',
    document: 'query($id: ID!) { endpointSecret(endpointId: $id) }',
    variables: (i) => ({ id: i.endpointId }),
  },
  events: {
    access: 'read',
    document: 'query($id: String) { events(filter: { search: $id }) { edges { node { id } } totalCount } }',
    variables: (i) => ({ id: i.eventId }),
  },
  event: { access: 'read', document: 'query($id: ID!) { event(id: $id) { id } }', variables: (i) => ({ id: i.eventId }) },
  deliveries: {
    access: 'read',
    document: 'query($id: ID!) { deliveries(filter: { ids: [$id] }) { edges { node { id } } totalCount } }',
    variables: (i) => ({ id: i.deliveryId }),
  },
  delivery: {
    access: 'read',
    document: 'query($id: ID!) { delivery(id: $id) { id } }',
    variables: (i) => ({ id: i.deliveryId }),
  },
  deadLetters: {
    access: 'read',
    document: 'query($id: ID) { deadLetters(endpointId: $id) { edges { node { id } } totalCount } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  deliveryStats: {
    access: 'read',
    document: 'query($id: ID) { deliveryStats(filter: { endpointId: $id }) { counts { total } } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  operationalEvents: {
    access: 'read',
    document: 'query($id: ID) { operationalEvents(filter: { endpointId: $id }) { edges { node { id } } } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  auditLog: {
    access: 'manage',
    document: 'query($id: ID) { auditLog(filter: { targetId: $id }) { edges { node { id } } } }',
    variables: (i) => ({ id: i.endpointId }),
  },

  // Mutations
  createTenant: {
    access: 'operator',
    document: 'mutation { createTenant(input: { name: "t" }) { tenant { id } } }',
    variables: none,
  },
  updateTenant: {
    access: 'operator',
    document: 'mutation($id: ID!) { updateTenant(id: $id, input: { name: "renamed" }) { id } }',
    variables: (i) => ({ id: i.tenantId }),
  },
  suspendTenant: {
    access: 'operator',
    document: 'mutation($id: ID!) { suspendTenant(id: $id) { id } }',
    variables: (i) => ({ id: i.tenantId }),
  },
  reactivateTenant: {
    access: 'operator',
    document: 'mutation($id: ID!) { reactivateTenant(id: $id) { id } }',
    variables: (i) => ({ id: i.tenantId }),
  },
  updateTenantSettings: {
    access: 'manage',
    document: 'mutation($id: ID) { updateTenantSettings(input: { operationalEndpointId: $id }) { id } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  createApiKey: {
    access: 'key-admin',
    document: 'mutation($t: ID) { createApiKey(input: { name: "k", scopes: [READ_ONLY], tenantId: $t }) { token } }',
    variables: (i) => ({ t: i.tenantId }),
  },
  revokeApiKey: {
    access: 'key-admin',
    document: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
    variables: (i) => ({ id: i.apiKeyId }),
  },
  createPortalSession: {
    access: 'manage',
    document: 'mutation { createPortalSession(consumerId: "c") { token } }',
    variables: none,
  },
  createEventType: {
    access: 'manage',
    document: 'mutation { createEventType(input: { name: "catalog.made" }) { name } }',
    variables: none,
  },
  updateEventType: {
    access: 'manage',
    document: 'mutation($name: String!) { updateEventType(name: $name, input: { description: "d" }) { name } }',
    variables: (i) => ({ name: i.eventTypeName }),
  },
  archiveEventType: {
    access: 'manage',
    document: 'mutation($name: String!) { archiveEventType(name: $name) { name } }',
    variables: (i) => ({ name: i.eventTypeName }),
  },
  unarchiveEventType: {
    access: 'manage',
    document: 'mutation($name: String!) { unarchiveEventType(name: $name) { name } }',
    variables: (i) => ({ name: i.eventTypeName }),
  },
  createEndpoint: {
    access: 'write',
    document: 'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/catalog" }) { secret } }',
    variables: none,
  },
  updateEndpoint: {
    access: 'write',
    document: 'mutation($id: ID!) { updateEndpoint(id: $id, input: { description: "d" }) { id } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  deleteEndpoint: {
    access: 'write',
    document: 'mutation($id: ID!) { deleteEndpoint(id: $id) }',
    variables: (i) => ({ id: i.endpointId }),
  },
  pauseEndpoint: {
    access: 'write',
    document: 'mutation($id: ID!) { pauseEndpoint(id: $id) { id } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  resumeEndpoint: {
    access: 'write',
    document: 'mutation($id: ID!) { resumeEndpoint(id: $id) { id } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  rotateEndpointSecret: {
    access: 'write',
    document: 'mutation($id: ID!) { rotateEndpointSecret(id: $id) { secret } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  sendTestEvent: {
    access: 'write',
    document: 'mutation($id: ID!) { sendTestEvent(endpointId: $id) { id } }',
    variables: (i) => ({ id: i.endpointId }),
  },
  publishEvent: {
    access: 'publish',
    document: 'mutation { publishEvent(input: { eventType: "invoice.paid", payload: {} }) { event { id } } }',
    variables: none,
  },
  publishEvents: {
    access: 'publish',
    document:
      'mutation { publishEvents(input: { events: [{ eventType: "invoice.paid", payload: {} }] }) { results { event { id } } } }',
    variables: none,
  },
  expungeEventPayload: {
    access: 'manage',
    document: 'mutation($id: ID!) { expungeEventPayload(id: $id) { id } }',
    variables: (i) => ({ id: i.eventId }),
  },
  retryDeliveryNow: {
    access: 'write',
    document: 'mutation($id: ID!) { retryDeliveryNow(id: $id) { id } }',
    variables: (i) => ({ id: i.deliveryId }),
  },
  retryEndpointNow: {
    access: 'write',
    document: 'mutation($id: ID!) { retryEndpointNow(endpointId: $id) }',
    variables: (i) => ({ id: i.endpointId }),
  },
  replayDelivery: {
    access: 'write',
    document: 'mutation($id: ID!) { replayDelivery(id: $id) { id } }',
    variables: (i) => ({ id: i.deliveryId }),
  },
  replayDeadLetters: {
    access: 'write',
    document: 'mutation($id: ID) { replayDeadLetters(endpointId: $id) { replayedCount deliveryIds } }',
    variables: (i) => ({ id: i.endpointId }),
  },
};

/** The scopes each access level admits (see services/core/src/auth/principal.ts). */
export function allows(access: Operation['access'], scope: 'FULL_ACCESS' | 'READ_ONLY' | 'PUBLISH_ONLY' | 'PORTAL'): boolean {
  switch (access) {
    case 'operator':
      return false;
    case 'any':
      return true;
    case 'read':
      return scope !== 'PUBLISH_ONLY';
    case 'tenant-read':
      return scope === 'FULL_ACCESS' || scope === 'READ_ONLY';
    case 'write':
      return scope === 'FULL_ACCESS' || scope === 'PORTAL';
    case 'publish':
      return scope === 'FULL_ACCESS' || scope === 'PUBLISH_ONLY';
    case 'manage':
    case 'key-admin':
      return scope === 'FULL_ACCESS';
  }
}
