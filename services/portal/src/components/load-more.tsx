import type { TotalCount } from '@acme/webhooks-sdk';
import { Button, Stack, Text } from '@mantine/core';
import { formatCount } from '../lib/format.ts';

/** "Load more" under a cursor-paged list, with how many of how many are shown, or a quiet note that everything is. */
export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  count,
  total,
  noun,
  plural = `${noun}s`,
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  count: number;
  /** Every match across pages, when the list was counted. */
  total?: TotalCount;
  noun: string;
  plural?: string;
}) {
  return (
    <Stack align="center" gap={4} mt="md">
      {hasNextPage ? (
        <>
          <Button variant="default" loading={isFetchingNextPage} onClick={() => fetchNextPage()}>
            Load more
          </Button>
          {total && (
            <Text size="xs" c="dimmed">
              {formatCount(count)} of {formatCount(total.count)}
              {total.exact ? '' : '+'} shown
            </Text>
          )}
        </>
      ) : (
        count > 0 && (
          <Text size="sm" c="dimmed">
            {count === 1 ? `1 ${noun}` : `All ${formatCount(count)} ${plural}`} shown
          </Text>
        )
      )}
    </Stack>
  );
}
