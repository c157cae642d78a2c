import { type DeliveryStatus, NotFoundError } from '@acme/webhooks-sdk';
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Code,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconBan,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerTrackNext,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { DeliveriesTable } from '../components/deliveries-table.tsx';
import { DeliveryChart } from '../components/delivery-chart.tsx';
import { useEndpointActions } from '../components/endpoint-actions.ts';
import { EndpointFormModal } from '../components/endpoint-form.tsx';
import { EndpointSecretCard } from '../components/endpoint-secret.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { HeadersTable } from '../components/headers-table.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { Loading } from '../components/loading.tsx';
import { NotFound } from '../components/not-found.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { RangePicker } from '../components/range-picker.tsx';
import { StatsSummary } from '../components/stats-summary.tsx';
import { EndpointStatusBadge, HealthBadge } from '../components/status-badge.tsx';
import { TestEventButton } from '../components/test-event-button.tsx';
import { exactTime, TimeAgo } from '../components/time-ago.tsx';
import { describeError } from '../lib/describe-error.ts';
import { type RangeKey, statsWindow } from '../lib/time-range.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

const STATUS_OPTIONS = [
  { value: 'PENDING', label: 'Pending' },
  { value: 'SUCCEEDED', label: 'Succeeded' },
  { value: 'DEAD_LETTERED', label: 'Dead-lettered' },
  { value: 'CANCELLED', label: 'Cancelled' },
];

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={150} fw={500} c="dimmed" fz="sm">
        {label}
      </Table.Th>
      <Table.Td fz="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Table.Td>
    </Table.Tr>
  );
}

