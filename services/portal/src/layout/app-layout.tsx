import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconApi,
  IconCategory,
  IconChartBar,
  IconInbox,
  IconLogout,
  IconMailboxOff,
  IconPlugConnected,
  IconSettings,
} from '@tabler/icons-react';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { Loading } from '../components/loading.tsx';
import { useSession, useSignedIn } from '../session/session-context.tsx';
import { NetworkBanner } from './network-banner.tsx';
import { SessionBanner } from './session-banner.tsx';

const LINKS = [
  { to: '/', label: 'Overview', icon: IconChartBar, exact: true },
  { to: '/endpoints', label: 'Endpoints', icon: IconPlugConnected },
  { to: '/event-types', label: 'Event types', icon: IconCategory },
  { to: '/events', label: 'Events', icon: IconInbox },
  { to: '/dead-letters', label: 'Dead letters', icon: IconMailboxOff },
];

/** Header, navigation (a drawer behind a burger on a phone) and the page. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const { viewer, can } = useSignedIn();
  const { signOut } = useSession();
  const links = can.manage ? [...LINKS, { to: '/settings', label: 'API keys & links', icon: IconSettings }] : LINKS;
  const scope = can.consumerId ? 'Portal session' : viewer.scopes.includes('READ_ONLY') ? 'Read-only' : null;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Link
              to="/"
              style={{ textDecoration: 'none', color: 'inherit', display: 'flex', alignItems: 'center', gap: 8 }}
              aria-label="Acme Webhooks: overview"
            >
              <IconApi size={24} color="var(--mantine-color-blue-6)" aria-hidden />
              <Text fw={700} visibleFrom="xs" component="span">
                Acme Webhooks
              </Text>
            </Link>
            {viewer.tenant && (
              <Text size="sm" c="dimmed" truncate="end" visibleFrom="md">
                {viewer.tenant.name}
              </Text>
            )}
            {scope && (
              <Badge variant="light" color={can.consumerId ? 'indigo' : 'gray'} visibleFrom="xs">
                {scope}
              </Badge>
            )}
          </Group>
          <Tooltip label={viewer.apiKey ? `Signed in with ${viewer.apiKey.name} (${viewer.apiKey.prefix}…)` : 'Signed in'}>
            <Button variant="subtle" color="gray" leftSection={<IconLogout size={18} />} onClick={() => signOut()}>
              Sign out
            </Button>
          </Tooltip>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {links.map((link) => {
            const active = link.exact ? pathname === link.to : pathname.startsWith(link.to);
            return (
              <NavLink
                key={link.to}
                component={Link}
                to={link.to}
                label={link.label}
                leftSection={<link.icon size={18} stroke={1.6} aria-hidden />}
                active={active}
                aria-current={active ? 'page' : undefined}
                onClick={close}
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
              />
            );
          })}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <div style={{ maxWidth: 1200, margin: '0 auto' }}>
          <SessionBanner />
          <NetworkBanner />
          <Suspense fallback={<Loading rows={6} />}>
            <Outlet />
          </Suspense>
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
