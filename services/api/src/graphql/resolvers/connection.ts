import { cursorOf, type Page } from '@acme/core';

/** A core page as a Relay connection. */
export function toConnection<T extends { id: string }>(page: Page<T>) {
  return {
    edges: page.nodes.map((node) => ({ node, cursor: cursorOf(node.id) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}
