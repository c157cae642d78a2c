import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../../generated/resolvers.ts';
import { deliveryFields, deliveryMutations, deliveryQueries } from './deliveries.ts';
import { endpointMutations, endpointQueries } from './endpoints.ts';
import { eventTypeMutations } from './event-types.ts';
import { eventMutations, eventQueries } from './events.ts';
import { tenantMutations } from './tenants.ts';
import { viewerQueries } from './viewer.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: { ...viewerQueries, ...endpointQueries, ...eventQueries, ...deliveryQueries },
  Mutation: { ...tenantMutations, ...eventTypeMutations, ...endpointMutations, ...eventMutations, ...deliveryMutations },
  Delivery: deliveryFields,
};
