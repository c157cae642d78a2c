// What every API call's outcome says about the session as a whole: the gateway is unreachable (the
// network banner), or the key stopped working (sign out). React Query's cache callbacks report here,
// outside React; components subscribe.
import { AuthenticationError, ConnectionError } from '@acme/webhooks-sdk';

let unreachable = false;
const listeners = new Set<() => void>();
const authListeners = new Set<() => void>();

export const apiEvents = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  unreachable: () => unreachable,
  onAuthLost(listener: () => void): () => void {
    authListeners.add(listener);
    return () => authListeners.delete(listener);
  },
  /** Every settled call: a connection error raises the banner, any answer from the gateway clears it. */
  report(error: unknown): void {
    if (error instanceof AuthenticationError) for (const listener of authListeners) listener();
    const now = error instanceof ConnectionError;
    if (now === unreachable) return;
    unreachable = now;
    for (const listener of listeners) listener();
  },
};
