import { type CountedPage, cursorOf, type Page } from '@acme/core';
import type { CountedConnectionModel } from '../models.ts';

/** A core page as a Relay connection. */
export function toConnection<T extends { id: string }>(page: Page<T>) {
  return {
    edges: page.nodes.map((node) => ({ node, cursor: cursorOf(node.id) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}

/** A core page as a Relay connection with a `totalCount` that costs a query only when a client asks for it. */
export function toCountedConnection<T extends { id: string }>(page: CountedPage<T>): CountedConnectionModel<T> {
  return { ...toConnection(page), totalCount: page.totalCount };
}

/** The field resolvers of a counted connection; both fields share the one count. */
export const countedConnectionFields = {
  totalCount: async (connection: CountedConnectionModel<unknown>) => (await connection.totalCount()).count,
  totalCountIsExact: async (connection: CountedConnectionModel<unknown>) => (await connection.totalCount()).exact,
};
