import '@mantine/core/styles.css';
import { AcmeError } from '@acme/webhooks-sdk';
import { MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { apiEvents } from './lib/api-events.ts';
import { SessionProvider } from './session/session-context.tsx';
import { takeTokenFromLink } from './session/session-store.ts';
import { cssVariablesResolver, theme } from './theme.ts';

// Before anything renders: the token leaves the address bar (and the router never sees /session).
const linkToken = takeTokenFromLink();

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: apiEvents.report, onSuccess: () => apiEvents.report(null) }),
  mutationCache: new MutationCache({ onError: apiEvents.report, onSuccess: () => apiEvents.report(null) }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // The SDK already retries network errors, 429 and 5xx with backoff, and a refusal (4xx) will not
      // change: retrying its errors again would only keep the user waiting for the message.
      retry: (count, error) => count < 1 && !(error instanceof AcmeError),
      refetchOnWindowFocus: true,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <SessionProvider linkToken={linkToken}>
          <App />
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
