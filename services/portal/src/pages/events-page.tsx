import type { EventFilter } from '@acme/webhooks-sdk';
import { Anchor, Badge, Card, EmptyState, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconInbox, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { DateTimeField, isoOrUndefined } from '../components/date-time-field.tsx';
import { FilterCard } from '../components/filter-card.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { PublishEventButton } from '../components/publish-event.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

export default function EventsPage() {
  const { acme, can, viewer } = useSignedIn();
  const [eventType, setEventType] = useState<string | null>(null);
  const [consumer, setConsumer] = useState('');
  const [debouncedConsumer] = useDebouncedValue(consumer.trim(), 300);
  const [since, setSince] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const types = useQuery({ queryKey: ['event-types', true], queryFn: () => acme.eventTypes.list({ includeArchived: true }) });

  const filter: EventFilter = {
    ...(eventType ? { eventType } : {}),
    ...(debouncedConsumer ? { consumerId: debouncedConsumer } : {}),
    ...(since ? { since: isoOrUndefined(since) } : {}),
    ...(until ? { until: isoOrUndefined(until) } : {}),
    ...(debouncedSearch ? { search: debouncedSearch } : {}),
  };
  const filtered = Object.keys(filter).length > 0;
  const events = usePaged(
    ['events', 'list', filter],
    (after) => acme.events.list({ ...filter, first: PAGE_SIZE, after, withTotalCount: after === null }),
    { refetchInterval: 15_000 },
  );
  const clear = () => {
    setEventType(null);
    setConsumer('');
    setSince(null);
    setUntil(null);
    setSearch('');
  };
  const canPublish = viewer.scopes.includes('FULL_ACCESS');

  return (
    <>
      <PageHeader
        title="Events"
        description="Every event published, newest first, with where it was delivered."
        actions={canPublish && <PublishEventButton />}
      />
      <FilterCard
        cols={{ base: 1, sm: 2, lg: can.consumerId ? 3 : 4 }}
        onClear={filtered && clear}
        lead={
          <TextInput
            label="Event id or idempotency key"
            description="The whole value: evt_… as your receiver got it in webhook-id, or the key you published with"
            placeholder="evt_… or invoice-42-paid"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            mb="sm"
          />
        }
      >
        <Select
          label="Event type"
          placeholder="Any type"
          data={(types.data?.items ?? []).map((t) => t.name)}
          value={eventType}
          onChange={setEventType}
          searchable
          clearable
        />
        {!can.consumerId && (
          <TextInput
            label="Consumer"
            placeholder="Any consumer"
            value={consumer}
            onChange={(e) => setConsumer(e.currentTarget.value)}
          />
        )}
        <DateTimeField label="From" placeholder="Any time" value={since} onChange={setSince} />
        <DateTimeField label="Until" placeholder="Now" value={until} onChange={setUntil} />
      </FilterCard>
      <PagedListBody
        list={events}
        empty={
          <EmptyState
            icon={<IconInbox size={32} />}
            variant="light"
            title={filtered ? 'No event matches these filters' : 'No events yet'}
            description={
              filtered
                ? 'Widen the time range or clear a filter.'
                : 'Events appear here as soon as they are published (GraphQL publishEvent, REST POST /v1/events, or a test event from an endpoint).'
            }
          />
        }
      >
        {() => (
          <Card withBorder padding={0}>
            <Table.ScrollContainer minWidth={560}>
              <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Events">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Event type</Table.Th>
                    <Table.Th>Id</Table.Th>
                    {!can.consumerId && <Table.Th>Consumer</Table.Th>}
                    <Table.Th>Published</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {events.items.map((event) => (
                    <Table.Tr key={event.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/events/${event.id}`} fw={500} size="sm">
                          {event.eventType}
                        </Anchor>
                        {event.payloadExpungedAt && (
                          <Badge ml="xs" size="xs" color="gray" variant="light">
                            payload expunged
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" c="dimmed">
                          {event.id}
                        </Text>
                      </Table.Td>
                      {!can.consumerId && (
                        <Table.Td>
                          <Text size="sm">{event.consumerId ?? '–'}</Text>
                        </Table.Td>
                      )}
                      <Table.Td>
                        <TimeAgo value={event.createdAt} size="sm" c="dimmed" />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        )}
      </PagedListBody>
      <LoadMore {...events} hasNextPage={events.hasNextPage} count={events.items.length} total={events.total} noun="event" />
    </>
  );
}
