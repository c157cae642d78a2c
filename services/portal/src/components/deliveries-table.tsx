import type { Delivery } from '@acme/webhooks-sdk';
import { Anchor, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDuration } from '../lib/format.ts';
import { type ListColumn, ResponsiveList } from './responsive-list.tsx';
import { DeliveryStatusBadge } from './status-badge.tsx';
import { TimeAgo } from './time-ago.tsx';

function lastAttemptText(d: Delivery): string {
  const last = d.lastAttempt;
  if (!last) return 'not attempted yet';
  const answer = last.responseStatus != null ? `HTTP ${last.responseStatus}` : last.outcome.replaceAll('_', ' ').toLowerCase();
  return `${answer} · ${d.attemptCount} ${d.attemptCount === 1 ? 'attempt' : 'attempts'}`;
}

/** The delivery's status and id, linking to its attempt log. The whole id, cut by CSS: what is read out is what is shown. */
function DeliveryLink({ d, maw }: { d: Delivery; maw?: number }) {
  return (
    <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
      <DeliveryStatusBadge status={d.status} />
      <Anchor
        component={Link}
        to={`/deliveries/${d.id}`}
        size="sm"
        ff="monospace"
        truncate="end"
        maw={maw}
        aria-label={`Delivery ${d.id}`}
      >
        {d.id}
      </Anchor>
    </Group>
  );
}

function LastAttempt({ d }: { d: Delivery }) {
  if (!d.lastAttempt)
    return (
      <Text size="sm" c="dimmed">
        Not attempted yet
      </Text>
    );
  return (
    <Text size="sm">
      {d.lastAttempt.responseStatus != null
        ? `HTTP ${d.lastAttempt.responseStatus}`
        : d.lastAttempt.outcome.replaceAll('_', ' ').toLowerCase()}
      <Text span c="dimmed" size="xs">
        {' '}
        · {formatDuration(d.lastAttempt.durationMs)} · {d.attemptCount} {d.attemptCount === 1 ? 'attempt' : 'attempts'}
      </Text>
    </Text>
  );
}

/** Deliveries as a table (cards on a phone); each row opens the delivery's attempt log. */
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
  const columns: ListColumn<Delivery>[] = [
    { header: 'Delivery', cell: (d) => <DeliveryLink d={d} maw={130} /> },
    ...(showEvent
      ? [
          {
            header: 'Event',
            cell: (d: Delivery) => (
              <>
                <Text size="sm" fw={500}>
                  {d.event.eventType}
                </Text>
                {d.event.consumerId && (
                  <Text size="xs" c="dimmed">
                    for {d.event.consumerId}
                  </Text>
                )}
              </>
            ),
          },
        ]
      : []),
    ...(showEndpoint
      ? [
          {
            header: 'Endpoint',
            td: { maw: 280 },
            cell: (d: Delivery) => (
              <Anchor component={Link} to={`/endpoints/${d.endpoint.id}`} size="sm" truncate="end" display="block">
                {d.endpoint.url}
              </Anchor>
            ),
          },
        ]
      : []),
    { header: 'Last attempt', cell: (d) => <LastAttempt d={d} /> },
    { header: 'Created', cell: (d) => <TimeAgo value={d.createdAt} size="sm" c="dimmed" /> },
    ...(actions ? [{ header: 'Actions', headerHidden: true, td: { ta: 'right' as const }, cell: actions }] : []),
  ];
  return (
    <ResponsiveList
      items={deliveries}
      label={label}
      rowKey={(d) => d.id}
      minWidth={640}
      framed={false}
      columns={columns}
      card={(d) => (
        <>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <DeliveryLink d={d} />
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
        </>
      )}
    />
  );
}
