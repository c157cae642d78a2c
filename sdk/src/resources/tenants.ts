import {
  CreateTenantDocument,
  GetTenantDocument,
  GetTenantSettingsDocument,
  ListTenantsDocument,
  ReactivateTenantDocument,
  SuspendTenantDocument,
  UpdateTenantDocument,
  UpdateTenantSettingsDocument,
} from '../generated/graphql.ts';
import { iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import { orNotFound, type Transport } from '../transport.ts';
import type {
  CreatedTenant,
  CreateTenantInput,
  Tenant,
  TenantFilter,
  UpdateTenantInput,
  UpdateTenantSettingsInput,
} from '../types.ts';

export type ListTenantsParams = PageParams & TenantFilter;

/** Tenants. All but `updateSettings` need the operator (admin) key. */
export class Tenants {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates a tenant and its first API key; `apiKey.token` is shown this once. */
  async create(input: CreateTenantInput): Promise<CreatedTenant> {
    return (await this.#transport.mutate(CreateTenantDocument, { input })).createTenant;
  }

  async list(params: ListTenantsParams = {}): Promise<Page<Tenant>> {
    const { first, after, ...filter } = params;
    return toPage((await this.#transport.query(ListTenantsDocument, { first, after, filter })).tenants);
  }

  iterate(params: ListTenantsParams = {}): AsyncGenerator<Tenant, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }

  async get(id: string): Promise<Tenant> {
    return orNotFound((await this.#transport.query(GetTenantDocument, { id })).tenant, `No tenant ${id}.`);
  }

  /** Renames a tenant or changes its limits and retry schedule. */
  async update(id: string, input: UpdateTenantInput): Promise<Tenant> {
    return (await this.#transport.mutate(UpdateTenantDocument, { id, input })).updateTenant;
  }

  /** Its keys stop working; its data is kept and its deliveries pause. */
  async suspend(id: string): Promise<Tenant> {
    return (await this.#transport.mutate(SuspendTenantDocument, { id })).suspendTenant;
  }

  async reactivate(id: string): Promise<Tenant> {
    return (await this.#transport.mutate(ReactivateTenantDocument, { id })).reactivateTenant;
  }

  /** The calling tenant's own settings (tenant key): its retry schedule, where operational events go, its limits. */
  async getSettings(): Promise<Tenant> {
    const { viewer } = await this.#transport.query(GetTenantSettingsDocument, {});
    return orNotFound(viewer.tenant, 'The operator has no tenant settings: use a tenant key.');
  }

  /** The calling tenant's own settings (tenant key): retry schedule and where operational events go. */
  async updateSettings(input: UpdateTenantSettingsInput): Promise<Tenant> {
    return (await this.#transport.mutate(UpdateTenantSettingsDocument, { input })).updateTenantSettings;
  }
}
