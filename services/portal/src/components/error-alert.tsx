import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError } from '../lib/describe-error.ts';

/** An API error as the API said it: its message and code (and request id, for support). */
export function ErrorAlert({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const described = describeError(error);
  return (
    <Alert color="red" variant="light" title={title ?? described.title} icon={<IconAlertTriangle />} role="alert">
      <Text size="sm">{described.message}</Text>
      {(described.code || onRetry) && (
        <Group gap="xs" mt="xs" justify="space-between">
          <Text size="xs" c="dimmed">
            {described.code && (
              <>
                Code <Code>{described.code}</Code>
              </>
            )}
            {described.field && (
              <>
                {' '}
                · field <Code>{described.field}</Code>
              </>
            )}
            {described.requestId && <> · request {described.requestId}</>}
          </Text>
          {onRetry && (
            <Button size="compact-sm" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          )}
        </Group>
      )}
    </Alert>
  );
}
