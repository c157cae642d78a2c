import type { Page } from '@acme/webhooks-sdk';
import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';

export const PAGE_SIZE = 25;

/**
 * A cursor-paged list as one growing array, with `fetchNextPage()` for the next page, and `total`:
 * the count the first page carries when its list was asked `withTotalCount` (only the first need be).
 */
export function usePaged<T>(
  queryKey: QueryKey,
  list: (after: string | null) => Promise<Page<T>>,
  options: { refetchInterval?: number | false; enabled?: boolean } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => list(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage && last.pageInfo.endCursor ? last.pageInfo.endCursor : undefined),
    refetchInterval: options.refetchInterval ?? false,
    enabled: options.enabled ?? true,
  });
  return { ...query, items: query.data?.pages.flatMap((page) => page.items) ?? [], total: query.data?.pages[0]?.totalCount };
}
