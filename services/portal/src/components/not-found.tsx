import { Button, Card, EmptyState } from '@mantine/core';
import { IconMoodEmpty } from '@tabler/icons-react';
import { Link } from 'react-router';

/** What a missing (or not-yours) resource shows: where to go instead. */
export function NotFound({ what, back, backLabel }: { what: string; back: string; backLabel: string }) {
  return (
    <Card withBorder padding="xl">
      <EmptyState
        icon={<IconMoodEmpty size={32} />}
        title={`${what} not found`}
        description="It does not exist, was deleted, or belongs to someone else."
      >
        <EmptyState.Actions>
          <Button component={Link} to={back} variant="light">
            {backLabel}
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </Card>
  );
}
