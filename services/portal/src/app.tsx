import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { SignInPage } from './pages/sign-in-page.tsx';
import { useSession } from './session/session-context.tsx';

// The sign-in page is in the first chunk; the rest of the portal loads once there is someone to show it to.
const SignedInApp = lazy(() => import('./signed-in-app.tsx'));

function FullPageLoader({ label }: { label: string }) {
  return (
    <Center h="100vh">
      <Loader aria-label={label} />
    </Center>
  );
}

export function App() {
  const { status } = useSession();
  if (status === 'checking') return <FullPageLoader label="Signing in" />;
  // Signed out, every address shows the sign-in page; after signing in, the same address opens.
  if (status === 'signed-out') return <SignInPage />;
  return (
    <Suspense fallback={<FullPageLoader label="Loading the portal" />}>
      <SignedInApp />
    </Suspense>
  );
}
