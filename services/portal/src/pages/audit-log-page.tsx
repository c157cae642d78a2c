import type { ApiKey, AuditLogEntry, AuditLogFilter } from '@acme/webhooks-sdk';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  EmptyState,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconHistory } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { DateTimeField, isoOrUndefined } from '../components/date-time-field.tsx';
import { FilterCard } from '../components/filter-card.tsx';
import { JsonViewer } from '../components/json-view.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { exactTime, TimeAgo } from '../components/time-ago.tsx';
import { AUDIT_ACTIONS, actorLabel, detailsSummary, targetPath } from '../lib/audit-target.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { usePhone } from '../lib/use-phone.ts';
import { useSignedIn } from '../session/session-context.tsx';

function Target({ id }: { id: string | null }) {
  if (!id)
    return (
      <Text span size="sm" c="dimmed">
        –
      </Text>
    );
  const path = targetPath(id);
  return path ? (
    <Anchor component={Link} to={path} size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
      {id}
    </Anchor>
  ) : (
    <Text span size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
      {id}
    </Text>
  );
}

function Details({ entry, onOpen }: { entry: AuditLogEntry; onOpen: () => void }) {
  const summary = detailsSummary(entry.details);
  if (!summary)
    return (
      <Text span size="sm" c="dimmed">
        –
      </Text>
    );
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="xs" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere', flex: 1 }}>
        {summary}
      </Text>
      <Button
        size="compact-xs"
        variant="subtle"
        onClick={onOpen}
        aria-label={`Details of ${entry.action} ${exactTime(entry.createdAt)}`}
      >
        Details
      </Button>
    </Group>
  );
}

export default function AuditLogPage() {
  const { acme, can } = useSignedIn();
  const phone = usePhone();
  const [action, setAction] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [debouncedTarget] = useDebouncedValue(target.trim(), 300);
  const [since, setSince] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [opened, setOpened] = useState<AuditLogEntry | null>(null);
  // Names for the keys that acted: revoked ones too, since the log outlives them.
  const keys = useQuery({
    queryKey: ['api-keys', 'all'],
    queryFn: () => acme.apiKeys.list({ includeRevoked: true, first: 100 }),
    enabled: can.manage,
  });
  const keysById = useMemo(() => new Map<string, ApiKey>((keys.data?.items ?? []).map((k) => [k.id, k])), [keys.data]);
  const filter: AuditLogFilter = {
    ...(action ? { action } : {}),
    ...(debouncedTarget ? { targetId: debouncedTarget } : {}),
    ...(since ? { since: isoOrUndefined(since) } : {}),
    ...(until ? { until: isoOrUndefined(until) } : {}),
  };
  const filtered = Object.keys(filter).length > 0;
  // Other keys are refused by the API: they get the note below, not a refused request.
  const entries = usePaged(['audit-log', filter], (after) => acme.auditLog.list({ ...filter, first: PAGE_SIZE, after }), {
    refetchInterval: 30_000,
    enabled: can.manage,
  });
  const clear = () => {
    setAction(null);
    setTarget('');
    setSince(null);
    setUntil(null);
  };

  if (!can.manage) return <Alert color="gray">Only a full-access key reads the audit log.</Alert>;
  return (
    <>
      <PageHeader title="Audit log" description="Every change made in your tenant: who, what, when, to what. Newest first." />
      <FilterCard cols={{ base: 1, sm: 2, lg: 4 }} onClear={filtered && clear}>
        <Select
          label="Action"
          placeholder="Any action"
          data={[...AUDIT_ACTIONS]}
          value={action}
          onChange={setAction}
          searchable
          clearable
          nothingFoundMessage="No such action"
        />
        <TextInput
          label="Target"
          placeholder="ep_…, evt_…, key_…"
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
        />
        <DateTimeField label="From" placeholder="Any time" value={since} onChange={setSince} />
        <DateTimeField label="Until" placeholder="Now" value={until} onChange={setUntil} />
      </FilterCard>
      <PagedListBody
        list={entries}
        empty={
          <EmptyState
            icon={<IconHistory size={32} />}
            variant="light"
            title={filtered ? 'No change matches these filters' : 'No changes yet'}
            description={
              filtered ? 'Widen the time range or clear a filter.' : 'Every change to endpoints, keys and settings shows here.'
            }
          />
        }
      >
        {() =>
          phone ? (
            <Stack gap="xs" role="list" aria-label="Audit log">
              {entries.items.map((e) => (
                <Paper key={e.id} withBorder p="sm" role="listitem">
                  <Group justify="space-between" gap="xs" wrap="nowrap">
                    <Code>{e.action}</Code>
                    <TimeAgo value={e.createdAt} size="xs" c="dimmed" />
                  </Group>
                  <Text size="sm" mt={6}>
                    {actorLabel(e, keysById)}
                  </Text>
                  <Target id={e.targetId} />
                  <Details entry={e} onOpen={() => setOpened(e)} />
                </Paper>
              ))}
            </Stack>
          ) : (
            <Card withBorder padding={0}>
              <Table.ScrollContainer minWidth={860}>
                <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Audit log">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Who</Table.Th>
                      <Table.Th>What</Table.Th>
                      <Table.Th>Target</Table.Th>
                      <Table.Th>Details</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {entries.items.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          <TimeAgo value={e.createdAt} size="sm" />
                        </Table.Td>
                        <Table.Td maw={220}>
                          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                            {actorLabel(e, keysById)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Code>{e.action}</Code>
                        </Table.Td>
                        <Table.Td maw={220}>
                          <Target id={e.targetId} />
                        </Table.Td>
                        <Table.Td maw={320}>
                          <Details entry={e} onOpen={() => setOpened(e)} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )
        }
      </PagedListBody>
      <LoadMore {...entries} hasNextPage={entries.hasNextPage} count={entries.items.length} noun="entry" plural="entries" />
      <Modal
        opened={opened !== null}
        onClose={() => setOpened(null)}
        title={opened ? `${opened.action}, ${exactTime(opened.createdAt)}` : ''}
        size="lg"
      >
        {opened && (
          <Stack gap="sm">
            <Text size="sm">
              By {actorLabel(opened, keysById)}
              {opened.targetId ? (
                <>
                  {' '}
                  on <Target id={opened.targetId} />
                </>
              ) : null}
              . Secrets, tokens and payloads are never recorded; custom header values are redacted.
            </Text>
            <JsonViewer value={opened.details} label="Details of the change" />
          </Stack>
        )}
      </Modal>
    </>
  );
}
