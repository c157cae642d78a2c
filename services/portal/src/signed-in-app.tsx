import '@mantine/notifications/styles.css';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AppLayout } from './layout/app-layout.tsx';

// One chunk per page: a portal session opening the endpoints page never downloads the charts.
const OverviewPage = lazy(() => import('./pages/overview-page.tsx'));
const EndpointsPage = lazy(() => import('./pages/endpoints-page.tsx'));
const EndpointDetailPage = lazy(() => import('./pages/endpoint-detail-page.tsx'));
const EventTypesPage = lazy(() => import('./pages/event-types-page.tsx'));
const EventsPage = lazy(() => import('./pages/events-page.tsx'));
const EventDetailPage = lazy(() => import('./pages/event-detail-page.tsx'));
const DeliveryDetailPage = lazy(() => import('./pages/delivery-detail-page.tsx'));
const DeadLettersPage = lazy(() => import('./pages/dead-letters-page.tsx'));
const OperationalEventsPage = lazy(() => import('./pages/operational-events-page.tsx'));
const AuditLogPage = lazy(() => import('./pages/audit-log-page.tsx'));
const SettingsPage = lazy(() => import('./pages/settings-page.tsx'));
const ApiKeysPage = lazy(() => import('./pages/api-keys-page.tsx'));
const NotFoundPage = lazy(() => import('./pages/not-found-page.tsx'));

/**
 * Everything after sign-in: the router, the layout, the dialogs and notifications, and the pages. Its
 * own chunk, so that the sign-in page loads only what signing in needs (it has one address: any).
 */
export default function SignedInApp() {
  return (
    <BrowserRouter>
      <ModalsProvider>
        <Notifications position="top-right" />
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
            <Route path="operational-events" element={<OperationalEventsPage />} />
            <Route path="audit-log" element={<AuditLogPage />} />
            <Route path="settings" element={<SettingsPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </ModalsProvider>
    </BrowserRouter>
  );
}
