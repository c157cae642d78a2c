// The time windows offered above charts and lists, and the stats bucket that suits each.
import type { StatsBucket } from '@acme/webhooks-sdk';

export type RangeKey = '1h' | '24h' | '7d' | '30d';

export const RANGES: { value: RangeKey; label: string; short: string; ms: number; bucket: StatsBucket }[] = [
  { value: '1h', label: 'Last hour', short: '1 h', ms: 3_600_000, bucket: 'MINUTE' },
  { value: '24h', label: 'Last 24 hours', short: '24 h', ms: 86_400_000, bucket: 'HOUR' },
  { value: '7d', label: 'Last 7 days', short: '7 d', ms: 7 * 86_400_000, bucket: 'DAY' },
  { value: '30d', label: 'Last 30 days', short: '30 d', ms: 30 * 86_400_000, bucket: 'DAY' },
];

/** The stats filter for a range ending now; `now` rounded to the minute so that one range is one cache entry a minute. */
export function statsWindow(key: RangeKey, now = Date.now()): { since: string; until: string; bucket: StatsBucket } {
  const range = RANGES.find((r) => r.value === key) ?? RANGES[1]!;
  const until = Math.ceil(now / 60_000) * 60_000;
  return { since: new Date(until - range.ms).toISOString(), until: new Date(until).toISOString(), bucket: range.bucket };
}

/** A bucket's start as an axis label for its size. */
export function bucketLabel(start: string, bucket: StatsBucket): string {
  const date = new Date(start);
  if (bucket === 'DAY') return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  return date.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', hour12: false });
}
