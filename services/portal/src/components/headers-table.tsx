import { Table, Text } from '@mantine/core';

/** HTTP headers as a two-column table. */
export function HeadersTable({ headers, label }: { headers: unknown; label: string }) {
  const entries = headers && typeof headers === 'object' ? Object.entries(headers as Record<string, unknown>) : [];
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed" fs="italic">
        No headers
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={0}>
      <Table fz="xs" withTableBorder striped aria-label={label} ff="monospace">
        <Table.Tbody>
          {entries.map(([name, value]) => (
            <Table.Tr key={name}>
              <Table.Td fw={600} style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
                {name}
              </Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{Array.isArray(value) ? value.join(', ') : String(value)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
