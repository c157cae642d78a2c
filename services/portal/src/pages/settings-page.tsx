import type { ApiKeyScope } from '@acme/webhooks-sdk';
import { Alert, Badge, Button, Card, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconKey, IconLink } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createElement } from 'react';
import { ErrorAlert } from '../components/error-alert.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SecretValue } from '../components/secret-value.tsx';
import { exactTime, TimeAgo } from '../components/time-ago.tsx';
import { describeError } from '../lib/describe-error.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { useSignedIn } from '../session/session-context.tsx';

function PortalLinkCard() {
  const { acme } = useSignedIn();
  const form = useForm({
    initialValues: { consumerId: '', ttlMinutes: 60 as number | string },
    validate: { consumerId: (v) => (v.trim() ? null : 'The consumer whose endpoints the link shows') },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      acme.portalSessions.create({ consumerId: v.consumerId.trim(), ttlSeconds: Math.round(Number(v.ttlMinutes) * 60) }),
  });
  return (
    <Card withBorder padding="lg">
      <Title order={2} fz="h4" mb={4}>
        Portal link for a consumer
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Let one of your customers manage their own endpoints and see their deliveries, and nothing else. Embed the link in your
        app (an iframe or a new tab); make a fresh one each time, server-side, with <code>createPortalSession</code>.
      </Text>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Consumer"
            placeholder="customer_42"
            required
            style={{ flex: '1 1 200px' }}
            {...form.getInputProps('consumerId')}
          />
          <NumberInput
            label="Valid for"
            suffix=" min"
            min={1}
            max={1440}
            allowDecimal={false}
            w={130}
            {...form.getInputProps('ttlMinutes')}
          />
          <Button type="submit" leftSection={<IconLink size={16} />} loading={create.isPending}>
            Create link
          </Button>
        </Group>
      </form>
      {create.isError && (
        <Stack mt="md">
          <ErrorAlert error={create.error} />
        </Stack>
      )}
      {create.data && (
        <Alert color="teal" mt="md" title={`Link for ${create.data.consumerId}, valid until ${exactTime(create.data.expiresAt)}`}>
          <SecretValue secret={create.data.url} label="Portal link" />
        </Alert>
      )}
    </Card>
  );
}

const SCOPES: { value: ApiKeyScope; label: string }[] = [
  { value: 'FULL_ACCESS', label: 'Full access' },
  { value: 'READ_ONLY', label: 'Read only' },
  { value: 'PUBLISH_ONLY', label: 'Publish only (for your backend)' },
];

function ApiKeysCard() {
  const { acme, viewer } = useSignedIn();
  const queryClient = useQueryClient();
  const keys = usePaged(['api-keys'], (after) => acme.apiKeys.list({ first: PAGE_SIZE, after }));
  const form = useForm({
    initialValues: { name: '', scope: 'PUBLISH_ONLY' as ApiKeyScope },
    validate: { name: (v) => (v.trim() ? null : 'Name it after where it is used') },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) => acme.apiKeys.create({ name: v.name.trim(), scopes: [v.scope] }),
    onSuccess: () => {
      form.reset();
      return queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => acme.apiKeys.revoke(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
    onError: (error) => notifications.show({ color: 'red', title: 'Could not revoke', message: describeError(error).message }),
  });
  const confirmRevoke = (id: string, name: string) =>
    modals.openConfirmModal({
      title: `Revoke ${name}?`,
      children: createElement(
        'p',
        { style: { margin: 0, fontSize: 'var(--mantine-font-size-sm)' } },
        'It stops working at once, everywhere. This cannot be undone.',
      ),
      labels: { confirm: 'Revoke key', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(id),
    });

  return (
    <Card withBorder padding="lg">
      <Title order={2} fz="h4" mb="md">
        API keys
      </Title>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Group align="flex-end" gap="sm" wrap="wrap" mb="md">
          <TextInput
            label="Name"
            placeholder="billing-service"
            required
            style={{ flex: '1 1 200px' }}
            {...form.getInputProps('name')}
          />
          <Select label="Scope" data={SCOPES} allowDeselect={false} w={250} {...form.getInputProps('scope')} />
          <Button type="submit" leftSection={<IconKey size={16} />} loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </form>
      {create.isError && <ErrorAlert error={create.error} />}
      {create.data && (
        <Alert color="teal" mb="md" title={`Key ${create.data.apiKey.name} created: copy it now, it is shown only once`}>
          <SecretValue secret={create.data.token} label="API key" />
        </Alert>
      )}
      {keys.isError ? (
        <ErrorAlert error={keys.error} onRetry={() => keys.refetch()} />
      ) : keys.isPending ? (
        <Loading rows={3} />
      ) : (
        <Table.ScrollContainer minWidth={620}>
          <Table verticalSpacing="xs" aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.items.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {k.name}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {k.prefix}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {k.scopes.map((s) => (
                        <Badge key={s} variant="light" color={s === 'PORTAL' ? 'indigo' : 'gray'}>
                          {s === 'PORTAL' ? `portal · ${k.consumerId}` : s.replace('_', ' ').toLowerCase()}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <TimeAgo value={k.lastUsedAt} size="sm" c="dimmed" />
                  </Table.Td>
                  <Table.Td>
                    <TimeAgo value={k.expiresAt} size="sm" c="dimmed" />
                  </Table.Td>
                  <Table.Td ta="right">
                    {k.id === viewer.apiKey?.id ? (
                      <Text size="xs" c="dimmed">
                        this session
                      </Text>
                    ) : (
                      <Button size="xs" variant="subtle" color="red" onClick={() => confirmRevoke(k.id, k.name)}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore {...keys} hasNextPage={keys.hasNextPage} count={keys.items.length} noun="key" />
    </Card>
  );
}

export default function SettingsPage() {
  const { can } = useSignedIn();
  if (!can.manage) return <Alert color="gray">Only a full-access key manages API keys and portal links.</Alert>;
  return (
    <>
      <PageHeader title="API keys & portal links" description="Who may call the gateway, and links for your customers." />
      <Stack gap="lg">
        <PortalLinkCard />
        <ApiKeysCard />
      </Stack>
    </>
  );
}
