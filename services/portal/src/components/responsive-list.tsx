import { Button, Card, Collapse, Group, Paper, Stack, Table, type TableTdProps } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { type ReactNode, useId, useState } from 'react';
import { usePhone } from '../lib/use-phone.ts';

export interface ListColumn<T> {
  header: string;
  /** The heading is read out but not shown (an actions column). */
  headerHidden?: boolean;
  cell: (item: T) => ReactNode;
  /** The cell's layout (maw, ta, style...). */
  td?: TableTdProps;
}

/** Runs of neighbouring items that share a key fold into one card on a phone (forty dead letters of one endpoint). */
export interface PhoneGrouping<T> {
  key: (item: T) => string;
  /** What a folded run shows (its toggle says how many it holds). */
  summary: (items: T[]) => ReactNode;
  /** What the toggle calls the run's items: "dead letters". */
  noun: (items: T[]) => string;
}

/**
 * A list that is a table on a wide screen and a stack of cards on a phone, named `label` either way
 * (a table, or a list of list items), so tests and screen readers find it by the same name.
 */
export function ResponsiveList<T>({
  items,
  label,
  rowKey,
  columns,
  card,
  minWidth,
  framed = true,
  groupOnPhone,
}: {
  items: readonly T[];
  label: string;
  rowKey: (item: T) => string;
  columns: ListColumn<T>[];
  /** One item on a phone. */
  card: (item: T) => ReactNode;
  /** Below this width the table scrolls sideways instead of squeezing its columns. */
  minWidth: number;
  /** In a bordered card of its own (false when the page already puts it in one). */
  framed?: boolean;
  groupOnPhone?: PhoneGrouping<T>;
}) {
  const phone = usePhone();
  if (phone) {
    const runs = groupOnPhone ? runsOf(items, groupOnPhone.key) : items.map((item) => [item]);
    return (
      <Stack gap="xs" role="list" aria-label={label}>
        {runs.map((run) =>
          run.length === 1 || !groupOnPhone ? (
            <Paper key={rowKey(run[0]!)} withBorder p="sm" role="listitem">
              {card(run[0]!)}
            </Paper>
          ) : (
            <FoldedRun key={rowKey(run[0]!)} run={run} grouping={groupOnPhone} rowKey={rowKey} card={card} />
          ),
        )}
      </Stack>
    );
  }
  const table = (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) =>
              c.headerHidden ? <Table.Th key={c.header} aria-label={c.header} /> : <Table.Th key={c.header}>{c.header}</Table.Th>,
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={rowKey(item)}>
              {columns.map((c) => (
                <Table.Td key={c.header} {...c.td}>
                  {c.cell(item)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
  return framed ? (
    <Card withBorder padding={0}>
      {table}
    </Card>
  ) : (
    table
  );
}

function runsOf<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const last = runs.at(-1);
    if (last && key(last[0]!) === key(item)) last.push(item);
    else runs.push([item]);
  }
  return runs;
}

function FoldedRun<T>({
  run,
  grouping,
  rowKey,
  card,
}: {
  run: T[];
  grouping: PhoneGrouping<T>;
  rowKey: (item: T) => string;
  card: (item: T) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const noun = grouping.noun(run);
  return (
    <Paper withBorder p="sm" role="listitem">
      {grouping.summary(run)}
      <Group mt={6}>
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? `Hide the ${run.length} ${noun}` : `Show the ${run.length} ${noun}`}
        </Button>
      </Group>
      <Collapse expanded={open} id={id}>
        {open && (
          <Stack gap="xs" mt="xs" role="list" aria-label={noun}>
            {run.map((item) => (
              <Paper key={rowKey(item)} withBorder p="xs" role="listitem" bg="var(--mantine-color-gray-0)">
                {card(item)}
              </Paper>
            ))}
          </Stack>
        )}
      </Collapse>
    </Paper>
  );
}
