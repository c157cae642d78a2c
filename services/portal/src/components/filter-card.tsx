import { Button, Card, Group, SimpleGrid, type SimpleGridProps } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * The filter fields above a list, in a grid (after `lead`, a field of its own width); with `onClear`
 * (given while a filter is set), a "Clear filters" button under them.
 */
export function FilterCard({
  cols,
  lead,
  onClear,
  children,
}: {
  cols: SimpleGridProps['cols'];
  lead?: ReactNode;
  onClear?: (() => void) | false;
  children: ReactNode;
}) {
  return (
    <Card withBorder padding="md" mb="md">
      {lead}
      <SimpleGrid cols={cols} spacing="sm">
        {children}
      </SimpleGrid>
      {onClear && (
        <Group justify="flex-end" mt="sm">
          <Button variant="subtle" size="xs" leftSection={<IconX size={14} />} onClick={onClear}>
            Clear filters
          </Button>
        </Group>
      )}
    </Card>
  );
}
