import { Alert, Group, Progress, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useSignedIn } from '../session/session-context.tsx';

/** How many deliveries to follow after a bulk replay (each is one request per poll). */
export const TRACKED_AT_MOST = 50;

/**
 * After a bulk replay: follows the replayed deliveries until each has finished again, and says how
 * many succeeded. The API answers a bulk replay with a count only, so the deliveries followed are
 * the dead letters that were on screen (at most TRACKED_AT_MOST).
 */
export function ReplayProgress({ replayedCount, ids, onClose }: { replayedCount: number; ids: string[]; onClose: () => void }) {
  const { acme } = useSignedIn();
  const results = useQueries({
    queries: ids.map((id) => ({
      // Its own key: a delivery cached from before the replay would read as finished at once.
      queryKey: ['replay-progress', id],
      queryFn: () => acme.deliveries.get(id),
      refetchInterval: (query: { state: { data?: { status: string } } }) =>
        query.state.data && query.state.data.status !== 'PENDING' ? false : 1500,
      staleTime: 0,
      gcTime: 0,
    })),
  });
  // The replay set them PENDING in the same transaction, so the first read after it is never stale.
  const statuses = results.map((r) => r.data?.status);
  const succeeded = statuses.filter((s) => s === 'SUCCEEDED').length;
  const failed = statuses.filter((s) => s === 'DEAD_LETTERED' || s === 'CANCELLED').length;
  const pending = ids.length - succeeded - failed;
  const done = ids.length > 0 && pending === 0;
  const percent = ids.length ? ((succeeded + failed) / ids.length) * 100 : 100;

  return (
    <Alert
      color={done ? (failed ? 'orange' : 'teal') : 'blue'}
      title={`Replayed ${replayedCount} ${replayedCount === 1 ? 'dead letter' : 'dead letters'}`}
      withCloseButton
      onClose={onClose}
      closeButtonLabel="Dismiss"
      mb="md"
      role="status"
      aria-live="polite"
    >
      {ids.length === 0 ? (
        <Text size="sm">They are on their way through their endpoints' retry workflows.</Text>
      ) : (
        <>
          <Progress.Root size="lg" mb="xs" aria-label="Replay progress">
            <Progress.Section value={(succeeded / ids.length) * 100} color="teal" />
            <Progress.Section value={(failed / ids.length) * 100} color="red" />
          </Progress.Root>
          <Group gap="md">
            <Text size="sm" data-testid="replay-progress">
              {done ? 'Done' : `${Math.round(percent)} %`}: {succeeded} succeeded, {failed} failed again, {pending} in flight
              {replayedCount > ids.length ? ` (following the first ${ids.length})` : ''}.
            </Text>
          </Group>
        </>
      )}
    </Alert>
  );
}
