import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A secret shown in full with a copy button. */
export function SecretValue({ secret, label = 'Signing secret' }: { secret: string; label?: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Code
        aria-label={label}
        style={{ wordBreak: 'break-all', fontSize: 13, padding: '6px 8px', flex: 1, minWidth: 0 }}
        data-testid="secret-value"
      >
        {secret}
      </Code>
      <CopyButton value={secret} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
            <ActionIcon
              variant="light"
              color={copied ? 'teal' : 'blue'}
              onClick={copy}
              aria-label={`Copy ${label.toLowerCase()}`}
              size="lg"
            >
              {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
