import type { DeadLetterFilter, Delivery } from '@acme/webhooks-sdk';
import { Button, Card, EmptyState, Group, Select, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconMailboxOff, IconRepeat } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createElement, useState } from 'react';
import { DateTimeField, isoOrUndefined } from '../components/date-time-field.tsx';
import { DeliveriesTable } from '../components/deliveries-table.tsx';
import { FilterCard } from '../components/filter-card.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { ReplayProgress } from '../components/replay-progress.tsx';
import { describeError } from '../lib/describe-error.ts';
import { formatCount } from '../lib/format.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

/** Numbers the replays started from this page, so that each gets a progress panel of its own. */
let replays = 0;

export default function DeadLettersPage() {
  const { acme, can } = useSignedIn();
  const queryClient = useQueryClient();
  const [endpointId, setEndpointId] = useState<string | null>(null);
  const [since, setSince] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [replayed, setReplayed] = useState<{ n: number; ids: string[] } | null>(null);
  const endpoints = useQuery({ queryKey: ['endpoints', 'options'], queryFn: () => acme.endpoints.list({ first: 100 }) });
  const filter: DeadLetterFilter = {
    ...(endpointId ? { endpointId } : {}),
    ...(since ? { since: isoOrUndefined(since) } : {}),
    ...(until ? { until: isoOrUndefined(until) } : {}),
  };
  const dead = usePaged(
    ['dead-letters', 'list', filter],
    (after) => acme.deadLetters.list({ ...filter, first: PAGE_SIZE, after, withTotalCount: after === null }),
    { refetchInterval: 10_000 },
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
      setReplayed({ n: ++replays, ids: [delivery.id] });
      return refresh();
    },
    onError: fail('Could not replay'),
  });
  const replayAll = useMutation({
    mutationFn: () => acme.deadLetters.replayAll(filter),
    onSuccess: ({ deliveryIds }) => {
      setReplayed({ n: ++replays, ids: deliveryIds });
      return refresh();
    },
    onError: fail('Could not replay the dead letters'),
  });

  const endpointOptions = (endpoints.data?.items ?? []).map((e) => ({ value: e.id, label: e.url }));
  const endpointUrl = endpointOptions.find((o) => o.value === endpointId)?.label;
  const total = dead.total?.count ?? dead.items.length;
  const filtered = Boolean(endpointId || since || until);
  const range = [since && `since ${since}`, until && `before ${until}`].filter(Boolean).join(' and ');
  const confirmReplayAll = () =>
    modals.openConfirmModal({
      title: 'Replay dead letters?',
      children: createElement(
        'p',
        { style: { margin: 0, fontSize: 'var(--mantine-font-size-sm)', overflowWrap: 'anywhere' } },
        `${total === 1 ? 'The dead letter' : `All ${formatCount(total)} dead letters`}${endpointUrl ? ` of ${endpointUrl}` : ''}${range ? ` dead-lettered ${range}` : ''} ${total === 1 ? 'is' : 'are'} sent again, with the same webhook-id, paced by each endpoint's rate limit. Those of disabled endpoints are skipped.`,
      ),
      labels: { confirm: `Replay ${formatCount(total)}`, cancel: 'Cancel' },
      onConfirm: () => replayAll.mutate(),
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
      {replayed && <ReplayProgress key={replayed.n} ids={replayed.ids} onClose={() => setReplayed(null)} />}
      <FilterCard cols={{ base: 1, sm: 3 }}>
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
        <DateTimeField label="Dead-lettered since" placeholder="Any time" value={since} onChange={setSince} />
        <DateTimeField label="Dead-lettered before" placeholder="Now" value={until} onChange={setUntil} />
      </FilterCard>
      <PagedListBody
        list={dead}
        empty={
          <EmptyState
            icon={<IconMailboxOff size={32} />}
            variant="light"
            color="teal"
            title={filtered ? 'No dead letters match' : 'No dead letters'}
            description="Every delivery either succeeded or is still being retried."
          />
        }
      >
        {() => (
          <Card withBorder padding={0}>
            <Stack gap={0}>
              <Text size="sm" px="md" pt="sm" c="dimmed" data-testid="dead-letter-count">
                {formatCount(total)} {total === 1 ? 'dead letter' : 'dead letters'}
                {filtered ? ' match' : ''}, newest first
              </Text>
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
      </PagedListBody>
      <LoadMore {...dead} hasNextPage={dead.hasNextPage} count={dead.items.length} total={dead.total} noun="dead letter" />
      {dead.items.length > 0 && (
        <Group justify="center">
          <Text size="xs" c="dimmed" mt="xs">
            Replayed dead letters leave this list; follow them above until they finish.
          </Text>
        </Group>
      )}
    </>
  );
}
