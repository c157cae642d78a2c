import { getEvent, publishEvent, requireTenant } from '@acme/core';
import type { MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const eventQueries: Pick<QueryResolvers, 'event'> = {
  event: (_, { id }, { principal, database }) => getEvent(database.db, requireTenant(principal, 'read').tenantId, id),
};

export const eventMutations: Pick<MutationResolvers, 'publishEvent'> = {
  publishEvent: (_, { input }, { principal, database, config }) =>
    publishEvent(database.db, config.limits, requireTenant(principal, 'publish').tenantId, input),
};
