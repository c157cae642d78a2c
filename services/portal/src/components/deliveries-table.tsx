import type { Delivery } from '@acme/webhooks-sdk';
import { Anchor, Group, Paper, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDuration } from '../lib/format.ts';
import { usePhone } from '../lib/use-phone.ts';
import { DeliveryStatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';

function lastAttemptText(d: Delivery): string {
  const last = d.lastAttempt;
  if (!last) return 'not attempted yet';
  const answer = last.responseStatus != null ? `HTTP ${last.responseStatus}` : last.outcome.replaceAll('_', ' ').toLowerCase();
  return `${answer} · ${d.attemptCount} ${d.attemptCount === 1 ? 'attempt' : 'attempts'}`;
}

/** Deliveries as a table; each row opens the delivery's attempt log. */
export function DeliveriesTable({
  deliveries,
  showEndpoint = true,
  showEvent = true,
  actions,
  label,
}: {
  deliveries: Delivery[];
  showEndpoint?: boolean;
  showEvent?: boolean;
  actions?: (delivery: Delivery) => ReactNode;
  label: string;
}) {
  const phone = usePhone();
  if (phone)
    return (
      <Stack gap="xs" p={4} role="list" aria-label={label}>
        {deliveries.map((d) => (
          <Paper key={d.id} withBorder p="sm" role="listitem">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                <DeliveryStatusBadge status={d.status} />
                <Anchor
                  component={Link}
                  to={`/deliveries/${d.id}`}
                  size="sm"
                  ff="monospace"
                  truncate="end"
                  aria-label={`Delivery ${d.id}`}
                >
                  {d.id}
                </Anchor>
              </Group>
              {actions && <div style={{ flexShrink: 0 }}>{actions(d)}</div>}
            </Group>
            <Text size="sm" mt={6}>
              {showEvent && <b>{d.event.eventType} </b>}
              <Text span size="xs" c="dimmed">
                {lastAttemptText(d)} · <TimeAgo value={d.createdAt} size="xs" />
              </Text>
            </Text>
            {showEndpoint && (
              <Text size="xs" c="dimmed" truncate="end">
                to {d.endpoint.url}
              </Text>
            )}
          </Paper>
        ))}
      </Stack>
    );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table highlightOnHover verticalSpacing="sm" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Delivery</Table.Th>
            {showEvent && <Table.Th>Event</Table.Th>}
            {showEndpoint && <Table.Th>Endpoint</Table.Th>}
            <Table.Th>Last attempt</Table.Th>
            <Table.Th>Created</Table.Th>
            {actions && <Table.Th aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deliveries.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <DeliveryStatusBadge status={d.status} />
                  <Anchor component={Link} to={`/deliveries/${d.id}`} size="sm" ff="monospace" aria-label={`Delivery ${d.id}`}>
                    {d.id.slice(0, 12)}…
                  </Anchor>
                </Group>
              </Table.Td>
              {showEvent && (
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {d.event.eventType}
                  </Text>
                  {d.event.consumerId && (
                    <Text size="xs" c="dimmed">
                      for {d.event.consumerId}
                    </Text>
                  )}
                </Table.Td>
              )}
              {showEndpoint && (
                <Table.Td maw={280}>
                  <Anchor component={Link} to={`/endpoints/${d.endpoint.id}`} size="sm" truncate="end" display="block">
                    {d.endpoint.url}
                  </Anchor>
                </Table.Td>
              )}
              <Table.Td>
                {d.lastAttempt ? (
                  <Text size="sm">
                    {d.lastAttempt.responseStatus != null
                      ? `HTTP ${d.lastAttempt.responseStatus}`
                      : d.lastAttempt.outcome.replaceAll('_', ' ').toLowerCase()}
                    <Text span c="dimmed" size="xs">
                      {' '}
                      · {formatDuration(d.lastAttempt.durationMs)} · {d.attemptCount}{' '}
                      {d.attemptCount === 1 ? 'attempt' : 'attempts'}
                    </Text>
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    Not attempted yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <TimeAgo value={d.createdAt} size="sm" c="dimmed" />
              </Table.Td>
              {actions && <Table.Td ta="right">{actions(d)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
