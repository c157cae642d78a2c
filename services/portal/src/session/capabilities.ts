import type { Viewer } from '@acme/webhooks-sdk';

/** What the signed-in key may do, so the UI offers only that (the API enforces it either way). */
export interface Capabilities {
  /** Endpoints: create, change, pause, delete, secrets, test events; deliveries: replay, retry. */
  write: boolean;
  /** Event types, payload expunging and other tenant-wide settings. */
  manage: boolean;
  /** Set for a portal session: everything shown belongs to this consumer. */
  consumerId: string | null;
}

export function capabilitiesOf(viewer: Viewer): Capabilities {
  const scopes = new Set(viewer.scopes);
  return {
    write: scopes.has('FULL_ACCESS') || scopes.has('PORTAL'),
    manage: scopes.has('FULL_ACCESS'),
    consumerId: viewer.consumerId ?? null,
  };
}

/** Why this key cannot use the portal, or null when it can. */
export function refusal(viewer: Viewer): string | null {
  if (viewer.isOperator) return 'This is the operator key. Sign in with one of a tenant’s API keys.';
  if (viewer.scopes.length === 1 && viewer.scopes[0] === 'PUBLISH_ONLY')
    return 'This key may only publish events. Sign in with a full-access or read-only key to see deliveries.';
  return null;
}
