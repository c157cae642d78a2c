import { ListAuditLogDocument } from '../generated/graphql.ts';
import { iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import type { Transport } from '../transport.ts';
import type { AuditLogEntry, AuditLogFilter } from '../types.ts';

export type ListAuditLogParams = PageParams & AuditLogFilter;

/** Every mutation made in the tenant: who, what, when (needs FULL_ACCESS). */
export class AuditLog {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async list(params: ListAuditLogParams = {}): Promise<Page<AuditLogEntry>> {
    const { first, after, ...filter } = params;
    return toPage((await this.#transport.query(ListAuditLogDocument, { first, after, filter })).auditLog);
  }

  iterate(params: ListAuditLogParams = {}): AsyncGenerator<AuditLogEntry, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }
}
