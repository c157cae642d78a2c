import { Button, Group, JsonInput, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconSend } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { fieldOf } from '../lib/field-errors.ts';
import { useSignedIn } from '../session/session-context.tsx';
import { ErrorAlert } from './error-alert.tsx';

/** Publish an event by hand (full-access keys): type, consumer, payload checked against the type's schema by the API. */
export function PublishEventButton() {
  const { acme } = useSignedIn();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const types = useQuery({ queryKey: ['event-types', false], queryFn: () => acme.eventTypes.list(), enabled: opened });
  const form = useForm({
    initialValues: { eventType: '', consumerId: '', payload: '{\n  \n}', idempotencyKey: '' },
    validate: {
      eventType: (v) => (v ? null : 'Pick an event type'),
      payload: (v) => {
        try {
          JSON.parse(v);
          return null;
        } catch {
          return 'Not valid JSON';
        }
      },
    },
  });
  const publish = useMutation({
    mutationFn: (values: typeof form.values) =>
      acme.events.publish({
        eventType: values.eventType,
        payload: JSON.parse(values.payload),
        consumerId: values.consumerId.trim() || null,
        ...(values.idempotencyKey.trim() ? { idempotencyKey: values.idempotencyKey.trim() } : {}),
      }),
    onError: (error) => {
      const field = fieldOf(error, ['payload', 'eventType', 'consumerId', 'idempotencyKey']);
      if (field) form.setFieldError(field, (error as Error).message);
    },
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['events'] });
      setOpened(false);
      form.reset();
      navigate(`/events/${result.event.id}`);
    },
  });
  const pickType = (name: string | null) => {
    form.setFieldValue('eventType', name ?? '');
    const example = types.data?.items.find((t) => t.name === name)?.example;
    if (example !== undefined && example !== null) form.setFieldValue('payload', JSON.stringify(example, null, 2));
  };

  return (
    <>
      <Button leftSection={<IconSend size={18} />} onClick={() => setOpened(true)}>
        Publish event
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Publish an event" size="lg">
        <form onSubmit={form.onSubmit((values) => publish.mutate(values))} noValidate>
          <Stack>
            {publish.isError && <ErrorAlert error={publish.error} />}
            <Select
              label="Event type"
              required
              data={(types.data?.items ?? []).map((t) => t.name)}
              searchable
              {...form.getInputProps('eventType')}
              onChange={pickType}
            />
            <TextInput
              label="Consumer"
              description="Only this consumer's endpoints receive it."
              placeholder="Everyone subscribed"
              {...form.getInputProps('consumerId')}
            />
            <JsonInput
              label="Payload"
              required
              autosize
              minRows={6}
              maxRows={18}
              formatOnBlur
              validationError="Not valid JSON"
              {...form.getInputProps('payload')}
            />
            <TextInput
              label="Idempotency key"
              description="Publishing again with the same key returns the first event."
              placeholder="Generated"
              {...form.getInputProps('idempotencyKey')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={publish.isPending}>
                Publish
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
