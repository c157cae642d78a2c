import { CreatePortalSessionDocument } from '../generated/graphql.ts';
import type { Transport } from '../transport.ts';
import type { PortalSession } from '../types.ts';

export class PortalSessions {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** A short-lived token and portal URL that see only `consumerId`'s endpoints and deliveries. */
  async create(input: { consumerId: string; ttlSeconds?: number }): Promise<PortalSession> {
    return (await this.#transport.mutate(CreatePortalSessionDocument, input)).createPortalSession;
  }
}
