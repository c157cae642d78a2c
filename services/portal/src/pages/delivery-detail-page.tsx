import { type DeliveryAttempt, NotFoundError } from '@acme/webhooks-sdk';
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBulb, IconCheck, IconPlayerTrackNext, IconRepeat, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { BodyView } from '../components/body-view.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { HeadersTable } from '../components/headers-table.tsx';
import { Loading } from '../components/loading.tsx';
import { NotFound } from '../components/not-found.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { DeliveryStatusBadge, OutcomeBadge, outcomeColor } from '../components/status-badge.tsx';
import { exactTime, TimeAgo } from '../components/time-ago.tsx';
import { describeError } from '../lib/describe-error.ts';
import { formatDuration } from '../lib/format.ts';
import { useSignedIn } from '../session/session-context.tsx';

function AttemptItem({ attempt }: { attempt: DeliveryAttempt }) {
  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="wrap">
        <OutcomeBadge outcome={attempt.outcome} />
        {attempt.responseStatus != null && (
          <Badge color={attempt.responseStatus < 300 ? 'green' : 'red'} variant="filled">
            HTTP {attempt.responseStatus}
          </Badge>
        )}
        <Text size="sm" c="dimmed">
          {exactTime(attempt.startedAt)} · {formatDuration(attempt.durationMs)} ·{' '}
          {attempt.path === 'FAST' ? 'first attempt (dispatcher)' : 'retry (endpoint workflow)'}
        </Text>
      </Group>
      {attempt.error && (
        <Text size="sm" c="red">
          {attempt.error}
        </Text>
      )}
      {attempt.hint && (
        <Alert color="yellow" variant="light" icon={<IconBulb />} p="xs" title="What to do">
          {attempt.hint}
        </Alert>
      )}
      <Tabs defaultValue="response" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="response">Response</Tabs.Tab>
          <Tabs.Tab value="request">Request</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="response" pt="sm">
          <Stack gap="sm">
            <Text size="sm">
              Status: <b>{attempt.responseStatus ?? 'no response'}</b>
            </Text>
            <Text size="sm" fw={500}>
              Headers
            </Text>
            <HeadersTable headers={attempt.responseHeaders} label={`Response headers of attempt ${attempt.attemptNumber}`} />
            <Text size="sm" fw={500}>
              Body
            </Text>
            <BodyView body={attempt.responseBody} label={`Response body of attempt ${attempt.attemptNumber}`} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="request" pt="sm">
          <Stack gap="sm">
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              <Code>POST</Code> {attempt.url}
            </Text>
            <Text size="sm" fw={500}>
              Headers{' '}
              <Text span size="xs" c="dimmed">
                (the signature is not stored)
              </Text>
            </Text>
            <HeadersTable headers={attempt.requestHeaders} label={`Request headers of attempt ${attempt.attemptNumber}`} />
            <Text size="sm" fw={500}>
              Body
            </Text>
            <BodyView
              body={attempt.requestBody}
              label={`Request body of attempt ${attempt.attemptNumber}`}
              empty="The payload was expunged"
            />
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

export default function DeliveryDetailPage() {
  const { id = '' } = useParams();
  const { acme, can } = useSignedIn();
  const queryClient = useQueryClient();
  const delivery = useQuery({
    queryKey: ['delivery', id],
    queryFn: () => acme.deliveries.get(id),
    // A pending delivery changes by itself: follow it.
    refetchInterval: (query) => (query.state.data?.status === 'PENDING' ? 2000 : false),
  });
  const settle = (verb: string) => ({
    onSuccess: () => {
      notifications.show({ color: 'teal', message: verb });
      void queryClient.invalidateQueries({ queryKey: ['delivery', id] });
      void queryClient.invalidateQueries({ queryKey: ['deliveries'] });
      void queryClient.invalidateQueries({ queryKey: ['dead-letters'] });
    },
    onError: (error: unknown) => {
      const d = describeError(error);
      notifications.show({ color: 'red', title: d.title, message: `${d.message}${d.code ? ` (${d.code})` : ''}` });
    },
  });
  const replay = useMutation({
    mutationFn: () => acme.deliveries.replay(id),
    ...settle('Replayed: the delivery is on its way again.'),
  });
  const retry = useMutation({ mutationFn: () => acme.deliveries.retryNow(id), ...settle('The next retry goes out now.') });

  if (delivery.isError)
    return delivery.error instanceof NotFoundError ? (
      <NotFound what="Delivery" back="/events" backLabel="All events" />
    ) : (
      <ErrorAlert error={delivery.error} onRetry={() => delivery.refetch()} />
    );
  if (!delivery.data) return <Loading rows={6} />;
  const d = delivery.data;
  const attempts = [...d.attempts].sort((a, b) => b.attemptNumber - a.attemptNumber);

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to={`/events/${d.event.id}`}>
          Event {d.event.eventType}
        </Anchor>
        <Text size="sm" c="dimmed">
          Delivery
        </Text>
      </Breadcrumbs>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            Delivery <DeliveryStatusBadge status={d.status} />
          </Group>
        }
        description={<Code>{d.id}</Code>}
        actions={
          can.write &&
          (d.status === 'PENDING' ? (
            <Button
              leftSection={<IconPlayerTrackNext size={16} />}
              loading={retry.isPending}
              onClick={() => retry.mutate()}
              disabled={!d.nextAttemptAt}
            >
              Retry now
            </Button>
          ) : (
            <Button leftSection={<IconRepeat size={16} />} loading={replay.isPending} onClick={() => replay.mutate()}>
              Replay
            </Button>
          ))
        }
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing={{ base: 'xs', sm: 'md' }}>
          <Card withBorder padding="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Endpoint
            </Text>
            <Anchor
              component={Link}
              to={`/endpoints/${d.endpoint.id}`}
              size="sm"
              truncate="end"
              display="block"
              title={d.endpoint.url}
            >
              {d.endpoint.url}
            </Anchor>
          </Card>
          <Card withBorder padding="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Event
            </Text>
            <Anchor component={Link} to={`/events/${d.event.id}`} size="sm">
              {d.event.eventType}
            </Anchor>
            <Text size="xs" c="dimmed" ff="monospace" truncate="end" title={d.event.id}>
              {d.event.id}
            </Text>
          </Card>
          <Card withBorder padding="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Attempts
            </Text>
            <Text size="sm">{d.attemptCount}</Text>
            {d.status === 'PENDING' && (
              <Text size="xs" c="dimmed">
                {d.nextAttemptAt ? (
                  <>
                    next <TimeAgo value={d.nextAttemptAt} size="xs" />
                  </>
                ) : (
                  'waiting for its endpoint'
                )}
              </Text>
            )}
          </Card>
          <Card withBorder padding="md">
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Created
            </Text>
            <Text size="sm">{exactTime(d.createdAt)}</Text>
            {d.completedAt && (
              <Text size="xs" c="dimmed">
                finished {exactTime(d.completedAt)}
              </Text>
            )}
          </Card>
        </SimpleGrid>
        {d.status === 'DEAD_LETTERED' && (
          <Alert color="red" icon={<IconX />} title="Dead-lettered">
            Every scheduled attempt failed. Fix the receiver (the last attempt's hint says how), then replay: the same webhook-id
            is sent again, so a receiver that deduplicates stays safe.
          </Alert>
        )}
        <Card withBorder padding="lg">
          <Title order={2} fz="h4" mb="md">
            Attempts
          </Title>
          {attempts.length === 0 ? (
            <Text size="sm" c="dimmed">
              Not attempted yet.
            </Text>
          ) : (
            <Timeline active={attempts.length} bulletSize={28} lineWidth={2} aria-label="Attempt timeline">
              {attempts.map((attempt) => (
                <Timeline.Item
                  key={attempt.attemptNumber}
                  color={outcomeColor(attempt.outcome)}
                  bullet={attempt.outcome === 'SUCCESS' ? <IconCheck size={16} /> : <IconX size={16} />}
                  title={
                    <Text fw={600} size="sm">
                      Attempt {attempt.attemptNumber}
                    </Text>
                  }
                >
                  <AttemptItem attempt={attempt} />
                </Timeline.Item>
              ))}
            </Timeline>
          )}
        </Card>
      </Stack>
    </>
  );
}
