import '@mantine/charts/styles.css';
import type { DeliveryStats, StatsBucket } from '@acme/webhooks-sdk';
import { BarChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import { bucketLabel } from '../lib/time-range.ts';

const SERIES = [
  { name: 'Succeeded', color: 'teal.6' },
  { name: 'Dead-lettered', color: 'red.6' },
  { name: 'Pending', color: 'blue.4' },
  { name: 'Cancelled', color: 'gray.5' },
];

/** Deliveries created per bucket, stacked by their current status. */
export function DeliveryChart({ stats, bucket, height = 260 }: { stats: DeliveryStats; bucket: StatsBucket; height?: number }) {
  const data = stats.buckets.map((b) => ({
    time: bucketLabel(b.start, bucket),
    Succeeded: b.counts.succeeded,
    'Dead-lettered': b.counts.deadLettered,
    Pending: b.counts.pending,
    Cancelled: b.counts.cancelled,
  }));
  const total = stats.counts.total;
  return (
    <figure style={{ margin: 0, position: 'relative' }} aria-label={`Deliveries over time: ${total} in this window`}>
      <BarChart
        h={height}
        data={data}
        dataKey="time"
        type="stacked"
        series={SERIES}
        withLegend
        // Room for the legend to wrap onto a second line on a phone.
        legendProps={{ verticalAlign: 'bottom', height: 56 }}
        tickLine="y"
        gridAxis="x"
        barProps={{ isAnimationActive: false }}
        yAxisProps={{ allowDecimals: false, width: 40 }}
        xAxisProps={{ minTickGap: 16 }}
      />
      {total === 0 && (
        <Text size="sm" c="dimmed" ta="center" pos="absolute" top="35%" left={0} right={0}>
          No deliveries in this window.
        </Text>
      )}
    </figure>
  );
}
