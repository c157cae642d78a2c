import type { OperationalEvent, OperationalEventFilter, OperationalEventType } from '@acme/webhooks-sdk';
import { Anchor, Badge, Card, EmptyState, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { IconActivity } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { DateTimeField, isoOrUndefined } from '../components/date-time-field.tsx';
import { FilterCard } from '../components/filter-card.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { usePhone } from '../lib/use-phone.ts';
import { useSignedIn } from '../session/session-context.tsx';

const TYPES: Record<OperationalEventType, { label: string; color: string }> = {
  ENDPOINT_DISABLED: { label: 'Endpoint disabled', color: 'red' },
  DELIVERY_DEAD_LETTERED: { label: 'Dead letter', color: 'orange' },
  ENDPOINT_RECOVERED: { label: 'Endpoint recovered', color: 'teal' },
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

export default function OperationalEventsPage() {
  const { acme, can } = useSignedIn();
  const phone = usePhone();
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
        {() =>
          phone ? (
            <Stack gap="xs" role="list" aria-label="Operational events">
              {events.items.map((e) => (
                <Paper key={e.id} withBorder p="sm" role="listitem">
                  <Group justify="space-between" gap="xs" wrap="nowrap">
                    <TypeBadge type={e.type} />
                    <TimeAgo value={e.createdAt} size="xs" c="dimmed" />
                  </Group>
                  <Text size="sm" mt={6}>
                    {e.message}
                  </Text>
                  <Links event={e} />
                </Paper>
              ))}
            </Stack>
          ) : (
            <Card withBorder padding={0}>
              <Table.ScrollContainer minWidth={720}>
                <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Operational events">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>What</Table.Th>
                      <Table.Th>Details</Table.Th>
                      <Table.Th>Where</Table.Th>
                      <Table.Th>When</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {events.items.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td>
                          <TypeBadge type={e.type} />
                        </Table.Td>
                        <Table.Td maw={420}>
                          <Text size="sm">{e.message}</Text>
                        </Table.Td>
                        <Table.Td maw={280}>
                          <Links event={e} />
                        </Table.Td>
                        <Table.Td>
                          <TimeAgo value={e.createdAt} size="sm" c="dimmed" />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )
        }
      </PagedListBody>
      <LoadMore {...events} hasNextPage={events.hasNextPage} count={events.items.length} noun="operational event" />
    </>
  );
}
