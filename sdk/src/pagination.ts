// Every list answers one page, `{ items, pageInfo }`, and has an `iterate()` that follows the
// cursors for you.

export interface PageInfo {
  hasNextPage: boolean;
  /** Pass as `after` to get the next page. */
  endCursor: string | null;
}

export interface Page<T> {
  items: T[];
  pageInfo: PageInfo;
}

export interface PageParams {
  /** Page size (the gateway's default when omitted). */
  first?: number;
  /** The `endCursor` of the previous page. */
  after?: string | null;
}

/** A Relay connection as the API returns it, turned into a page. */
export function toPage<T>(connection: { edges: { node: T }[]; pageInfo: PageInfo }): Page<T> {
  return { items: connection.edges.map((edge) => edge.node), pageInfo: connection.pageInfo };
}

/** Items of every page from `params.after` on, fetching each page only when the previous one is used up. */
export async function* iteratePages<T, P extends PageParams>(
  list: (params: P) => Promise<Page<T>>,
  params: P,
): AsyncGenerator<T, void, undefined> {
  let after = params.after ?? null;
  for (;;) {
    const page = await list({ ...params, after });
    yield* page.items;
    const next = page.pageInfo.endCursor;
    // A cursor that does not move would loop for ever: stop rather than trust it.
    if (!page.pageInfo.hasNextPage || !next || next === after) return;
    after = next;
  }
}
