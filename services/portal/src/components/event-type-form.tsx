import type { EventType } from '@acme/webhooks-sdk';
import { Button, Group, JsonInput, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldOf } from '../lib/field-errors.ts';
import { useSignedIn } from '../session/session-context.tsx';
import { ErrorAlert } from './error-alert.tsx';

const NAME = /^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/;

function jsonError(value: string): string | null {
  if (!value.trim()) return null;
  try {
    JSON.parse(value);
    return null;
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

const pretty = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 2));
const parsed = (value: string) => (value.trim() ? JSON.parse(value) : null);

/** Create or edit an event type: name, description, JSON Schema and example (checked by the API, errors shown in place). */
export function EventTypeFormModal({
  opened,
  onClose,
  eventType,
}: {
  opened: boolean;
  onClose: () => void;
  eventType?: EventType;
}) {
  const { acme } = useSignedIn();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: {
      name: eventType?.name ?? '',
      description: eventType?.description ?? '',
      schema: pretty(eventType?.schema),
      example: pretty(eventType?.example),
    },
    validate: {
      name: (v) => (NAME.test(v.trim()) ? null : 'Dot-separated words, e.g. invoice.paid'),
      schema: jsonError,
      example: jsonError,
    },
  });
  const save = useMutation({
    mutationFn: (values: typeof form.values) => {
      const input = { description: values.description.trim(), schema: parsed(values.schema), example: parsed(values.example) };
      return eventType
        ? acme.eventTypes.update(eventType.name, input)
        : acme.eventTypes.create({ name: values.name.trim(), ...input });
    },
    onError: (error) => {
      const field = fieldOf(error, ['name', 'description', 'schema', 'example']);
      if (field) form.setFieldError(field, (error as Error).message);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['event-types'] });
      form.reset();
      onClose();
    },
  });

  return (
    <Modal opened={opened} onClose={onClose} title={eventType ? `Edit ${eventType.name}` : 'New event type'} size="xl">
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          {save.isError && <ErrorAlert error={save.error} />}
          <TextInput
            label="Name"
            required
            placeholder="invoice.paid"
            disabled={Boolean(eventType)}
            description={eventType ? 'A name cannot change: publishers and endpoints refer to it.' : undefined}
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Textarea
            label="Description"
            placeholder="When it is sent and what it means"
            autosize
            minRows={2}
            {...form.getInputProps('description')}
          />
          <JsonInput
            label="JSON Schema"
            description="Optional. Every published payload must match it (2020-12 by default, or draft-07 with $schema)."
            placeholder={
              '{\n  "type": "object",\n  "required": ["invoiceId"],\n  "properties": { "invoiceId": { "type": "string" } }\n}'
            }
            // A fixed height: formatting on blur must not move the buttons under the pointer.
            rows={10}
            resize="vertical"
            formatOnBlur
            {...form.getInputProps('schema')}
          />
          <JsonInput
            label="Example payload"
            description="Optional; must match the schema. Test events use it (else one is made from the schema)."
            placeholder={'{ "invoiceId": "inv_42" }'}
            rows={5}
            resize="vertical"
            formatOnBlur
            {...form.getInputProps('example')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {eventType ? 'Save changes' : 'Create event type'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
