import type { EventType } from '@acme/webhooks-sdk';
import { Accordion, Badge, Button, Card, EmptyState, Group, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconArchiveOff, IconCategory, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../components/error-alert.tsx';
import { EventTypeFormModal } from '../components/event-type-form.tsx';
import { JsonViewer } from '../components/json-view.tsx';
import { Loading } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { describeError } from '../lib/describe-error.ts';
import { useSignedIn } from '../session/session-context.tsx';

export default function EventTypesPage() {
  const { acme, can } = useSignedIn();
  const queryClient = useQueryClient();
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<EventType | 'new' | null>(null);
  const types = useQuery({
    queryKey: ['event-types', showArchived],
    queryFn: () => acme.eventTypes.list({ includeArchived: showArchived }),
  });
  const toggleArchived = useMutation({
    mutationFn: (t: EventType) => (t.archived ? acme.eventTypes.unarchive(t.name) : acme.eventTypes.archive(t.name)),
    onSuccess: (t) => {
      notifications.show({
        color: t.archived ? 'gray' : 'teal',
        message: t.archived ? `${t.name} archived: it can no longer be published.` : `${t.name} can be published again.`,
      });
      return queryClient.invalidateQueries({ queryKey: ['event-types'] });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'Could not change the event type', message: describeError(error).message }),
  });
  const items = types.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Event types"
        description="What you publish: each type's meaning and the JSON Schema its payloads follow."
        actions={
          can.manage && (
            <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
              New event type
            </Button>
          )
        }
      />
      <Group justify="flex-end" mb="sm">
        <Switch label="Show archived" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} />
      </Group>
      {types.isError ? (
        <ErrorAlert error={types.error} onRetry={() => types.refetch()} />
      ) : types.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <Card withBorder padding="xl">
          <EmptyState
            icon={<IconCategory size={32} />}
            variant="light"
            title="No event types yet"
            description={
              can.manage
                ? 'Declare what you send, e.g. invoice.paid, with an optional JSON Schema that every payload must match.'
                : 'The event types you can subscribe to appear here.'
            }
          >
            {can.manage && (
              <EmptyState.Actions>
                <Button leftSection={<IconPlus size={18} />} onClick={() => setEditing('new')}>
                  Create an event type
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        </Card>
      ) : (
        <Accordion variant="separated" multiple chevronPosition="left" aria-label="Event types">
          {items.map((t) => (
            <Accordion.Item key={t.name} value={t.name}>
              <Accordion.Control>
                <Group gap="sm" wrap="nowrap" justify="space-between">
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Text fw={600} ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {t.name}
                    </Text>
                    <Text size="sm" c="dimmed" lineClamp={1}>
                      {t.description || 'No description'}
                    </Text>
                  </Stack>
                  <Group gap={6} wrap="nowrap">
                    {t.schema ? (
                      <Badge variant="light" color="blue">
                        schema
                      </Badge>
                    ) : null}
                    {t.archived && (
                      <Badge variant="light" color="gray">
                        archived
                      </Badge>
                    )}
                  </Group>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="md">
                  {t.description && <Text size="sm">{t.description}</Text>}
                  <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                    <Stack gap={6}>
                      <Text size="sm" fw={500}>
                        JSON Schema
                      </Text>
                      {t.schema ? (
                        <JsonViewer value={t.schema} label={`JSON Schema of ${t.name}`} />
                      ) : (
                        <Text size="sm" c="dimmed">
                          None: any JSON payload is accepted.
                        </Text>
                      )}
                    </Stack>
                    <Stack gap={6}>
                      <Text size="sm" fw={500}>
                        Example
                      </Text>
                      {t.example !== null && t.example !== undefined ? (
                        <JsonViewer value={t.example} label={`Example payload of ${t.name}`} />
                      ) : (
                        <Text size="sm" c="dimmed">
                          None.
                        </Text>
                      )}
                    </Stack>
                  </SimpleGrid>
                  {can.manage && (
                    <Group gap="xs">
                      <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={() => setEditing(t)}>
                        Edit
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color={t.archived ? 'teal' : 'gray'}
                        leftSection={t.archived ? <IconArchiveOff size={14} /> : <IconArchive size={14} />}
                        loading={toggleArchived.isPending && toggleArchived.variables?.name === t.name}
                        onClick={() => toggleArchived.mutate(t)}
                      >
                        {t.archived ? 'Unarchive' : 'Archive'}
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
      {items.length > 0 && (
        <Text size="sm" c="dimmed" ta="center" mt="md">
          {items.length === 1 ? '1 event type' : `All ${items.length} event types`} shown
        </Text>
      )}
      {editing && (
        <EventTypeFormModal opened onClose={() => setEditing(null)} eventType={editing === 'new' ? undefined : editing} />
      )}
    </>
  );
}
