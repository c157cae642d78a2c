import { NotFoundError } from '@acme/webhooks-sdk';
import { Anchor, Breadcrumbs, Card, Code, Grid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { DeliveriesTable } from '../components/deliveries-table.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { JsonViewer } from '../components/json-view.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { Loading } from '../components/loading.tsx';
import { NotFound } from '../components/not-found.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { exactTime } from '../components/time-ago.tsx';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

export default function EventDetailPage() {
  const { id = '' } = useParams();
  const { acme } = useSignedIn();
  const event = useQuery({ queryKey: ['event', id], queryFn: () => acme.events.get(id) });
  const deliveries = usePaged(
    ['deliveries', 'event', id],
    (after) => acme.deliveries.list({ eventId: id, first: PAGE_SIZE, after }),
    {
      refetchInterval: 5000,
    },
  );

  if (event.isError)
    return event.error instanceof NotFoundError ? (
      <NotFound what="Event" back="/events" backLabel="All events" />
    ) : (
      <ErrorAlert error={event.error} onRetry={() => event.refetch()} />
    );
  if (!event.data) return <Loading rows={6} />;
  const e = event.data;

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/events">
          Events
        </Anchor>
        <Text size="sm" c="dimmed">
          {e.id}
        </Text>
      </Breadcrumbs>
      <PageHeader title={e.eventType} description={<Code>{e.id}</Code>} />
      <Stack gap="lg">
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Card withBorder padding="lg" h="100%">
              <Title order={2} fz="h4" mb="xs">
                Details
              </Title>
              <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={6} fz="sm">
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th c="dimmed" fw={500} w={120}>
                      Published
                    </Table.Th>
                    <Table.Td>{exactTime(e.createdAt)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th c="dimmed" fw={500}>
                      Consumer
                    </Table.Th>
                    <Table.Td>{e.consumerId ?? '–'}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th c="dimmed" fw={500}>
                      Idempotency key
                    </Table.Th>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{e.idempotencyKey ?? '–'}</Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Card withBorder padding="lg" h="100%">
              <Title order={2} fz="h4" mb="xs">
                Payload
              </Title>
              {e.payloadExpungedAt ? (
                <Text size="sm" c="dimmed">
                  The payload was expunged {exactTime(e.payloadExpungedAt)}.
                </Text>
              ) : (
                <JsonViewer value={e.payload} label="Event payload" />
              )}
            </Card>
          </Grid.Col>
        </Grid>
        <Card withBorder padding="lg">
          <Title order={2} fz="h4" mb="sm">
            Deliveries
          </Title>
          {deliveries.isError ? (
            <ErrorAlert error={deliveries.error} onRetry={() => deliveries.refetch()} />
          ) : deliveries.isPending ? (
            <Loading />
          ) : deliveries.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No endpoint was subscribed to this event when it was published.
            </Text>
          ) : (
            <DeliveriesTable deliveries={deliveries.items} showEvent={false} label="Deliveries of this event" />
          )}
          <LoadMore
            {...deliveries}
            hasNextPage={deliveries.hasNextPage}
            count={deliveries.items.length}
            noun="delivery"
            plural="deliveries"
          />
        </Card>
      </Stack>
    </>
  );
}
