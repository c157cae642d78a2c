import type { DeliveryStats, StatsBucket } from '@acme/webhooks-sdk';
import { Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The charting library is the largest part of the portal: it loads after the figures are on screen.
const DeliveryChart = lazy(() => import('./delivery-chart.tsx'));

/** The deliveries chart, with a placeholder of its size while the charts' chunk loads. */
export function DeliveryChartSlot({
  stats,
  bucket,
  height = 260,
}: {
  stats: DeliveryStats;
  bucket: StatsBucket;
  height?: number;
}) {
  return (
    <Suspense fallback={<Skeleton height={height} />}>
      <DeliveryChart stats={stats} bucket={bucket} height={height} />
    </Suspense>
  );
}
