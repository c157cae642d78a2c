import { CreateApiKeyDocument, ListApiKeysDocument, RevokeApiKeyDocument } from '../generated/graphql.ts';
import { iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import type { Transport } from '../transport.ts';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey } from '../types.ts';

export type ListApiKeysParams = PageParams & { includeRevoked?: boolean };

export class ApiKeys {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A new key; `token` is returned this once only. The operator passes `tenantId`. */
  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    return (await this.#transport.mutate(CreateApiKeyDocument, { input })).createApiKey;
  }

  /** The tenant's keys (never their tokens), newest first. */
  async list(params: ListApiKeysParams = {}): Promise<Page<ApiKey>> {
    return toPage((await this.#transport.query(ListApiKeysDocument, params)).apiKeys);
  }

  iterate(params: ListApiKeysParams = {}): AsyncGenerator<ApiKey, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }

  /** Revokes a key at once; it can never be used again. */
  async revoke(id: string): Promise<ApiKey> {
    return (await this.#transport.mutate(RevokeApiKeyDocument, { id })).revokeApiKey;
  }
}
