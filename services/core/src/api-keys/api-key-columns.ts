import { apiKeys } from '@acme/schema/db';

/** What may be shown of a key: everything but its hash. */
export const apiKeyColumns = {
  id: apiKeys.id,
  tenantId: apiKeys.tenantId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  consumerId: apiKeys.consumerId,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export type ApiKeyRecord = {
  [K in keyof typeof apiKeyColumns]: (typeof apiKeys.$inferSelect)[K];
};
