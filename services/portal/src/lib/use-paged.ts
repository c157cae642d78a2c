import type { Page } from '@acme/webhooks-sdk';
import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';

export const PAGE_SIZE = 25;

/** A cursor-paged list as one growing array, with `loadMore()` for the next page. */
export function usePaged<T>(
  queryKey: QueryKey,
  list: (after: string | null) => Promise<Page<T>>,
  options: { refetchInterval?: number | false } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => list(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage && last.pageInfo.endCursor ? last.pageInfo.endCursor : undefined),
    refetchInterval: options.refetchInterval ?? false,
  });
  return { ...query, items: query.data?.pages.flatMap((page) => page.items) ?? [] };
}
