import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useId } from 'react';
import type { KeyValueRow } from '../lib/key-value-rows.ts';

/** Rows of name and value inside a form (custom headers, metadata), each row labelled for screen readers. */
export function KeyValueField<Values extends Record<string, any>>({
  form,
  field,
  label,
  description,
  noun,
  namePlaceholder,
  valuePlaceholder,
}: {
  form: UseFormReturnType<Values>;
  /** The form field holding the rows. */
  field: keyof Values & string;
  label: string;
  description: string;
  /** What one row is called: "Header", "Metadata key". */
  noun: string;
  namePlaceholder: string;
  valuePlaceholder: string;
}) {
  const rows = form.values[field] as KeyValueRow[];
  // The API's refusal of the whole field (a header value it will not send, a metadata value too long).
  const error = form.errors[field];
  const errorId = useId();
  return (
    <Stack gap={6} role="group" aria-label={label} aria-describedby={error ? errorId : undefined}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Text size="xs" c="dimmed" mt={-4}>
        {description}
      </Text>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their index is their identity
        <Group key={index} gap="xs" align="flex-start" wrap="nowrap">
          <TextInput
            aria-label={`${noun} ${index + 1} name`}
            placeholder={namePlaceholder}
            style={{ flex: 1 }}
            {...form.getInputProps(`${field}.${index}.name`)}
          />
          <TextInput
            aria-label={`${noun} ${index + 1} value`}
            placeholder={valuePlaceholder}
            style={{ flex: 1 }}
            {...form.getInputProps(`${field}.${index}.value`)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            size="lg"
            aria-label={`Remove ${noun.toLowerCase()} ${row.name || index + 1}`}
            onClick={() => form.removeListItem(field, index)}
          >
            <IconTrash size={18} />
          </ActionIcon>
        </Group>
      ))}
      {error && (
        <Text size="xs" c="red" id={errorId}>
          {error}
        </Text>
      )}
      <Group>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => form.insertListItem(field, { name: '', value: '' } as never)}
        >
          Add {noun.toLowerCase()}
        </Button>
      </Group>
    </Stack>
  );
}
