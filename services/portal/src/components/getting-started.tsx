import { Button, Card, Stepper, Text, Title } from '@mantine/core';
import { IconInbox, IconPlugConnected, IconSend } from '@tabler/icons-react';
import { Link } from 'react-router';

/**
 * A first-time tenant's three steps: create an endpoint, send it a test event, see it arrive.
 * `step` is how many are done.
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
  return (
    <Card withBorder padding="lg" mb="lg" aria-labelledby="getting-started">
      <Title order={2} fz="h3" id="getting-started">
        Get started
      </Title>
      <Text c="dimmed" size="sm" mb="md">
        Three steps to your first delivered webhook.
      </Text>
      <Stepper active={step} orientation="vertical" size="sm" allowNextStepsSelect={false}>
        <Stepper.Step
          icon={<IconPlugConnected size={18} />}
          label="Create an endpoint"
          description={
            <>
              <Text size="sm" c="dimmed">
                The URL of your receiver, and which event types it wants.
              </Text>
              {step === 0 && canWrite && (
                <Button component={Link} to="/endpoints?create=1" size="xs" mt="xs">
                  Add an endpoint
                </Button>
              )}
            </>
          }
        />
        <Stepper.Step
          icon={<IconSend size={18} />}
          label="Send a test event"
          description={
            <>
              <Text size="sm" c="dimmed">
                The endpoint's page has a “Send test event” button: a signed example event, right now.
              </Text>
              {step === 1 && firstEndpointId && (
                <Button component={Link} to={`/endpoints/${firstEndpointId}`} size="xs" mt="xs">
                  Open the endpoint
                </Button>
              )}
            </>
          }
        />
        <Stepper.Step
          icon={<IconInbox size={18} />}
          label="See it arrive"
          description={
            <Text size="sm" c="dimmed">
              Every attempt is logged: the request, your receiver's response, and a hint when it failed.
            </Text>
          }
        />
      </Stepper>
    </Card>
  );
}
