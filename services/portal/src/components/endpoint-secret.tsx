import type { Endpoint } from '@acme/webhooks-sdk';
import { Alert, Button, Card, Group, Modal, Select, Stack, Text, Title } from '@mantine/core';
import { IconEye, IconEyeOff, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatGrace } from '../lib/format.ts';
import { useSignedIn } from '../session/session-context.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { SecretValue } from './secret-value.tsx';
import { exactTime } from './time-ago.tsx';

const GRACE_OPTIONS = [0, 3600, 86_400, 7 * 86_400].map((seconds) => ({
  value: String(seconds),
  label: seconds === 0 ? 'Stop signing with the old secret now' : `Keep the old secret for ${formatGrace(seconds)}`,
}));

/** The endpoint's signing secret: hidden until revealed; copy; rotate with a grace period. */
export function EndpointSecretCard({ endpoint }: { endpoint: Endpoint }) {
  const { acme } = useSignedIn();
  const [revealed, setRevealed] = useState(false);
  const [rotateOpen, setRotateOpen] = useState(false);
  const [grace, setGrace] = useState('86400');
  const secret = useQuery({
    queryKey: ['endpoint-secret', endpoint.id],
    queryFn: () => acme.endpoints.getSecret(endpoint.id),
    enabled: revealed,
    staleTime: 0,
    gcTime: 0,
  });
  const rotate = useMutation({
    mutationFn: () => acme.endpoints.rotateSecret(endpoint.id, { graceSeconds: Number(grace) }),
    onSuccess: () => {
      setRevealed(true);
      void secret.refetch();
    },
  });

  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Title order={2} fz="h4">
          Signing secret
        </Title>
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            leftSection={revealed ? <IconEyeOff size={16} /> : <IconEye size={16} />}
            onClick={() => setRevealed((r) => !r)}
          >
            {revealed ? 'Hide secret' : 'Reveal secret'}
          </Button>
          <Button
            variant="light"
            color="orange"
            size="xs"
            leftSection={<IconRefresh size={16} />}
            onClick={() => setRotateOpen(true)}
          >
            Rotate secret
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        Your receiver verifies the <code>webhook-signature</code> header with this secret (Standard Webhooks).
      </Text>
      {!revealed ? (
        <Text ff="monospace" size="sm" aria-label="Signing secret (hidden)">
          whsec_••••••••••••••••••••••••
        </Text>
      ) : secret.isPending ? (
        <Text size="sm">Loading…</Text>
      ) : secret.isError ? (
        <ErrorAlert error={secret.error} onRetry={() => secret.refetch()} />
      ) : (
        <SecretValue secret={secret.data} />
      )}
      {rotate.data && (
        <Alert color="teal" mt="sm" title="Secret rotated">
          {rotate.data.previousSecretExpiresAt
            ? `The previous secret keeps signing beside the new one until ${exactTime(rotate.data.previousSecretExpiresAt)}: update your receiver before then.`
            : 'The previous secret no longer signs: update your receiver now.'}
        </Alert>
      )}
      <Modal opened={rotateOpen} onClose={() => setRotateOpen(false)} title="Rotate the signing secret">
        <Stack>
          <Text size="sm">
            A new secret signs every request from now on. During the grace period, requests carry a signature with each secret, so
            receivers still using the old one keep verifying.
          </Text>
          <Select
            label="Grace period"
            data={GRACE_OPTIONS}
            value={grace}
            onChange={(v) => setGrace(v ?? '86400')}
            allowDeselect={false}
          />
          {rotate.isError && <ErrorAlert error={rotate.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRotateOpen(false)}>
              Cancel
            </Button>
            <Button
              color="orange"
              loading={rotate.isPending}
              onClick={() => rotate.mutate(undefined, { onSuccess: () => setRotateOpen(false) })}
            >
              Rotate secret
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

/** Shown once, right after an endpoint is created. */
export function NewSecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  return (
    <Modal opened={secret !== null} onClose={onClose} title="Endpoint created" size="lg">
      <Stack>
        <Text size="sm">
          This is its signing secret. Your receiver verifies each request's signature with it; you can reveal it again on the
          endpoint's page.
        </Text>
        {secret && <SecretValue secret={secret} />}
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
