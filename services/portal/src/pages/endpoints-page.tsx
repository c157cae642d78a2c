import type { EndpointFilter, EndpointStatus, EndpointWithStats } from '@acme/webhooks-sdk';
import { ActionIcon, Anchor, Badge, Button, EmptyState, Group, Menu, Select, Stack, Text, TextInput } from '@mantine/core';
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
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { ResponsiveList } from '../components/responsive-list.tsx';
import { EndpointStatusBadge, HealthBadge } from '../components/status-badge.tsx';
import { formatRate } from '../lib/format.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

function EventTypes({ types }: { types: string[] }) {
  if (types.length === 0)
    return (
      <Text size="sm" c="dimmed">
        All
      </Text>
    );
  return (
    <Group gap={4}>
      {types.slice(0, 2).map((t) => (
        <Badge key={t} variant="outline" color="gray" tt="none">
          {t}
        </Badge>
      ))}
      {types.length > 2 && (
        <Text size="xs" c="dimmed">
          +{types.length - 2}
        </Text>
      )}
    </Group>
  );
}

/** The endpoint's URL (a link to it) and the line under it, in the table and on a phone card alike. */
function EndpointName({ endpoint, subtitle }: { endpoint: { id: string; url: string }; subtitle: string }) {
  return (
    <>
      <Anchor component={Link} to={`/endpoints/${endpoint.id}`} fw={500} size="sm" style={{ overflowWrap: 'anywhere' }}>
        {endpoint.url}
      </Anchor>
      {subtitle && (
        <Text size="xs" c="dimmed" lineClamp={1}>
          {subtitle}
        </Text>
      )}
    </>
  );
}

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
  const rowMenu = (e: EndpointWithStats) => (
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
  const subtitle = (e: EndpointWithStats) =>
    [e.description, e.consumerId && !can.consumerId ? `consumer ${e.consumerId}` : null].filter(Boolean).join(' · ');

  const filter: EndpointFilter = { ...(debouncedSearch ? { search: debouncedSearch } : {}), ...(status ? { status } : {}) };
  // Each endpoint's last 24 hours come with the page: one request, one grouped stats query in the API.
  const list = usePaged(
    ['endpoints', 'list', filter],
    (after) =>
      acme.endpoints.listWithStats({
        ...filter,
        first: PAGE_SIZE,
        after,
        withTotalCount: after === null,
        stats: { since: new Date(Date.now() - 86_400_000).toISOString(), bucket: 'DAY' },
      }),
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
      <PagedListBody
        list={list}
        empty={
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
        }
      >
        {() => (
          <ResponsiveList
            items={list.items}
            label="Endpoints"
            rowKey={(e) => e.id}
            minWidth={720}
            columns={[
              {
                header: 'URL',
                td: { maw: 360 },
                cell: (e) => <EndpointName endpoint={e} subtitle={subtitle(e)} />,
              },
              { header: 'Status', cell: (e) => <EndpointStatusBadge status={e.status} /> },
              { header: 'Health', cell: (e) => <HealthBadge health={e.health} /> },
              {
                header: 'Success (24 h)',
                cell: (e) => (
                  <>
                    <Text size="sm" c={e.stats.successRate !== null && e.stats.successRate < 0.9 ? 'red' : undefined}>
                      {formatRate(e.stats.successRate)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {e.stats.counts.total} deliveries
                    </Text>
                  </>
                ),
              },
              { header: 'Event types', cell: (e) => <EventTypes types={e.eventTypes} /> },
              ...(can.write ? [{ header: 'Actions', headerHidden: true, td: { ta: 'right' as const }, cell: rowMenu }] : []),
            ]}
            card={(e) => (
              <>
                <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <EndpointName endpoint={e} subtitle={subtitle(e)} />
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
              </>
            )}
          />
        )}
      </PagedListBody>
      <Stack>
        <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} total={list.total} noun="endpoint" />
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
