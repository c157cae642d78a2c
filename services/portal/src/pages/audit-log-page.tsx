import type { AuditAction, AuditLogEntry, AuditLogFilter } from '@acme/webhooks-sdk';
import { Alert, Anchor, Button, EmptyState, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { DateTimeField, isoOrUndefined } from '../components/date-time-field.tsx';
import { FilterCard } from '../components/filter-card.tsx';
import { JsonViewer } from '../components/json-view.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PagedListBody } from '../components/paged-list-body.tsx';
import { ResponsiveList } from '../components/responsive-list.tsx';
import { exactTime, TimeAgo } from '../components/time-ago.tsx';
import {
  AUDIT_ACTION_LABELS,
  actionLabel,
  actorLabel,
  detailLabel,
  detailsSummary,
  detailValue,
  isFlatObject,
  targetPath,
} from '../lib/audit-target.ts';
import { PAGE_SIZE, usePaged } from '../lib/use-paged.ts';
import { usePhone } from '../lib/use-phone.ts';
import { useSignedIn } from '../session/session-context.tsx';

const ACTION_OPTIONS = Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label }));

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
        aria-label={`Details of ${actionLabel(entry.action)} ${exactTime(entry.createdAt)}`}
      >
        Details
      </Button>
    </Group>
  );
}

/** The change's inputs, one labelled row each (nested values as a JSON tree): readable at any width. */
function DetailsTable({ details }: { details: unknown }) {
  const entries = details && typeof details === 'object' ? Object.entries(details as Record<string, unknown>) : [];
  return (
    <Table variant="vertical" layout="fixed" withTableBorder aria-label="Details of the change">
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th scope="row" w="38%" style={{ overflowWrap: 'anywhere' }}>
              {detailLabel(key)}
            </Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              {value !== null && typeof value === 'object' && !isFlatObject(value) && !Array.isArray(value) ? (
                <JsonViewer value={value} label={detailLabel(key)} collapsed={2} />
              ) : (
                <Text size="sm" c={value === null || value === '' ? 'dimmed' : undefined}>
                  {detailValue(value)}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export default function AuditLogPage() {
  const { acme, can } = useSignedIn();
  const phone = usePhone();
  const [action, setAction] = useState<AuditAction | null>(null);
  const [target, setTarget] = useState('');
  const [debouncedTarget] = useDebouncedValue(target.trim(), 300);
  const [since, setSince] = useState<string | null>(null);
  const [until, setUntil] = useState<string | null>(null);
  const [opened, setOpened] = useState<AuditLogEntry | null>(null);
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
          data={ACTION_OPTIONS}
          value={action}
          onChange={(value) => setAction(value as AuditAction | null)}
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
        {() => (
          <ResponsiveList
            items={entries.items}
            label="Audit log"
            rowKey={(e) => e.id}
            minWidth={860}
            columns={[
              { header: 'When', cell: (e) => <TimeAgo value={e.createdAt} size="sm" />, td: { style: { whiteSpace: 'nowrap' } } },
              {
                header: 'Who',
                cell: (e) => (
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {actorLabel(e)}
                  </Text>
                ),
                td: { maw: 220 },
              },
              { header: 'What', cell: (e) => <Text size="sm">{actionLabel(e.action)}</Text> },
              { header: 'Target', cell: (e) => <Target id={e.targetId} />, td: { maw: 220 } },
              { header: 'Details', cell: (e) => <Details entry={e} onOpen={() => setOpened(e)} />, td: { maw: 320 } },
            ]}
            card={(e) => (
              <>
                <Group justify="space-between" gap="xs" wrap="nowrap">
                  <Text size="sm" fw={600}>
                    {actionLabel(e.action)}
                  </Text>
                  <TimeAgo value={e.createdAt} size="xs" c="dimmed" />
                </Group>
                <Text size="sm" mt={4}>
                  {actorLabel(e)}
                </Text>
                <Target id={e.targetId} />
                <Details entry={e} onOpen={() => setOpened(e)} />
              </>
            )}
          />
        )}
      </PagedListBody>
      <LoadMore {...entries} hasNextPage={entries.hasNextPage} count={entries.items.length} noun="entry" plural="entries" />
      <Modal
        opened={opened !== null}
        onClose={() => setOpened(null)}
        title={opened ? `${actionLabel(opened.action)}, ${exactTime(opened.createdAt)}` : ''}
        size="lg"
        fullScreen={phone}
      >
        {opened && (
          <Stack gap="sm">
            <Text size="sm">
              By {actorLabel(opened)}
              {opened.targetId ? (
                <>
                  {' '}
                  on <Target id={opened.targetId} />
                </>
              ) : null}
              . Secrets, tokens and payloads are never recorded; custom header values are redacted.
            </Text>
            <DetailsTable details={opened.details} />
          </Stack>
        )}
      </Modal>
    </>
  );
}
