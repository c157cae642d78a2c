import type { Endpoint } from '@acme/webhooks-sdk';
import { Anchor, Button, Group, Loader, Modal, Select, Stack, Text } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { formatDuration } from '../lib/format.ts';
import { useSignedIn } from '../session/session-context.tsx';
import { BodyView } from './body-view.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { DeliveryStatusBadge, OutcomeBadge } from './status-badge.tsx';
import { exactTime } from './time-ago.tsx';

/** Sends a test event to the endpoint at once and shows what became of it: status, response, hint. */
export function TestEventButton({ endpoint, size = 'sm' }: { endpoint: Endpoint; size?: 'xs' | 'sm' }) {
  const { acme } = useSignedIn();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [eventType, setEventType] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => acme.endpoints.sendTestEvent(endpoint.id, eventType ? { eventType } : {}),
    onSuccess: () => {
      for (const key of ['deliveries', 'events', 'stats', 'endpoints']) void queryClient.invalidateQueries({ queryKey: [key] });
    },
  });
  const deliveryId = send.data?.id;
  // Follow the delivery until its first attempt is recorded (the dispatcher sends it within moments).
  const delivery = useQuery({
    queryKey: ['delivery', deliveryId],
    queryFn: () => acme.deliveries.get(deliveryId!),
    enabled: Boolean(deliveryId),
    refetchInterval: (query) => {
      const d = query.state.data;
      return d && (d.attemptCount > 0 || d.status !== 'PENDING') ? false : 700;
    },
  });
  // Once its first attempt is in, the lists and stats behind the dialog are out of date.
  const finished = Boolean(delivery.data && (delivery.data.attemptCount > 0 || delivery.data.status !== 'PENDING'));
  useEffect(() => {
    if (finished)
      for (const key of ['deliveries', 'events', 'stats', 'endpoints']) void queryClient.invalidateQueries({ queryKey: [key] });
  }, [finished, queryClient]);
  const types = useQuery({ queryKey: ['event-types', false], queryFn: () => acme.eventTypes.list(), enabled: opened });
  const options = (endpoint.eventTypes.length ? endpoint.eventTypes : (types.data?.items ?? []).map((t) => t.name)).map((n) => ({
    value: n,
    label: n,
  }));

  const start = () => {
    send.reset();
    setOpened(true);
    send.mutate();
  };
  const d = delivery.data;
  // The full attempt (with the response body): a delivery's lastAttempt is a summary.
  const attempt = d?.attempts.reduce<(typeof d.attempts)[number] | undefined>(
    (last, a) => (!last || a.attemptNumber > last.attemptNumber ? a : last),
    undefined,
  );
  const waiting = send.isPending || (Boolean(deliveryId) && (!d || (d.attemptCount === 0 && d.status === 'PENDING')));

  return (
    <>
      <Button
        size={size}
        variant="light"
        leftSection={<IconSend size={16} />}
        onClick={start}
        disabled={endpoint.status === 'DISABLED'}
      >
        Send test event
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Test event" size="lg">
        <Stack gap="md" aria-live="polite">
          {send.isError && <ErrorAlert error={send.error} />}
          {waiting && (
            <Group gap="sm">
              <Loader size="sm" />
              <Text size="sm">{send.isPending ? 'Sending a test event…' : 'Waiting for the first attempt…'}</Text>
            </Group>
          )}
          {delivery.isError && <ErrorAlert error={delivery.error} />}
          {d && !waiting && (
            <Stack gap="sm" data-testid="test-delivery">
              <Group gap="sm">
                <DeliveryStatusBadge status={d.status} />
                {attempt && <OutcomeBadge outcome={attempt.outcome} />}
                {attempt?.responseStatus != null && (
                  <Text size="sm" fw={600}>
                    HTTP {attempt.responseStatus}
                  </Text>
                )}
                {attempt && (
                  <Text size="sm" c="dimmed">
                    in {formatDuration(attempt.durationMs)}
                  </Text>
                )}
              </Group>
              <Text size="sm">
                Event <b>{d.event.eventType}</b> ({d.event.id}).
                {d.status === 'PENDING' && d.nextAttemptAt && <> Next attempt at {exactTime(d.nextAttemptAt)}.</>}
              </Text>
              {attempt?.hint && (
                <Text size="sm" c="orange.8">
                  {attempt.hint}
                </Text>
              )}
              {attempt?.error && (
                <Text size="sm" c="red">
                  {attempt.error}
                </Text>
              )}
              <Text size="sm" fw={500}>
                Response body
              </Text>
              <BodyView body={attempt?.responseBody} label="Response body" />
              <Anchor component={Link} to={`/deliveries/${d.id}`} size="sm" onClick={() => setOpened(false)}>
                Open the delivery
              </Anchor>
            </Stack>
          )}
          <Group justify="space-between" align="flex-end" mt="sm">
            <Select
              label="Event type"
              placeholder="The endpoint's first, or webhook.test"
              data={options}
              value={eventType}
              onChange={setEventType}
              clearable
              size="xs"
              w={260}
              comboboxProps={{ withinPortal: true }}
            />
            <Button size="xs" variant="default" onClick={() => send.mutate()} loading={send.isPending}>
              Send another
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
