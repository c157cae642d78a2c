import { Text, type TextProps, Tooltip } from '@mantine/core';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';

dayjs.extend(relativeTime);

/** "3 minutes ago", with the exact local time on hover and for screen readers. */
export function TimeAgo({ value, ...props }: { value: string | null | undefined } & TextProps) {
  if (!value)
    return (
      <Text span {...props}>
        –
      </Text>
    );
  const exact = dayjs(value).format('YYYY-MM-DD HH:mm:ss');
  return (
    <Tooltip label={exact} openDelay={300}>
      <Text span {...props}>
        <time dateTime={value} title={exact}>
          {dayjs(value).fromNow()}
        </time>
      </Text>
    </Tooltip>
  );
}

/** The exact local time, e.g. "2025-11-25 20:43:55". */
export function exactTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : '–';
}
