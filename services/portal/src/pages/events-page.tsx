import type { EventFilter } from '@acme/webhooks-sdk';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Select,
  SimpleGrid,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowRight, IconInbox, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../components/error-alert.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PublishEventButton } from '../components/publish-event.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

type DateValue = string | null;

export default function EventsPage() {
  const { acme, can, viewer } = useSignedIn();
  const [eventType, setEventType] = useState<string | null>(null);
  const [consumer, setConsumer] = useState('');
  const [debouncedConsumer] = useDebouncedValue(consumer.trim(), 300);
  const [since, setSince] = useState<DateValue>(null);
  const [until, setUntil] = useState<DateValue>(null);
  const [goTo, setGoTo] = useState('');
  const navigate = useNavigate();
  const types = useQuery({ queryKey: ['event-types', true], queryFn: () => acme.eventTypes.list({ includeArchived: true }) });

  const filter: EventFilter = {
    ...(eventType ? { eventType } : {}),
    ...(debouncedConsumer ? { consumerId: debouncedConsumer } : {}),
    ...(since ? { since: new Date(since).toISOString() } : {}),
    ...(until ? { until: new Date(until).toISOString() } : {}),
  };
  const filtered = Object.keys(filter).length > 0;
  const events = usePaged(['events', 'list', filter], (after) => acme.events.list({ ...filter, first: PAGE_SIZE, after }), {
    refetchInterval: 15_000,
  });
  const clear = () => {
    setEventType(null);
    setConsumer('');
    setSince(null);
    setUntil(null);
  };
  const canPublish = viewer.scopes.includes('FULL_ACCESS');

  return (
    <>
      <PageHeader
        title="Events"
        description="Every event published, newest first, with where it was delivered."
        actions={canPublish && <PublishEventButton />}
      />
      <Card withBorder padding="md" mb="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (goTo.trim()) navigate(`/events/${encodeURIComponent(goTo.trim())}`);
          }}
        >
          <TextInput
            label="Event id"
            placeholder="evt_… (as your receiver got it in webhook-id)"
            value={goTo}
            onChange={(e) => setGoTo(e.currentTarget.value)}
            mb="sm"
            rightSection={
              <ActionIcon type="submit" variant="subtle" aria-label="Open the event" disabled={!goTo.trim()}>
                <IconArrowRight size={16} />
              </ActionIcon>
            }
          />
        </form>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: can.consumerId ? 3 : 4 }} spacing="sm">
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
          <DateTimePicker
            label="From"
            placeholder="Any time"
            value={since}
            onChange={setSince}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
          />
          <DateTimePicker
            label="Until"
            placeholder="Now"
            value={until}
            onChange={setUntil}
            clearable
            valueFormat="YYYY-MM-DD HH:mm"
          />
        </SimpleGrid>
        {filtered && (
          <Group justify="flex-end" mt="sm">
            <Button variant="subtle" size="xs" leftSection={<IconX size={14} />} onClick={clear}>
              Clear filters
            </Button>
          </Group>
        )}
      </Card>
      {events.isError ? (
        <ErrorAlert error={events.error} onRetry={() => events.refetch()} />
      ) : events.isPending ? (
        <Loading />
      ) : events.items.length === 0 ? (
        <Card withBorder padding="xl">
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
        </Card>
      ) : (
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
      <LoadMore {...events} hasNextPage={events.hasNextPage} count={events.items.length} noun="event" />
    </>
  );
}
