import { Button, Card, Text, ThemeIcon, Timeline, Title } from '@mantine/core';
import { IconInbox, IconPlugConnected, IconSend } from '@tabler/icons-react';
import { Link } from 'react-router';

/**
 * A first-time tenant's three steps: create an endpoint, send it a test event, see it arrive.
 * `step` is how many are done. A timeline, not a stepper: steps are not buttons, the actions in them are.
 */
export function GettingStarted({
  step,
  firstEndpointId,
  canWrite,
}: {
  step: 0 | 1 | 2;
  firstEndpointId: string | null;
  canWrite: boolean;
}) {
  const bullet = (icon: typeof IconInbox, index: number) => {
    const Icon = icon;
    return (
      <ThemeIcon size={28} radius="xl" variant={index <= step ? 'filled' : 'light'} color={index < step ? 'teal' : 'blue'}>
        <Icon size={16} aria-hidden />
      </ThemeIcon>
    );
  };
  const title = (label: string, index: number) => (
    <Text fw={600} size="sm" component="h3" m={0}>
      {label}
      {index < step ? (
        <Text span size="xs" c="teal" fw={500}>
          {' '}
          · done
        </Text>
      ) : null}
    </Text>
  );
  return (
    <Card withBorder padding="lg" mb="lg" aria-labelledby="getting-started">
      <Title order={2} fz="h3" id="getting-started">
        Get started
      </Title>
      <Text c="dimmed" size="sm" mb="md">
        Three steps to your first delivered webhook.
      </Text>
      <Timeline active={step} bulletSize={28} lineWidth={2}>
        <Timeline.Item bullet={bullet(IconPlugConnected, 0)} title={title('Create an endpoint', 0)}>
          <Text size="sm" c="dimmed">
            The URL of your receiver, and which event types it wants.
          </Text>
          {step === 0 && canWrite && (
            <Button component={Link} to="/endpoints?create=1" size="xs" mt="xs">
              Add an endpoint
            </Button>
          )}
        </Timeline.Item>
        <Timeline.Item bullet={bullet(IconSend, 1)} title={title('Send a test event', 1)}>
          <Text size="sm" c="dimmed">
            The endpoint's page has a “Send test event” button: a signed example event, right now.
          </Text>
          {step === 1 && firstEndpointId && (
            <Button component={Link} to={`/endpoints/${firstEndpointId}`} size="xs" mt="xs">
              Open the endpoint
            </Button>
          )}
        </Timeline.Item>
        <Timeline.Item bullet={bullet(IconInbox, 2)} title={title('See it arrive', 2)}>
          <Text size="sm" c="dimmed">
            Every attempt is logged: the request, your receiver's response, and a hint when it failed.
          </Text>
        </Timeline.Item>
      </Timeline>
    </Card>
  );
}
