// Every list answers one page, `{ items, pageInfo }`, and has an `iterate()` that follows the
// cursors for you.

export interface PageInfo {
  hasNextPage: boolean;
  /** Pass as `after` to get the next page. */
  endCursor: string | null;
}

/** How many items match the list's filter across every page. */
export interface TotalCount {
  count: number;
  /** False when the gateway stopped counting at its cap (10,000 events or deliveries): more match than `count`. */
  exact: boolean;
}

export interface Page<T> {
  items: T[];
  pageInfo: PageInfo;
  /** Only when the list was asked `withTotalCount: true`. */
  totalCount?: TotalCount;
}

export interface PageParams {
  /** Page size (the gateway's default when omitted). */
  first?: number;
  /** The `endCursor` of the previous page. */
  after?: string | null;
}

/** For the lists that can count: counting costs the gateway a query, so it is asked for, never by default. */
export interface CountParams {
  /** Also count every item that matches, across pages (`Page.totalCount`). */
  withTotalCount?: boolean;
}

/** A Relay connection as the API returns it, turned into a page. */
export function toPage<T>(connection: {
  edges: { node: T }[];
  pageInfo: PageInfo;
  totalCount?: number | null;
  totalCountIsExact?: boolean | null;
}): Page<T> {
  const page: Page<T> = { items: connection.edges.map((edge) => edge.node), pageInfo: connection.pageInfo };
  if (typeof connection.totalCount === 'number')
    page.totalCount = { count: connection.totalCount, exact: connection.totalCountIsExact !== false };
  return page;
}

/** Items of every page from `params.after` on, fetching each page only when the previous one is used up. */
export async function* iteratePages<T, P extends PageParams>(
  list: (params: P) => Promise<Page<T>>,
  params: P,
): AsyncGenerator<T, void, undefined> {
  // A count on every page would cost a query each for a number an iteration never reads.
  const { withTotalCount: _, ...rest } = params as P & CountParams;
  let after = params.after ?? null;
  for (;;) {
    const page = await list({ ...rest, after } as P);
    yield* page.items;
    const next = page.pageInfo.endCursor;
    // A cursor that does not move would loop for ever: stop rather than trust it.
    if (!page.pageInfo.hasNextPage || !next || next === after) return;
    after = next;
  }
}
