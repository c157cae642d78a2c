import { UnauthenticatedError } from '@acme/core';
import { tenants } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import type { QueryResolvers } from '../../generated/resolvers.ts';

export const viewerQueries: Pick<QueryResolvers, 'viewer'> = {
  viewer: async (_, __, { principal, database }) => {
    if (!principal) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
    if (principal.kind === 'operator') return { isOperator: true, tenant: null, apiKey: null, scopes: [], consumerId: null };
    const [tenant] = await database.db.select().from(tenants).where(eq(tenants.id, principal.tenantId));
    return { isOperator: false, tenant: tenant ?? null, apiKey: null, scopes: [...principal.scopes], consumerId: null };
  },
};