export default function EndpointDetailPage() {
  const { id = '' } = useParams();
  const { acme, can } = useSignedIn();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [range, setRange] = useState<RangeKey>('24h');
  const [status, setStatus] = useState<DeliveryStatus | null>(null);
  const actions = useEndpointActions(() => navigate('/endpoints'));
  const endpoint = useQuery({ queryKey: ['endpoint', id], queryFn: () => acme.endpoints.get(id), refetchInterval: 15_000 });
  const win = statsWindow(range);
  const stats = useQuery({
    queryKey: ['stats', 'endpoint', id, range, win.until],
    queryFn: () => acme.endpoints.stats(id, win),
    enabled: endpoint.isSuccess,
    refetchInterval: 15_000,
  });
  const deliveries = usePaged(
    ['deliveries', 'endpoint', id, status],
    (after) => acme.deliveries.list({ endpointId: id, first: PAGE_SIZE, after, ...(status ? { status } : {}) }),
    { refetchInterval: 10_000 },
  );
  const retryNow = useMutation({
    mutationFn: () => acme.endpoints.retryNow(id),
    onSuccess: (count) => {
      notifications.show({
        color: 'teal',
        message: count
          ? `${count} pending ${count === 1 ? 'retry goes' : 'retries go'} out now.`
          : 'Nothing was waiting for a retry.',
      });
      void queryClient.invalidateQueries({ queryKey: ['deliveries'] });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Could not retry', message: describeError(error).message }),
  });

  if (endpoint.isError)
    return endpoint.error instanceof NotFoundError ? (
      <NotFound what="Endpoint" back="/endpoints" backLabel="All endpoints" />
    ) : (
      <ErrorAlert error={endpoint.error} onRetry={() => endpoint.refetch()} />
    );
  if (!endpoint.data) return <Loading rows={6} />;
  const e = endpoint.data;

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/endpoints">
          Endpoints
        </Anchor>
        <Text size="sm" c="dimmed" truncate="end" maw={260}>
          {e.url}
        </Text>
      </Breadcrumbs>
      <PageHeader
        title={e.url}
        description={e.description || undefined}
        actions={
          can.write && (
            <>
              <TestEventButton endpoint={e} />
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
              {e.status === 'ACTIVE' ? (
                <Button
                  variant="default"
                  leftSection={<IconPlayerPause size={16} />}
                  loading={actions.pause.isPending}
                  onClick={() => actions.pause.mutate(e)}
                >
                  Pause
                </Button>
              ) : (
                <Button
                  variant="default"
                  leftSection={<IconPlayerPlay size={16} />}
                  loading={actions.resume.isPending}
                  onClick={() => actions.resume.mutate(e)}
                >
                  Resume
                </Button>
              )}
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => actions.confirmDelete(e)}>
                Delete
              </Button>
            </>
          )
        }
      />
      <Group gap="xs" mb="md">
        <EndpointStatusBadge status={e.status} />
        <HealthBadge health={e.health} />
        {e.consumerId && !can.consumerId && (
          <Badge variant="light" color="indigo" tt="none">
            consumer {e.consumerId}
          </Badge>
        )}
      </Group>
      <Stack gap="lg">
        {e.status === 'DISABLED' && (
          <Alert color="red" icon={<IconBan />} title="This endpoint is disabled">
            {e.disabledReason ?? 'It was disabled.'} It receives nothing until it is resumed
            {can.write ? ': “Resume” re-enables it.' : '.'}
          </Alert>
        )}
        {e.status === 'PAUSED' && (
          <Alert color="yellow" icon={<IconPlayerPause />} title="Paused">
            New deliveries are held, none dropped; they go out when the endpoint is resumed.
          </Alert>
        )}
        {e.failingSince && (
          <Alert color="orange" icon={<IconAlertTriangle />} title="Failing">
            <Text size="sm">
              Every delivery has failed since <b>{exactTime(e.failingSince)}</b> (<TimeAgo value={e.failingSince} />
              ). The gateway retries on its schedule; new deliveries wait behind the retries.
            </Text>
            {can.write && e.health === 'RECOVERING' && (
              <Button
                mt="sm"
                size="xs"
                variant="light"
                color="orange"
                leftSection={<IconPlayerTrackNext size={16} />}
                loading={retryNow.isPending}
                onClick={() => retryNow.mutate()}
              >
                Retry now
              </Button>
            )}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: can.write ? 2 : 1 }} spacing="lg">
          <Card withBorder padding="lg">
            <Title order={2} fz="h4" mb="xs">
              Settings
            </Title>
            <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={6}>
              <Table.Tbody>
                <Detail label="Event types">
                  {e.eventTypes.length ? (
                    <Group gap={4}>
                      {e.eventTypes.map((t) => (
                        <Badge key={t} variant="outline" color="gray" tt="none">
                          {t}
                        </Badge>
                      ))}
                    </Group>
                  ) : (
                    'All event types'
                  )}
                </Detail>
                {!can.consumerId && <Detail label="Consumer">{e.consumerId ?? '–'}</Detail>}
                <Detail label="Rate limit">{e.rateLimit ? `${e.rateLimit} / s` : 'No limit'}</Detail>
                <Detail label="Timeout">{e.timeoutMs ? `${e.timeoutMs} ms` : 'Default (15 s)'}</Detail>
                <Detail label="Retry schedule">{e.retrySchedule ? <Code>{e.retrySchedule}</Code> : "The tenant's"}</Detail>
                <Detail label="Created">{exactTime(e.createdAt)}</Detail>
                <Detail label="Id">
                  <Code>{e.id}</Code>
                </Detail>
              </Table.Tbody>
            </Table>
            <Text size="sm" fw={500} mt="md" mb={6}>
              Custom headers
            </Text>
            <HeadersTable headers={e.headers} label="Custom headers" />
          </Card>
          {can.write && <EndpointSecretCard endpoint={e} />}
        </SimpleGrid>
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="md">
            <Title order={2} fz="h4">
              Deliveries over time
            </Title>
            <RangePicker value={range} onChange={setRange} />
          </Group>
          {stats.isError ? (
            <ErrorAlert error={stats.error} onRetry={() => stats.refetch()} />
          ) : !stats.data ? (
            <Loading rows={3} />
          ) : (
            <Stack>
              <StatsSummary stats={stats.data} />
              <DeliveryChart stats={stats.data} bucket={win.bucket} height={220} />
            </Stack>
          )}
        </Card>
        <Card withBorder padding="lg">
          <Group justify="space-between" mb="sm">
            <Title order={2} fz="h4">
              Recent deliveries
            </Title>
            <Select
              aria-label="Delivery status"
              placeholder="Any status"
              data={STATUS_OPTIONS}
              value={status}
              onChange={(v) => setStatus(v as DeliveryStatus | null)}
              clearable
              size="xs"
              w={160}
            />
          </Group>
          {deliveries.isError ? (
            <ErrorAlert error={deliveries.error} onRetry={() => deliveries.refetch()} />
          ) : deliveries.isPending ? (
            <Loading />
          ) : deliveries.items.length === 0 ? (
            <Text size="sm" c="dimmed" py="md">
              {status ? 'No delivery with this status.' : 'No deliveries yet. Send a test event to see one here.'}
            </Text>
          ) : (
            <DeliveriesTable deliveries={deliveries.items} showEndpoint={false} label="Recent deliveries" />
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
      {can.write && editing && <EndpointFormModal opened={editing} onClose={() => setEditing(false)} endpoint={e} />}
    </>
  );
}
