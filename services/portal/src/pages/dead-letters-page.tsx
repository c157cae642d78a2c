import type { Delivery } from '@acme/webhooks-sdk';
import { Button, Card, EmptyState, Group, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconMailboxOff, IconRepeat } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createElement, useState } from 'react';
import { DeliveriesTable } from '../components/deliveries-table.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ReplayProgress, TRACKED_AT_MOST } from '../components/replay-progress.tsx';
import { describeError } from '../lib/describe-error.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

export default function DeadLettersPage() {
  const { acme, can } = useSignedIn();
  const queryClient = useQueryClient();
  const [endpointId, setEndpointId] = useState<string | null>(null);
  const [since, setSince] = useState<string | null>(null);
  const [replayed, setReplayed] = useState<{ count: number; ids: string[] } | null>(null);
  const endpoints = useQuery({ queryKey: ['endpoints', 'options'], queryFn: () => acme.endpoints.list({ first: 100 }) });
  const filter = { ...(endpointId ? { endpointId } : {}), ...(since ? { since: new Date(since).toISOString() } : {}) };
  const dead = usePaged(
    ['dead-letters', 'list', filter],
    (after) => acme.deadLetters.list({ ...filter, first: PAGE_SIZE, after }),
    {
      refetchInterval: 10_000,
    },
  );
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['dead-letters'] }),
      queryClient.invalidateQueries({ queryKey: ['deliveries'] }),
    ]);
  const fail = (title: string) => (error: unknown) => {
    const d = describeError(error);
    notifications.show({ color: 'red', title, message: `${d.message}${d.code ? ` (${d.code})` : ''}` });
  };

  const replayOne = useMutation({
    mutationFn: (delivery: Delivery) => acme.deliveries.replay(delivery.id),
    onSuccess: (delivery) => {
      setReplayed({ count: 1, ids: [delivery.id] });
      return refresh();
    },
    onError: fail('Could not replay'),
  });
  const replayAll = useMutation({
    mutationFn: async (ids: string[]) => ({ ...(await acme.deadLetters.replayAll(filter)), ids }),
    onSuccess: ({ replayedCount, ids }) => {
      setReplayed({ count: replayedCount, ids: replayedCount ? ids : [] });
      return refresh();
    },
    onError: fail('Could not replay the dead letters'),
  });

  const endpointOptions = (endpoints.data?.items ?? []).map((e) => ({ value: e.id, label: e.url }));
  const endpointUrl = endpointOptions.find((o) => o.value === endpointId)?.label;
  const confirmReplayAll = () =>
    modals.openConfirmModal({
      title: 'Replay dead letters?',
      children: createElement(
        'p',
        { style: { margin: 0, fontSize: 'var(--mantine-font-size-sm)', overflowWrap: 'anywhere' } },
        `Every dead letter${endpointUrl ? ` of ${endpointUrl}` : ''}${since ? ` dead-lettered since ${since}` : ''} is sent again, with the same webhook-id, paced by each endpoint's rate limit. Those of disabled endpoints are skipped.`,
      ),
      labels: { confirm: dead.hasNextPage ? 'Replay all' : `Replay ${dead.items.length}`, cancel: 'Cancel' },
      onConfirm: () => replayAll.mutate(dead.items.slice(0, TRACKED_AT_MOST).map((d) => d.id)),
    });

  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Deliveries whose every scheduled attempt failed. Fix the receiver, then replay them."
        actions={
          can.write && (
            <Button
              leftSection={<IconRepeat size={18} />}
              onClick={confirmReplayAll}
              loading={replayAll.isPending}
              disabled={dead.items.length === 0}
            >
              Replay all
            </Button>
          )
        }
      />
      {replayed && (
        <ReplayProgress
          key={replayed.ids.join()}
          replayedCount={replayed.count}
          ids={replayed.ids}
          onClose={() => setReplayed(null)}
        />
      )}
      <Card withBorder padding="md" mb="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Endpoint"
            placeholder="Every endpoint"
            data={endpointOptions}
            value={endpointId}
            onChange={setEndpointId}
            searchable
            clearable
            nothingFoundMessage="No such endpoint"
          />
          <DateTimePicker
            label="Dead-lettered since"
            placeholder="Any time"
            value={since}
            onChange={setSince}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
          />
        </SimpleGrid>
      </Card>
      {dead.isError ? (
        <ErrorAlert error={dead.error} onRetry={() => dead.refetch()} />
      ) : dead.isPending ? (
        <Loading />
      ) : dead.items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconMailboxOff size={32} />}
            variant="light"
            color="teal"
            title={endpointId || since ? 'No dead letters match' : 'No dead letters'}
            description="Every delivery either succeeded or is still being retried."
          />
        </Card>
      ) : (
        <Card withBorder padding={0}>
          <Stack gap={0}>
            <DeliveriesTable
              deliveries={dead.items}
              label="Dead letters"
              actions={
                can.write
                  ? (d) => (
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconRepeat size={14} />}
                        loading={replayOne.isPending && replayOne.variables?.id === d.id}
                        onClick={() => replayOne.mutate(d)}
                        aria-label={`Replay delivery ${d.id}`}
                      >
                        Replay
                      </Button>
                    )
                  : undefined
              }
            />
          </Stack>
        </Card>
      )}
      <LoadMore {...dead} hasNextPage={dead.hasNextPage} count={dead.items.length} noun="dead letter" />
      {dead.items.length > 0 && (
        <Group justify="center">
          <Text size="xs" c="dimmed" mt="xs">
            Newest first, by when they were dead-lettered.
          </Text>
        </Group>
      )}
    </>
  );
}
