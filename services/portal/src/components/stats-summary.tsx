import type { DeliveryStats } from '@acme/webhooks-sdk';
import { Group, Paper, SimpleGrid, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatCount, formatDuration, formatRate } from '../lib/format.ts';

function Stat({ label, value, hint, color }: { label: string; value: ReactNode; hint: string; color?: string }) {
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

/** The window's deliveries, success rate and attempt latency as cards. */
export function StatsSummary({ stats, extra }: { stats: DeliveryStats; extra?: ReactNode }) {
  const latency = stats.attemptLatencyMs;
  const rate = stats.successRate;
  return (
    <SimpleGrid cols={{ base: 2, md: extra ? 4 : 3 }} spacing="md">
      <Stat
        label="Deliveries"
        value={formatCount(stats.counts.total)}
        hint={`${formatCount(stats.counts.succeeded)} succeeded, ${formatCount(stats.counts.pending)} pending, ${formatCount(stats.counts.deadLettered)} dead-lettered`}
      />
      <Stat
        label="Success rate"
        value={formatRate(rate)}
        color={rate === null ? undefined : rate >= 0.99 ? 'teal' : rate >= 0.9 ? 'yellow.8' : 'red'}
        hint="Succeeded ÷ (succeeded + dead-lettered), of the deliveries created in this window"
      />
      <Stat
        label="Attempt latency"
        value={
          latency ? (
            <Group gap={6} align="baseline" wrap="wrap">
              <span>{formatDuration(latency.p50)}</span>
              <Text span size="xs" c="dimmed" fw={500}>
                p95 {formatDuration(latency.p95)} · p99 {formatDuration(latency.p99)}
              </Text>
            </Group>
          ) : (
            '–'
          )
        }
        hint={`Median (p50), p95 and p99 duration of the ${formatCount(stats.attemptCount)} attempts made in this window`}
      />
      {extra}
    </SimpleGrid>
  );
}

export { Stat };
