import { Skeleton, Stack } from '@mantine/core';

/** Placeholder rows while a list or a page loads. */
export function Loading({ rows = 4, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="sm" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={i} height={i === 0 ? 28 : 44} radius="sm" />
      ))}
    </Stack>
  );
}
