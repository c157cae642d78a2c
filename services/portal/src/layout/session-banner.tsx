import { Alert, Text } from '@mantine/core';
import { IconUserShield } from '@tabler/icons-react';
import { exactTime, TimeAgo } from '../components/time-ago.tsx';
import { useSignedIn } from '../session/session-context.tsx';

/** A portal session sees one consumer's data: say whose, and until when. */
export function SessionBanner() {
  const { viewer, can } = useSignedIn();
  if (!can.consumerId) return null;
  const expiresAt = viewer.apiKey?.expiresAt;
  return (
    <Alert color="indigo" variant="light" icon={<IconUserShield />} mb="md" aria-label="Portal session">
      <Text size="sm">
        You are managing the webhooks of <b>{can.consumerId}</b>
        {viewer.tenant ? <> at {viewer.tenant.name}</> : null}.{' '}
        {expiresAt && (
          <>
            This session expires <TimeAgo value={expiresAt} fw={600} /> ({exactTime(expiresAt)}).
          </>
        )}
      </Text>
    </Alert>
  );
}
