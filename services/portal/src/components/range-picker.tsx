import { SegmentedControl, Select } from '@mantine/core';
import { RANGES, type RangeKey } from '../lib/time-range.ts';

/** The stats window: segments on a wide screen, a select on a phone. */
export function RangePicker({ value, onChange }: { value: RangeKey; onChange: (value: RangeKey) => void }) {
  return (
    <>
      <SegmentedControl
        visibleFrom="sm"
        size="xs"
        value={value}
        onChange={(v) => onChange(v as RangeKey)}
        data={RANGES.map((r) => ({ value: r.value, label: r.short }))}
        aria-label="Time window"
      />
      <Select
        hiddenFrom="sm"
        size="xs"
        w={150}
        value={value}
        onChange={(v) => v && onChange(v as RangeKey)}
        data={RANGES.map((r) => ({ value: r.value, label: r.label }))}
        allowDeselect={false}
        aria-label="Time window"
      />
    </>
  );
}
