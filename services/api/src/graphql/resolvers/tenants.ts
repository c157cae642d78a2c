import {
  createTenant,
  effectiveLimits,
  getTenant,
  listTenants,
  reactivateTenant,
  requireOperator,
  requireTenant,
  suspendTenant,
  updateTenant,
  updateTenantSettings,
} from '@acme/core';
import type { MutationResolvers, QueryResolvers, TenantResolvers } from '../../generated/resolvers.ts';
import { toConnection } from './connection.ts';

export const tenantQueries: Pick<QueryResolvers, 'tenants' | 'tenant'> = {
  tenants: async (_, args, { principal, database }) => {
    requireOperator(principal);
    return toConnection(await listTenants(database.db, args));
  },
  tenant: (_, { id }, { principal, database }) => {
    requireOperator(principal);
    return getTenant(database.db, id);
  },
};

export const tenantMutations: Pick<
  MutationResolvers,
  'createTenant' | 'updateTenant' | 'suspendTenant' | 'reactivateTenant' | 'updateTenantSettings'
> = {
  createTenant: async (_, { input }, { principal, database }) => {
    requireOperator(principal);
    const { tenant, apiKey, token } = await createTenant(database.db, input);
    return { tenant, apiKey: { ...apiKey, scopes: apiKey.scopes as never, token } };
  },
  updateTenant: (_, { id, input }, { principal, database }) => {
    requireOperator(principal);
    return updateTenant(database.db, id, input);
  },
  suspendTenant: (_, { id }, { principal, database }) => {
    requireOperator(principal);
    return suspendTenant(database.db, id);
  },
  reactivateTenant: (_, { id }, { principal, database }) => {
    requireOperator(principal);
    return reactivateTenant(database.db, id);
  },
  updateTenantSettings: (_, { input }, { principal, database }) =>
    updateTenantSettings(database.db, requireTenant(principal, 'manage'), input),
};

export const tenantFields: TenantResolvers = {
  limits: (tenant, _, { config }) => effectiveLimits(config.limits.tenantDefaults, tenant),
};
