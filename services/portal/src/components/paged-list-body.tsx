import { Card } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert.tsx';
import { Loading } from './loading.tsx';

interface ListState {
  isError: boolean;
  error: unknown;
  isPending: boolean;
  items: readonly unknown[];
  refetch: () => unknown;
}

/**
 * The states every list page goes through, in one place: failed (with a retry), loading, empty (the
 * page's own message), or its items. `children` is a function so the items view is built only when
 * there are items.
 */
export function PagedListBody({ list, empty, children }: { list: ListState; empty: ReactNode; children: () => ReactNode }) {
  if (list.isError) return <ErrorAlert error={list.error} onRetry={() => list.refetch()} />;
  if (list.isPending) return <Loading />;
  if (list.items.length === 0)
    return (
      <Card withBorder padding="xl">
        {empty}
      </Card>
    );
  return children();
}
