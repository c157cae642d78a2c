import { Paper, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * One figure on a card, its label explained on hover. A module of its own: pages that show figures
 * without a chart (settings) must not pull in the charts' chunk.
 */
export function Stat({ label, value, hint, color }: { label: string; value: ReactNode; hint: string; color?: string }) {
  return (
    <Paper withBorder p="md" radius="md" h="100%">
      <Tooltip label={hint} multiline w={260} openDelay={300}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ cursor: 'help' }}>
          {label}
        </Text>
      </Tooltip>
      <Text fz={26} fw={700} mt={4} c={color} lh={1.2} component="div">
        {value}
      </Text>
    </Paper>
  );
}
