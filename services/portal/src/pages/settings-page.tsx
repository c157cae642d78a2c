import type { Tenant } from '@acme/webhooks-sdk';
import { Alert, Anchor, Button, Card, Code, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Stat } from '../components/stat.tsx';
import { fieldOf } from '../lib/field-errors.ts';
import { formatCount } from '../lib/format.ts';
import { useSignedIn } from '../session/session-context.tsx';

const FIELDS = ['retrySchedule', 'operationalEndpointId'] as const;

interface Values {
  retrySchedule: string;
  operationalEndpointId: string | null;
}

/** The tenant's retry schedule and operational endpoint; the API validates, its message shows at the field. */
function SettingsForm({ tenant }: { tenant: Tenant }) {
  const { acme } = useSignedIn();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const endpoints = useQuery({ queryKey: ['endpoints', 'options'], queryFn: () => acme.endpoints.list({ first: 100 }) });
  const form = useForm<Values>({
    initialValues: { retrySchedule: tenant.retrySchedule ?? '', operationalEndpointId: tenant.operationalEndpointId },
  });
  const save = useMutation({
    mutationFn: (values: Values) =>
      acme.tenants.updateSettings({
        // '' returns to the gateway's default schedule.
        retrySchedule: values.retrySchedule.trim(),
        operationalEndpointId: values.operationalEndpointId,
      }),
    onMutate: () => setError(null),
    onError: (err) => {
      const field = fieldOf(err, FIELDS);
      if (field) form.setFieldError(field, (err as Error).message);
      else setError(err);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['tenant-settings'], saved);
      form.resetDirty({ retrySchedule: saved.retrySchedule ?? '', operationalEndpointId: saved.operationalEndpointId });
      notifications.show({ color: 'teal', message: 'Settings saved.' });
    },
  });
  const options = (endpoints.data?.items ?? []).map((e) => ({ value: e.id, label: e.url }));
  if (tenant.operationalEndpointId && !options.some((o) => o.value === tenant.operationalEndpointId))
    options.push({ value: tenant.operationalEndpointId, label: tenant.operationalEndpointId });

  return (
    <Card withBorder padding="lg">
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack gap="md">
          {error !== null && <ErrorAlert error={error} />}
          <TextInput
            label="Retry schedule"
            description={
              <>
                Delays before each attempt, e.g. <Code>0s,5s,5m,30m,2h</Code>: the first number is the first attempt, each next
                one waits that long after the previous failure. Empty: the gateway's default. An endpoint's own schedule wins over
                this one.
              </>
            }
            placeholder="The gateway's default"
            autoComplete="off"
            {...form.getInputProps('retrySchedule')}
          />
          <Select
            label="Operational endpoint"
            description={
              <>
                Receives a signed webhook when the gateway disables an endpoint, dead-letters a delivery or sees an endpoint
                recover (<Code>acme.endpoint.disabled</Code>, <Code>acme.delivery.dead_lettered</Code>,{' '}
                <Code>acme.endpoint.recovered</Code>). Empty: they are only{' '}
                <Anchor component={Link} to="/operational-events" size="xs" underline="always">
                  listed here
                </Anchor>
                .
              </>
            }
            placeholder={endpoints.isPending ? 'Loading endpoints…' : 'None'}
            data={options}
            searchable
            clearable
            nothingFoundMessage="No such endpoint"
            {...form.getInputProps('operationalEndpointId')}
          />
          <Group justify="flex-end">
            <Button
              type="submit"
              leftSection={<IconDeviceFloppy size={16} />}
              loading={save.isPending}
              disabled={!form.isDirty()}
            >
              Save settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export default function SettingsPage() {
  const { acme, can } = useSignedIn();
  const tenant = useQuery({ queryKey: ['tenant-settings'], queryFn: () => acme.tenants.getSettings(), enabled: can.manage });
  if (!can.manage) return <Alert color="gray">Only a full-access key changes the tenant's settings.</Alert>;
  return (
    <>
      <PageHeader title="Settings" description="How the gateway retries your deliveries, and where it reports what it did." />
      {tenant.isError ? (
        <ErrorAlert error={tenant.error} onRetry={() => tenant.refetch()} />
      ) : !tenant.data ? (
        <Loading rows={4} />
      ) : (
        <Stack gap="lg">
          <SettingsForm tenant={tenant.data} />
          <Card withBorder padding="lg">
            <Title order={2} fz="h4" mb={4}>
              Limits
            </Title>
            <Text size="sm" c="dimmed" mb="md">
              Set by the gateway's operator for {tenant.data.name}.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
              <Stat
                label="Publish rate"
                value={`${formatCount(tenant.data.limits.publishRatePerSecond)} / s`}
                hint="Events per second, sustained; a publish above it is refused with RATE_LIMITED and Retry-After"
              />
              <Stat
                label="Burst"
                value={formatCount(tenant.data.limits.publishBurst)}
                hint="Events that may be published at once above the sustained rate"
              />
              <Stat
                label="Largest payload"
                value={`${formatCount(Math.round(tenant.data.limits.maxPayloadBytes / 1024))} KiB`}
                hint="A larger payload is refused with PAYLOAD_TOO_LARGE"
              />
            </SimpleGrid>
          </Card>
        </Stack>
      )}
    </>
  );
}
