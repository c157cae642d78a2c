import type { CreateEndpointInput, Endpoint } from '@acme/webhooks-sdk';
import { Accordion, Button, Group, Modal, MultiSelect, NumberInput, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { fieldOf } from '../lib/field-errors.ts';
import { type KeyValueRow, keyValueObject, keyValueRows, rowNameError } from '../lib/key-value-rows.ts';
import { useSignedIn } from '../session/session-context.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { KeyValueField } from './key-value-field.tsx';

interface Values {
  url: string;
  description: string;
  eventTypes: string[];
  consumerId: string;
  headers: KeyValueRow[];
  rateLimit: number | string;
  timeoutMs: number | string;
  retrySchedule: string;
  metadata: KeyValueRow[];
}

const FIELDS = [
  'url',
  'description',
  'eventTypes',
  'consumerId',
  'headers',
  'rateLimit',
  'timeoutMs',
  'retrySchedule',
  'metadata',
] as const;

function initialValues(endpoint?: Endpoint): Values {
  return {
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    eventTypes: endpoint?.eventTypes ?? [],
    consumerId: endpoint?.consumerId ?? '',
    headers: keyValueRows(endpoint?.headers),
    rateLimit: endpoint?.rateLimit ?? '',
    timeoutMs: endpoint?.timeoutMs ?? '',
    retrySchedule: endpoint?.retrySchedule ?? '',
    metadata: keyValueRows(endpoint?.metadata),
  };
}

const numberOrNull = (value: number | string) => (value === '' ? null : Number(value));
/** `headers.2.name` → 2. */
const rowOf = (path: string) => Number(path.split('.')[1]);
/** Fields inside the folded "advanced" section: it opens when the API blames one of them. */
const ADVANCED: readonly string[] = ['timeoutMs', 'retrySchedule', 'metadata'];

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
  // An API refusal that names no field of the form: shown above it. One that names a field is shown there.
  const [error, setError] = useState<unknown>(null);
  const [advanced, setAdvanced] = useState<string | null>(() =>
    endpoint && (endpoint.timeoutMs || endpoint.retrySchedule || keyValueRows(endpoint.metadata).length > 0) ? 'advanced' : null,
  );
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
      // Row shape only; what a header or metadata entry may contain is the API's to say (shown at the field).
      headers: { name: (_value, values, path) => rowNameError(values.headers, rowOf(path), { ignoreCase: true }) },
      metadata: { name: (_value, values, path) => rowNameError(values.metadata, rowOf(path), { ignoreCase: false }) },
      rateLimit: (value) => (value === '' || Number(value) >= 1 ? null : 'At least 1 per second, or empty for no limit'),
    },
  });

  const save = useMutation({
    mutationFn: async (values: Values) => {
      const input: CreateEndpointInput = {
        url: values.url.trim(),
        description: values.description.trim(),
        eventTypes: values.eventTypes,
        headers: keyValueObject(values.headers),
        metadata: keyValueObject(values.metadata),
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
      const field = fieldOf(err, FIELDS);
      if (!field) return setError(err);
      form.setFieldError(field, (err as Error).message);
      if (ADVANCED.includes(field)) setAdvanced('advanced');
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
          <KeyValueField
            form={form}
            field="headers"
            label="Custom headers"
            description="Sent with every request. The gateway's own headers (webhook-*, content-type) cannot be overridden."
            noun="Header"
            namePlaceholder="X-Header-Name"
            valuePlaceholder="value"
          />
          <NumberInput
            label="Rate limit"
            description="Deliveries per second at most. Empty: no limit."
            placeholder="No limit"
            min={1}
            allowDecimal={false}
            suffix=" / s"
            {...form.getInputProps('rateLimit')}
          />
          <Accordion variant="contained" chevronPosition="left" value={advanced} onChange={setAdvanced}>
            <Accordion.Item value="advanced">
              <Accordion.Control>Timeout, retry schedule and metadata</Accordion.Control>
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
                  <KeyValueField
                    form={form}
                    field="metadata"
                    label="Metadata"
                    description="Your own labels for this endpoint (team, customer plan...): kept with it, never sent."
                    noun="Metadata key"
                    namePlaceholder="team"
                    valuePlaceholder="billing"
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
