import type { CreateEndpointInput, Endpoint } from '@acme/webhooks-sdk';
import {
  Accordion,
  ActionIcon,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { fieldOf } from '../lib/field-errors.ts';
import { type HeaderRow, headerNameError, headerRows, headersObject } from '../lib/header-rows.ts';
import { useSignedIn } from '../session/session-context.tsx';
import { ErrorAlert } from './error-alert.tsx';

interface Values {
  url: string;
  description: string;
  eventTypes: string[];
  consumerId: string;
  headers: HeaderRow[];
  rateLimit: number | string;
  timeoutMs: number | string;
  retrySchedule: string;
}

const FIELDS = ['url', 'description', 'eventTypes', 'consumerId', 'headers', 'rateLimit', 'timeoutMs', 'retrySchedule'] as const;

function initialValues(endpoint?: Endpoint): Values {
  return {
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    eventTypes: endpoint?.eventTypes ?? [],
    consumerId: endpoint?.consumerId ?? '',
    headers: headerRows(endpoint?.headers),
    rateLimit: endpoint?.rateLimit ?? '',
    timeoutMs: endpoint?.timeoutMs ?? '',
    retrySchedule: endpoint?.retrySchedule ?? '',
  };
}

const numberOrNull = (value: number | string) => (value === '' ? null : Number(value));

/** Create an endpoint, or edit one: URL, description, event types, consumer, headers, limits. */
export function EndpointFormModal({
  opened,
  onClose,
  endpoint,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  endpoint?: Endpoint;
  onCreated?: (endpoint: Endpoint, secret: string) => void;
}) {
  const { acme, can } = useSignedIn();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const eventTypes = useQuery({ queryKey: ['event-types', false], queryFn: () => acme.eventTypes.list() });
  const form = useForm<Values>({
    initialValues: initialValues(endpoint),
    validate: {
      url: (value) => {
        if (!value.trim()) return 'The URL deliveries are sent to';
        try {
          const url = new URL(value.trim());
          return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'Use an http:// or https:// URL';
        } catch {
          return 'Not a URL: e.g. https://example.com/webhooks';
        }
      },
      headers: { name: (_value, values, path) => headerNameError(values.headers, Number(path.split('.')[1])) },
      rateLimit: (value) => (value === '' || Number(value) >= 1 ? null : 'At least 1 per second, or empty for no limit'),
    },
  });

  const save = useMutation({
    mutationFn: async (values: Values) => {
      const input: CreateEndpointInput = {
        url: values.url.trim(),
        description: values.description.trim(),
        eventTypes: values.eventTypes,
        headers: headersObject(values.headers),
        rateLimit: numberOrNull(values.rateLimit),
        timeoutMs: numberOrNull(values.timeoutMs),
        retrySchedule: values.retrySchedule.trim() || null,
      };
      // A portal session's endpoints always belong to its consumer: the API sets it.
      if (!can.consumerId) input.consumerId = values.consumerId.trim() || null;
      if (endpoint) return { endpoint: await acme.endpoints.update(endpoint.id, input), secret: null };
      return acme.endpoints.create(input);
    },
    onMutate: () => setError(null),
    onError: (err) => {
      setError(err);
      const field = fieldOf(err, FIELDS);
      if (field) form.setFieldError(field, (err as Error).message);
    },
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['endpoints'] });
      queryClient.setQueryData(['endpoint', result.endpoint.id], result.endpoint);
      if (result.secret) onCreated?.(result.endpoint, result.secret);
      form.reset();
      onClose();
    },
  });

  const typeOptions = (eventTypes.data?.items ?? []).map((t) => ({ value: t.name, label: t.name }));
  for (const name of form.values.eventTypes)
    if (!typeOptions.some((o) => o.value === name)) typeOptions.push({ value: name, label: name });

  return (
    <Modal opened={opened} onClose={onClose} title={endpoint ? 'Edit endpoint' : 'Add an endpoint'} size="lg">
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack gap="md">
          {error !== null && <ErrorAlert error={error} />}
          <TextInput
            label="Endpoint URL"
            placeholder="https://example.com/webhooks"
            required
            type="url"
            autoComplete="off"
            data-autofocus
            {...form.getInputProps('url')}
          />
          <Textarea
            label="Description"
            placeholder="What receives these webhooks"
            autosize
            minRows={1}
            {...form.getInputProps('description')}
          />
          <MultiSelect
            label="Event types"
            description="Leave empty to receive every event type."
            placeholder={form.values.eventTypes.length ? undefined : 'All event types'}
            data={typeOptions}
            searchable
            clearable
            nothingFoundMessage={eventTypes.isPending ? 'Loading…' : 'No such event type'}
            {...form.getInputProps('eventTypes')}
          />
          {!can.consumerId && (
            <TextInput
              label="Consumer"
              description="Your customer this endpoint belongs to. Events published for a consumer go only to its endpoints."
              placeholder="e.g. customer_42 (optional)"
              {...form.getInputProps('consumerId')}
            />
          )}
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              Custom headers
            </Text>
            <Text size="xs" c="dimmed" mt={-4}>
              Sent with every request. The gateway's own headers (webhook-*, content-type) cannot be overridden.
            </Text>
            {form.values.headers.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their index is their identity
              <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  aria-label={`Header ${index + 1} name`}
                  placeholder="X-Header-Name"
                  style={{ flex: 1 }}
                  {...form.getInputProps(`headers.${index}.name`)}
                />
                <TextInput
                  aria-label={`Header ${index + 1} value`}
                  placeholder="value"
                  style={{ flex: 1 }}
                  {...form.getInputProps(`headers.${index}.value`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  aria-label={`Remove header ${row.name || index + 1}`}
                  onClick={() => form.removeListItem('headers', index)}
                >
                  <IconTrash size={18} />
                </ActionIcon>
              </Group>
            ))}
            {form.errors.headers && (
              <Text size="xs" c="red">
                {form.errors.headers}
              </Text>
            )}
            <Group>
              <Button
                variant="light"
                size="xs"
                leftSection={<IconPlus size={14} />}
                onClick={() => form.insertListItem('headers', { name: '', value: '' })}
              >
                Add header
              </Button>
            </Group>
          </Stack>
          <NumberInput
            label="Rate limit"
            description="Deliveries per second at most. Empty: no limit."
            placeholder="No limit"
            min={1}
            allowDecimal={false}
            suffix=" / s"
            {...form.getInputProps('rateLimit')}
          />
          <Accordion variant="contained" chevronPosition="left">
            <Accordion.Item value="advanced">
              <Accordion.Control>Timeout and retry schedule</Accordion.Control>
              <Accordion.Panel>
                <Stack gap="md">
                  <NumberInput
                    label="Timeout"
                    description="How long the receiver may take to answer. Empty: the gateway's default (15 s)."
                    placeholder="15000"
                    min={1000}
                    max={60000}
                    step={1000}
                    allowDecimal={false}
                    suffix=" ms"
                    {...form.getInputProps('timeoutMs')}
                  />
                  <TextInput
                    label="Retry schedule"
                    description="Delays before each attempt, e.g. 0s,5s,5m,30m,2h. Empty: the tenant's schedule."
                    placeholder="0s,5s,5m,30m,2h,5h,10h,10h"
                    {...form.getInputProps('retrySchedule')}
                  />
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {endpoint ? 'Save changes' : 'Create endpoint'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
