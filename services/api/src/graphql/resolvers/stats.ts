import { deliveryStats, listAuditLog, listOperationalEvents, requireTenant } from '@acme/core';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { toConnection } from './connection.ts';

export const insightQueries: Pick<QueryResolvers, 'deliveryStats' | 'operationalEvents' | 'auditLog'> = {
  deliveryStats: (_, { filter }, { principal, database }) =>
    deliveryStats(database.db, requireTenant(principal, 'read'), filter ?? {}),
  operationalEvents: async (_, args, { principal, database }) =>
    toConnection(await listOperationalEvents(database.db, requireTenant(principal, 'read'), args)),
  auditLog: async (_, args, { principal, database }) =>
    toConnection(await listAuditLog(database.db, requireTenant(principal, 'manage'), args)),
};
