import { Alert, Group, Progress, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatCount } from '../lib/format.ts';
import { ReplayTracker } from '../lib/replay-tracker.ts';
import { useSignedIn } from '../session/session-context.tsx';

const POLL_MS = 1500;
/** Numbers the replays of this tab: each one's progress is a query of its own. */
let replays = 0;

/**
 * After a replay: follows every replayed delivery (the API answers a bulk replay with their ids)
 * until each has finished again, a few batches per poll, and says how many succeeded.
 */
export function ReplayProgress({ ids, onClose }: { ids: string[]; onClose: () => void }) {
  const { acme } = useSignedIn();
  // One tracker per replay: the parent keys this component by the replay.
  const [{ tracker, replay }] = useState(() => ({ tracker: new ReplayTracker(ids), replay: ++replays }));
  const progress = useQuery({
    queryKey: ['replay-progress', replay],
    queryFn: async () => {
      const batches = tracker.nextBatches();
      const pages = await Promise.all(batches.map((batch) => acme.deliveries.list({ ids: batch, first: batch.length })));
      tracker.record(
        batches.flat(),
        pages.flatMap((page) => page.items),
      );
      return tracker.counts();
    },
    initialData: tracker.counts(),
    initialDataUpdatedAt: 0,
    refetchInterval: (query) => (query.state.data && query.state.data.pending === 0 ? false : POLL_MS),
    staleTime: 0,
    gcTime: 0,
  });
  const { total, succeeded, failed, pending, gone } = progress.data;
  const done = pending === 0;
  const percent = total ? ((total - pending) / total) * 100 : 100;
  const noun = total === 1 ? 'dead letter' : 'dead letters';

  return (
    <Alert
      color={done ? (failed ? 'orange' : 'teal') : 'blue'}
      title={`Replayed ${formatCount(total)} ${noun}`}
      withCloseButton
      onClose={onClose}
      closeButtonLabel="Dismiss"
      mb="md"
      role="status"
      aria-live="polite"
    >
      {total === 0 ? (
        <Text size="sm">Nothing matched: there was no dead letter to replay.</Text>
      ) : (
        <>
          <Progress.Root size="lg" mb="xs">
            <Progress.Section value={(succeeded / total) * 100} color="teal" aria-label="Succeeded" />
            <Progress.Section value={(failed / total) * 100} color="red" aria-label="Failed again" />
          </Progress.Root>
          <Group gap="md">
            <Text size="sm" data-testid="replay-progress">
              {done ? 'Done' : `${Math.round(percent)} %`}: {formatCount(succeeded)} succeeded, {formatCount(failed)} failed
              again, {formatCount(pending)} in flight{gone ? `, ${formatCount(gone)} no longer visible to this key` : ''}.
            </Text>
          </Group>
        </>
      )}
    </Alert>
  );
}
