import { Center, Loader } from '@mantine/core';
import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { AppLayout } from './layout/app-layout.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { useSession } from './session/session-context.tsx';

// One chunk per page: a portal session opening the endpoints page never downloads the charts.
const OverviewPage = lazy(() => import('./pages/overview-page.tsx'));
const EndpointsPage = lazy(() => import('./pages/endpoints-page.tsx'));
const EndpointDetailPage = lazy(() => import('./pages/endpoint-detail-page.tsx'));
const EventTypesPage = lazy(() => import('./pages/event-types-page.tsx'));
const EventsPage = lazy(() => import('./pages/events-page.tsx'));
const EventDetailPage = lazy(() => import('./pages/event-detail-page.tsx'));
const DeliveryDetailPage = lazy(() => import('./pages/delivery-detail-page.tsx'));
const DeadLettersPage = lazy(() => import('./pages/dead-letters-page.tsx'));
const SettingsPage = lazy(() => import('./pages/settings-page.tsx'));
const NotFoundPage = lazy(() => import('./pages/not-found-page.tsx'));

export function App() {
  const { status } = useSession();
  if (status === 'checking')
    return (
      <Center h="100vh">
        <Loader aria-label="Signing in" />
      </Center>
    );
  // Signed out, every address shows the sign-in page; after signing in, the same address opens.
  if (status === 'signed-out') return <SignInPage />;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<OverviewPage />} />
        <Route path="endpoints" element={<EndpointsPage />} />
        <Route path="endpoints/:id" element={<EndpointDetailPage />} />
        <Route path="event-types" element={<EventTypesPage />} />
        <Route path="events" element={<EventsPage />} />
        <Route path="events/:id" element={<EventDetailPage />} />
        <Route path="deliveries/:id" element={<DeliveryDetailPage />} />
        <Route path="dead-letters" element={<DeadLettersPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
