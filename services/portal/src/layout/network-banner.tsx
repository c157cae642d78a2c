import { Alert } from '@mantine/core';
import { useNetwork } from '@mantine/hooks';
import { IconWifiOff } from '@tabler/icons-react';
import { useSyncExternalStore } from 'react';
import { apiEvents } from '../lib/api-events.ts';

/** Shown while the browser is offline or the last call could not reach the gateway. */
export function NetworkBanner() {
  const unreachable = useSyncExternalStore(apiEvents.subscribe, apiEvents.unreachable);
  const { online } = useNetwork();
  if (online && !unreachable) return null;
  return (
    <Alert color="orange" icon={<IconWifiOff />} title="Connection problem" mb="md" role="status">
      {online
        ? 'The gateway is not answering. What you see may be out of date; the portal keeps retrying.'
        : 'Your browser is offline. What you see may be out of date.'}
    </Alert>
  );
}
