import type { Endpoint } from '@acme/webhooks-sdk';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createElement } from 'react';
import { describeError } from '../lib/describe-error.ts';
import { useSignedIn } from '../session/session-context.tsx';

/** Pause, resume and delete (after confirmation), with a notification saying how it went. */
export function useEndpointActions(onDeleted?: () => void) {
  const { acme } = useSignedIn();
  const queryClient = useQueryClient();
  const refresh = async (endpoint?: Endpoint) => {
    if (endpoint) queryClient.setQueryData(['endpoint', endpoint.id], endpoint);
    await queryClient.invalidateQueries({ queryKey: ['endpoints'] });
  };
  const fail = (title: string) => (error: unknown) => {
    const d = describeError(error);
    notifications.show({ color: 'red', title, message: `${d.message}${d.code ? ` (${d.code})` : ''}` });
  };

  const pause = useMutation({
    mutationFn: (endpoint: Endpoint) => acme.endpoints.pause(endpoint.id),
    onSuccess: (endpoint) => {
      notifications.show({ color: 'yellow', message: 'Endpoint paused: new deliveries wait until you resume it.' });
      return refresh(endpoint);
    },
    onError: fail('Could not pause the endpoint'),
  });
  const resume = useMutation({
    mutationFn: (endpoint: Endpoint) => acme.endpoints.resume(endpoint.id),
    onSuccess: (endpoint) => {
      notifications.show({ color: 'teal', message: 'Endpoint resumed: held deliveries are on their way.' });
      return refresh(endpoint);
    },
    onError: fail('Could not resume the endpoint'),
  });
  const remove = useMutation({
    mutationFn: (endpoint: Endpoint) => acme.endpoints.delete(endpoint.id),
    onSuccess: async (_, endpoint) => {
      notifications.show({ color: 'gray', message: `Deleted ${endpoint.url}.` });
      queryClient.removeQueries({ queryKey: ['endpoint', endpoint.id] });
      onDeleted?.();
      await refresh();
    },
    onError: fail('Could not delete the endpoint'),
  });

  const confirmDelete = (endpoint: Endpoint) =>
    modals.openConfirmModal({
      title: 'Delete this endpoint?',
      children: createElement(
        'p',
        { style: { margin: 0, fontSize: 'var(--mantine-font-size-sm)', overflowWrap: 'anywhere' } },
        `${endpoint.url} stops receiving webhooks and its pending deliveries are cancelled. Its delivery history is kept. This cannot be undone.`,
      ),
      labels: { confirm: 'Delete endpoint', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(endpoint),
    });

  return { pause, resume, remove, confirmDelete };
}
