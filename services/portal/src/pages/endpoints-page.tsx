import type { Endpoint, EndpointFilter, EndpointStatus, Page } from '@acme/webhooks-sdk';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Menu,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconDots,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlugConnected,
  IconPlus,
  IconSearch,
  IconTrash,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useEndpointActions } from '../components/endpoint-actions.ts';
import { EndpointFormModal } from '../components/endpoint-form.tsx';
import { NewSecretModal } from '../components/endpoint-secret.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { EndpointStatusBadge, HealthBadge } from '../components/status-badge.tsx';
import { formatRate } from '../lib/format.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { usePhone } from '../lib/use-phone.ts';
import { useSignedIn } from '../session/session-context.tsx';

type EndpointRow = Endpoint & { stats: { successRate: number | null; counts: { total: number } } };

// The SDK's endpoint shape plus each endpoint's last 24 hours, in one request (graphql escape hatch).
const LIST_WITH_STATS = /* GraphQL */ `
  query PortalEndpoints($first: Int, $after: String, $filter: EndpointFilter, $since: DateTime) {
    endpoints(first: $first, after: $after, filter: $filter) {
      edges { node {
        id url description eventTypes consumerId status disabledReason health headers rateLimit timeoutMs
        retrySchedule metadata failingSince createdAt updatedAt
        stats(since: $since, bucket: DAY) { successRate counts { total } }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export default function EndpointsPage() {
  const { acme, can } = useSignedIn();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [status, setStatus] = useState<EndpointStatus | null>(null);
  const [secret, setSecret] = useState<{ id: string; value: string } | null>(null);
  const createOpen = params.get('create') === '1';
  const setCreateOpen = (open: boolean) => setParams(open ? { create: '1' } : {}, { replace: true });
  const actions = useEndpointActions();
  const phone = usePhone();
  const rowMenu = (e: EndpointRow) => (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${e.url}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {e.status === 'ACTIVE' ? (
          <Menu.Item leftSection={<IconPlayerPause size={16} />} onClick={() => actions.pause.mutate(e)}>
            Pause
          </Menu.Item>
        ) : (
          <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() => actions.resume.mutate(e)}>
            Resume
          </Menu.Item>
        )}
        <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => actions.confirmDelete(e)}>
          Delete
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
  const subtitle = (e: EndpointRow) =>
    [e.description, e.consumerId && !can.consumerId ? `consumer ${e.consumerId}` : null].filter(Boolean).join(' · ');

  const filter: EndpointFilter = { ...(debouncedSearch ? { search: debouncedSearch } : {}), ...(status ? { status } : {}) };
  const list = usePaged<EndpointRow>(
    ['endpoints', 'list', filter],
    async (after) => {
      const since = new Date(Date.now() - 86_400_000).toISOString();
      const data = await acme.graphql<{ endpoints: { edges: { node: EndpointRow }[]; pageInfo: Page<EndpointRow>['pageInfo'] } }>(
        LIST_WITH_STATS,
        { first: PAGE_SIZE, after, filter, since },
      );
      return { items: data.endpoints.edges.map((e) => e.node), pageInfo: data.endpoints.pageInfo };
    },
    { refetchInterval: 15_000 },
  );
  const filtered = Boolean(debouncedSearch || status);

  return (
    <>
      <PageHeader
        title="Endpoints"
        description={can.consumerId ? `Where ${can.consumerId}'s webhooks are delivered.` : 'Where your webhooks are delivered.'}
        actions={
          can.write && (
            <Button leftSection={<IconPlus size={18} />} onClick={() => setCreateOpen(true)}>
              Add endpoint
            </Button>
          )
        }
      />
      <Group mb="md" gap="sm" wrap="wrap">
        <TextInput
          placeholder="Search URL or description"
          aria-label="Search endpoints"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          style={{ flex: '1 1 240px' }}
        />
        <Select
          aria-label="Status"
          placeholder="Any status"
          data={[
            { value: 'ACTIVE', label: 'Active' },
            { value: 'PAUSED', label: 'Paused' },
            { value: 'DISABLED', label: 'Disabled' },
          ]}
          value={status}
          onChange={(v) => setStatus(v as EndpointStatus | null)}
          clearable
          w={160}
        />
      </Group>
      {list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      ) : list.isPending ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconPlugConnected size={32} />}
            variant="light"
            title={filtered ? 'No endpoint matches' : 'No endpoints yet'}
            description={
              filtered
                ? 'Try another search or status.'
                : 'An endpoint is a URL that receives your webhooks. Add one, then send it a test event.'
            }
          >
            {!filtered && can.write && (
              <EmptyState.Actions>
                <Button leftSection={<IconPlus size={18} />} onClick={() => setCreateOpen(true)}>
                  Add your first endpoint
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        </Card>
      ) : phone ? (
        <Stack gap="sm" role="list" aria-label="Endpoints">
          {list.items.map((e) => (
            <Card key={e.id} withBorder padding="sm" role="listitem">
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                <Stack gap={2} style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/endpoints/${e.id}`} fw={500} size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {e.url}
                  </Anchor>
                  {subtitle(e) && (
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {subtitle(e)}
                    </Text>
                  )}
                </Stack>
                {can.write && rowMenu(e)}
              </Group>
              <Group gap="xs" mt="xs">
                <EndpointStatusBadge status={e.status} />
                <HealthBadge health={e.health} />
                <Text size="xs" c="dimmed">
                  {formatRate(e.stats.successRate)} of {e.stats.counts.total} in 24 h
                </Text>
              </Group>
            </Card>
          ))}
        </Stack>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Endpoints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Health</Table.Th>
                  <Table.Th>Success (24 h)</Table.Th>
                  <Table.Th>Event types</Table.Th>
                  {can.write && <Table.Th aria-label="Actions" />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td maw={360}>
                      <Anchor component={Link} to={`/endpoints/${e.id}`} fw={500} size="sm" style={{ wordBreak: 'break-all' }}>
                        {e.url}
                      </Anchor>
                      {subtitle(e) && (
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {subtitle(e)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <EndpointStatusBadge status={e.status} />
                    </Table.Td>
                    <Table.Td>
                      <HealthBadge health={e.health} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={e.stats.successRate !== null && e.stats.successRate < 0.9 ? 'red' : undefined}>
                        {formatRate(e.stats.successRate)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {e.stats.counts.total} deliveries
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {e.eventTypes.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          All
                        </Text>
                      ) : (
                        <Group gap={4}>
                          {e.eventTypes.slice(0, 2).map((t) => (
                            <Badge key={t} variant="outline" color="gray" tt="none">
                              {t}
                            </Badge>
                          ))}
                          {e.eventTypes.length > 2 && (
                            <Text size="xs" c="dimmed">
                              +{e.eventTypes.length - 2}
                            </Text>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                    {can.write && <Table.Td ta="right">{rowMenu(e)}</Table.Td>}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <Stack>
        <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} noun="endpoint" />
      </Stack>
      {can.write && (
        <EndpointFormModal
          opened={createOpen}
          onClose={() => setCreateOpen(false)}
          onCreated={(endpoint, value) => setSecret({ id: endpoint.id, value })}
        />
      )}
      <NewSecretModal
        secret={secret?.value ?? null}
        onClose={() => {
          const id = secret?.id;
          setSecret(null);
          if (id) navigate(`/endpoints/${id}`);
        }}
      />
    </>
  );
}
