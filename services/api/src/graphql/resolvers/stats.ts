import { deliveryStats, listAuditLog, listOperationalEvents, requireTenant } from '@acme/core';
import type { AuditAction, AuditLogEntryResolvers, QueryResolvers } from '../../generated/resolvers.ts';
import { toConnection } from './connection.ts';

export const insightQueries: Pick<QueryResolvers, 'deliveryStats' | 'operationalEvents' | 'auditLog'> = {
  deliveryStats: (_, { filter }, { principal, database }) =>
    deliveryStats(database.db, requireTenant(principal, 'read'), filter ?? {}),
  operationalEvents: async (_, args, { principal, database }) =>
    toConnection(await listOperationalEvents(database.db, requireTenant(principal, 'read'), args)),
  auditLog: async (_, args, { principal, database }) =>
    toConnection(await listAuditLog(database.db, requireTenant(principal, 'manage'), args)),
};

export const auditLogEntryFields: AuditLogEntryResolvers = {
  // Core writes only its AUDIT_ACTIONS, which the enum mirrors (audit-action-enum.test.ts).
  action: (entry) => entry.action as AuditAction,
  apiKey: (entry, _, { loaders }) => (entry.apiKeyId ? loaders.apiKey.load(entry.apiKeyId) : null),
};
