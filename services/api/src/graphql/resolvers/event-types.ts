import { createEventType, requireTenant } from '@acme/core';
import type { MutationResolvers } from '../../generated/resolvers.ts';

export const eventTypeMutations: Pick<MutationResolvers, 'createEventType'> = {
  createEventType: (_, { input }, { principal, database }) =>
    createEventType(database.db, requireTenant(principal, 'write').tenantId, {
      ...input,
      schema: input.schema as Record<string, unknown> | null | undefined,
    }),
};
