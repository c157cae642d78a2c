import { TextInput } from '@mantine/core';
import { lazy, Suspense } from 'react';

const DateTimePicker = lazy(() => import('./date-time-picker.tsx'));

/**
 * A local date and time, or null (`YYYY-MM-DD HH:mm:ss`). The picker loads with the first field
 * that needs it; meanwhile a disabled field of the same size holds its place.
 */
export function DateTimeField({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  return (
    <Suspense fallback={<TextInput label={label} placeholder={placeholder} disabled />}>
      <DateTimePicker label={label} placeholder={placeholder} value={value} onChange={onChange} />
    </Suspense>
  );
}

/** A field's value as the API takes it. */
export function isoOrUndefined(value: string | null): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}
