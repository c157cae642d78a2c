import { Button, Center, Text } from '@mantine/core';

/** "Load more" under a cursor-paged list, or a quiet note that everything is shown. */
export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  count,
  noun,
  plural = `${noun}s`,
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  count: number;
  noun: string;
  plural?: string;
}) {
  return (
    <Center mt="md">
      {hasNextPage ? (
        <Button variant="default" loading={isFetchingNextPage} onClick={() => fetchNextPage()}>
          Load more
        </Button>
      ) : (
        count > 0 && (
          <Text size="sm" c="dimmed">
            {count === 1 ? `1 ${noun}` : `All ${count} ${plural}`} shown
          </Text>
        )
      )}
    </Center>
  );
}
