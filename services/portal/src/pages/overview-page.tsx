import type { Endpoint } from '@acme/webhooks-sdk';
import { Anchor, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { DeliveryChart } from '../components/delivery-chart.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { GettingStarted } from '../components/getting-started.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { RangePicker } from '../components/range-picker.tsx';
import { Stat, StatsSummary } from '../components/stats-summary.tsx';
import { EndpointStatusBadge, HealthBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { formatCount } from '../lib/format.ts';
import { type RangeKey, statsWindow } from '../lib/time-range.ts';
import { useSignedIn } from '../session/session-context.tsx';

const REFRESH_MS = 15_000;

function EndpointList({
  title,
  endpoints,
  empty,
  detail,
}: {
  title: string;
  endpoints: Endpoint[] | undefined;
  empty: string;
  detail: (e: Endpoint) => ReactNode;
}) {
  return (
    <Card withBorder padding="lg">
      <Title order={2} fz="h4" mb="sm">
        {title}
      </Title>
      {!endpoints ? (
        <Loading rows={2} />
      ) : endpoints.length === 0 ? (
        <Group gap="xs" c="teal">
          <IconCircleCheck size={18} aria-hidden />
          <Text size="sm">{empty}</Text>
        </Group>
      ) : (
        <List spacing="sm" listStyleType="none">
          {endpoints.map((e) => (
            <List.Item key={e.id}>
              <Anchor component={Link} to={`/endpoints/${e.id}`} size="sm" fw={500} style={{ wordBreak: 'break-all' }}>
                {e.url}
              </Anchor>
              <Text size="xs" c="dimmed" component="div">
                {detail(e)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}

export default function OverviewPage() {
  const { acme, can } = useSignedIn();
  const [range, setRange] = useState<RangeKey>('24h');
  const win = statsWindow(range);
  const stats = useQuery({
    queryKey: ['stats', 'tenant', range, win.until],
    queryFn: () => acme.stats(win),
    refetchInterval: REFRESH_MS,
  });
  const anyEndpoint = useQuery({ queryKey: ['endpoints', 'first'], queryFn: () => acme.endpoints.list({ first: 1 }) });
  const anyEvent = useQuery({ queryKey: ['events', 'first'], queryFn: () => acme.events.list({ first: 1 }) });
  const failing = useQuery({
    queryKey: ['endpoints', 'recovering'],
    queryFn: () => acme.endpoints.list({ health: 'RECOVERING', first: 10 }),
    refetchInterval: REFRESH_MS,
  });
  const disabled = useQuery({
    queryKey: ['endpoints', 'disabled'],
    queryFn: () => acme.endpoints.list({ status: 'DISABLED', first: 10 }),
    refetchInterval: REFRESH_MS,
  });
  const deadLetters = useQuery({
    queryKey: ['dead-letters', 'count'],
    queryFn: () => acme.deadLetters.list({ first: 100 }),
    refetchInterval: REFRESH_MS,
  });

  const firstEndpoint = anyEndpoint.data?.items[0] ?? null;
  const step = !anyEndpoint.data || !anyEvent.data ? null : !firstEndpoint ? 0 : anyEvent.data.items.length === 0 ? 1 : null;
  const deadCount = deadLetters.data
    ? `${formatCount(deadLetters.data.items.length)}${deadLetters.data.pageInfo.hasNextPage ? '+' : ''}`
    : '…';

  return (
    <>
      <PageHeader
        title="Overview"
        description={can.consumerId ? `Deliveries to ${can.consumerId}'s endpoints.` : 'How your webhooks are doing.'}
        actions={<RangePicker value={range} onChange={setRange} />}
      />
      {step !== null && <GettingStarted step={step as 0 | 1} firstEndpointId={firstEndpoint?.id ?? null} canWrite={can.write} />}
      <Stack gap="lg">
        {stats.isError ? (
          <ErrorAlert error={stats.error} onRetry={() => stats.refetch()} />
        ) : !stats.data ? (
          <Loading rows={3} label="Loading stats" />
        ) : (
          <>
            <StatsSummary
              stats={stats.data}
              extra={
                <Anchor
                  component={Link}
                  to="/dead-letters"
                  underline="never"
                  c="inherit"
                  display="block"
                  h="100%"
                  aria-label={`Dead letters: ${deadCount}`}
                >
                  <Stat
                    label="Dead letters"
                    value={deadCount}
                    color={deadLetters.data?.items.length ? 'red' : undefined}
                    hint="Deliveries whose retries ran out, waiting for a replay (all time)"
                  />
                </Anchor>
              }
            />
            <Card withBorder padding="lg">
              <Title order={2} fz="h4" mb="md">
                Deliveries over time
              </Title>
              <DeliveryChart stats={stats.data} bucket={win.bucket} />
            </Card>
          </>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          {failing.isError ? (
            <ErrorAlert error={failing.error} />
          ) : (
            <EndpointList
              title="Failing endpoints"
              endpoints={failing.data?.items}
              empty="No endpoint is failing."
              detail={(e) => (
                <>
                  Retrying
                  {e.failingSince ? (
                    <>
                      {' '}
                      — failing since <TimeAgo value={e.failingSince} size="xs" />
                    </>
                  ) : null}{' '}
                  · <HealthBadge health={e.health} />
                </>
              )}
            />
          )}
          {disabled.isError ? (
            <ErrorAlert error={disabled.error} />
          ) : (
            <EndpointList
              title="Disabled endpoints"
              endpoints={disabled.data?.items}
              empty="No endpoint is disabled."
              detail={(e) => (
                <>
                  <EndpointStatusBadge status={e.status} /> {e.disabledReason ?? ''}
                </>
              )}
            />
          )}
        </SimpleGrid>
      </Stack>
    </>
  );
}
