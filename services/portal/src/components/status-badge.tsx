import type { AttemptOutcome, DeliveryStatus, EndpointHealth, EndpointStatus } from '@acme/webhooks-sdk';
import { Badge } from '@mantine/core';

const DELIVERY: Record<DeliveryStatus, { color: string; label: string }> = {
  PENDING: { color: 'blue', label: 'Pending' },
  SUCCEEDED: { color: 'green', label: 'Succeeded' },
  DEAD_LETTERED: { color: 'red', label: 'Dead-lettered' },
  CANCELLED: { color: 'gray', label: 'Cancelled' },
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const { color, label } = DELIVERY[status];
  return (
    <Badge color={color} variant="light" style={{ flexShrink: 0 }}>
      {label}
    </Badge>
  );
}

const ENDPOINT: Record<EndpointStatus, { color: string; label: string }> = {
  ACTIVE: { color: 'green', label: 'Active' },
  PAUSED: { color: 'yellow', label: 'Paused' },
  DISABLED: { color: 'red', label: 'Disabled' },
};

export function EndpointStatusBadge({ status }: { status: EndpointStatus }) {
  const { color, label } = ENDPOINT[status];
  return (
    <Badge color={color} variant="dot" style={{ flexShrink: 0 }}>
      {label}
    </Badge>
  );
}

export function HealthBadge({ health }: { health: EndpointHealth }) {
  return health === 'HEALTHY' ? (
    <Badge color="teal" variant="light" style={{ flexShrink: 0 }}>
      Healthy
    </Badge>
  ) : (
    <Badge color="orange" variant="light" style={{ flexShrink: 0 }}>
      Recovering
    </Badge>
  );
}

const OUTCOME: Record<AttemptOutcome, { color: string; label: string }> = {
  SUCCESS: { color: 'green', label: 'Success' },
  HTTP_ERROR: { color: 'red', label: 'HTTP error' },
  TIMEOUT: { color: 'orange', label: 'Timeout' },
  CONNECTION_ERROR: { color: 'red', label: 'Connection error' },
  DNS_ERROR: { color: 'red', label: 'DNS error' },
  TLS_ERROR: { color: 'red', label: 'TLS error' },
  REDIRECT: { color: 'yellow', label: 'Redirect' },
  BLOCKED_DESTINATION: { color: 'grape', label: 'Blocked destination' },
};

export function OutcomeBadge({ outcome }: { outcome: AttemptOutcome }) {
  const { color, label } = OUTCOME[outcome];
  return (
    <Badge color={color} variant="outline" style={{ flexShrink: 0 }}>
      {label}
    </Badge>
  );
}

export const outcomeColor = (outcome: AttemptOutcome) => OUTCOME[outcome].color;
