import type { OperationalEvent, OperationalEventFilter, OperationalEventType } from '@acme/webhooks-sdk';
import { Anchor, Badge, EmptyState, Group, Select, Text } from '@mantine/core';
import { IconActivity } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { DateTimeField, isoOrUndefined } from '../components/date-time-field.tsx';
import { FilterCard } from '../components/filter-card.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { ResponsiveList } from '../components/responsive-list.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

const TYPES: Record<OperationalEventType, { label: string; plural: string; color: string }> = {
  ENDPOINT_DISABLED: { label: 'Endpoint disabled', plural: 'disables', color: 'red' },
  DELIVERY_DEAD_LETTERED: { label: 'Dead letter', plural: 'dead letters', color: 'orange' },
  ENDPOINT_RECOVERED: { label: 'Endpoint recovered', plural: 'recoveries', color: 'teal' },
};

function TypeBadge({ type }: { type: OperationalEventType }) {
  return (
    <Badge color={TYPES[type].color} variant="light" style={{ flexShrink: 0 }}>
      {TYPES[type].label}
    </Badge>
  );
}

/** Where to look next: the endpoint it happened to, and the delivery, when there is one. */
function Links({ event }: { event: OperationalEvent }) {
  const url = typeof (event.data as { url?: unknown })?.url === 'string' ? (event.data as { url: string }).url : null;
  return (
    <Group gap="sm" wrap="wrap">
      {event.endpointId && (
        <Anchor component={Link} to={`/endpoints/${event.endpointId}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
          {url ?? 'The endpoint'}
        </Anchor>
      )}
      {event.deliveryId && (
        <Anchor component={Link} to={`/deliveries/${event.deliveryId}`} size="sm" aria-label={`The delivery ${event.deliveryId}`}>
          The delivery
        </Anchor>
      )}
    </Group>
  );
}

/** A run of events of one type at one endpoint, newest first: how many, over what time, where. */
function RunSummary({ run }: { run: OperationalEvent[] }) {
  const newest = run[0]!;
  const oldest = run.at(-1)!;
  return (
    <>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <TypeBadge type={newest.type} />
          <Text size="sm" fw={600}>
            ×{run.length}
          </Text>
        </Group>
        <TimeAgo value={newest.createdAt} size="xs" c="dimmed" />
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        {run.length} {TYPES[newest.type].plural} in a row, the first <TimeAgo value={oldest.createdAt} size="xs" />
      </Text>
      <Links event={newest} />
    </>
  );
}

export default function OperationalEventsPage() {
  const { acme, can } = useSignedIn();
  const [type, setType] = useState<OperationalEventType | null>(null);
  const [endpointId, setEndpointId] = useState<string | null>(null);
  const [since, setSince] = useState<string | null>(null);
  const endpoints = useQuery({ queryKey: ['endpoints', 'options'], queryFn: () => acme.endpoints.list({ first: 100 }) });
  const filter: OperationalEventFilter = {
    ...(type ? { type } : {}),
    ...(endpointId ? { endpointId } : {}),
    ...(since ? { since: isoOrUndefined(since) } : {}),
  };
  const events = usePaged(
    ['operational-events', filter],
    (after) => acme.operationalEvents.list({ ...filter, first: PAGE_SIZE, after }),
    { refetchInterval: 15_000 },
  );
  const filtered = Object.keys(filter).length > 0;

  return (
    <>
      <PageHeader
        title="Operational events"
        description={
          can.manage ? (
            <>
              What the gateway did on its own: endpoints it disabled, deliveries it dead-lettered, endpoints that recovered. Have
              them sent to you as webhooks from{' '}
              <Anchor component={Link} to="/settings" size="sm" underline="always">
                Settings
              </Anchor>
              .
            </>
          ) : (
            'What the gateway did on its own: endpoints it disabled, deliveries it dead-lettered, endpoints that recovered.'
          )
        }
      />
      <FilterCard cols={{ base: 1, sm: 3 }}>
        <Select
          label="What happened"
          placeholder="Anything"
          data={Object.entries(TYPES).map(([value, { label }]) => ({ value, label }))}
          value={type}
          onChange={(v) => setType(v as OperationalEventType | null)}
          clearable
        />
        <Select
          label="Endpoint"
          placeholder="Every endpoint"
          data={(endpoints.data?.items ?? []).map((e) => ({ value: e.id, label: e.url }))}
          value={endpointId}
          onChange={setEndpointId}
          searchable
          clearable
          nothingFoundMessage="No such endpoint"
        />
        <DateTimeField label="Since" placeholder="Any time" value={since} onChange={setSince} />
      </FilterCard>
      <PagedListBody
        list={events}
        empty={
          <EmptyState
            icon={<IconActivity size={32} />}
            variant="light"
            color="teal"
            title={filtered ? 'Nothing matches' : 'Nothing to report'}
            description={
              filtered
                ? 'Try another type, endpoint or time.'
                : 'No endpoint was disabled, no delivery dead-lettered and none recovered so far.'
            }
          />
        }
      >
        {() => (
          <ResponsiveList
            items={events.items}
            label="Operational events"
            rowKey={(e) => e.id}
            minWidth={720}
            columns={[
              { header: 'What', cell: (e) => <TypeBadge type={e.type} /> },
              { header: 'Details', cell: (e) => <Text size="sm">{e.message}</Text>, td: { maw: 420 } },
              { header: 'Where', cell: (e) => <Links event={e} />, td: { maw: 280 } },
              { header: 'When', cell: (e) => <TimeAgo value={e.createdAt} size="sm" c="dimmed" /> },
            ]}
            card={(e) => (
              <>
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <TypeBadge type={e.type} />
                  <TimeAgo value={e.createdAt} size="xs" c="dimmed" />
                </Group>
                <Text size="sm" mt={6}>
                  {e.message}
                </Text>
                <Links event={e} />
              </>
            )}
            // A failing endpoint dead-letters dozens of deliveries in a row: one card for the run on a phone.
            groupOnPhone={{
              key: (e) => `${e.type}|${e.endpointId ?? ''}`,
              noun: (run) => TYPES[run[0]!.type].plural,
              summary: (run) => <RunSummary run={run} />,
            }}
          />
        )}
      </PagedListBody>
      <LoadMore {...events} hasNextPage={events.hasNextPage} count={events.items.length} noun="operational event" />
    </>
  );
}
