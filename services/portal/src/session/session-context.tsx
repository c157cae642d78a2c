import { AcmeWebhooks, AuthenticationError, type Viewer } from '@acme/webhooks-sdk';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { apiEvents } from '../lib/api-events.ts';
import { describeError } from '../lib/describe-error.ts';
import { type Capabilities, capabilitiesOf, refusal } from './capabilities.ts';
import { clearSession, readSession, type SessionSource, saveSession } from './session-store.ts';

export interface SignedIn {
  acme: AcmeWebhooks;
  viewer: Viewer;
  can: Capabilities;
  source: SessionSource;
}

interface SessionState {
  /** 'checking' while a stored key or a portal link is being verified. */
  status: 'checking' | 'signed-out' | 'signed-in';
  session: SignedIn | null;
  /** Why the user is on the sign-in page (an invalid key, an expired link, a revoked key). */
  notice: string | null;
  signIn(token: string, source: SessionSource): Promise<void>;
  signOut(notice?: string): void;
}

const SessionContext = createContext<SessionState | null>(null);

/** The page's own origin: the portal is served by the gateway it talks to. */
function clientFor(token: string): AcmeWebhooks {
  return new AcmeWebhooks({ apiKey: token, baseUrl: '', timeoutMs: 20_000 });
}

async function verify(token: string, source: SessionSource): Promise<SignedIn> {
  const acme = clientFor(token);
  const viewer = await acme.viewer();
  const refused = refusal(viewer);
  if (refused) throw new Error(refused);
  return { acme, viewer, can: capabilitiesOf(viewer), source };
}

function failureNotice(error: unknown, source: SessionSource): string {
  if (error instanceof AuthenticationError) {
    return source === 'portal-link'
      ? 'This portal link has expired or was revoked. Ask for a new link.'
      : 'That API key was not accepted: it is unknown, revoked or expired.';
  }
  return describeError(error).message;
}

export function SessionProvider({ children, linkToken }: { children: ReactNode; linkToken: string | null }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SessionState['status']>('checking');
  const [session, setSession] = useState<SignedIn | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback(
    (why?: string) => {
      clearSession();
      queryClient.clear();
      setSession(null);
      setNotice(why ?? null);
      setStatus('signed-out');
    },
    [queryClient],
  );

  const signIn = useCallback(async (token: string, source: SessionSource) => {
    try {
      const signedIn = await verify(token, source);
      saveSession({ token, source });
      setSession(signedIn);
      setNotice(null);
      setStatus('signed-in');
    } catch (error) {
      clearSession();
      setSession(null);
      setStatus('signed-out');
      throw new Error(failureNotice(error, source));
    }
  }, []);

  // On load: a portal link in the address bar wins over a stored key.
  useEffect(() => {
    const stored = linkToken ? { token: linkToken, source: 'portal-link' as const } : readSession();
    if (!stored) {
      setStatus('signed-out');
      return;
    }
    signIn(stored.token, stored.source).catch((error: Error) => setNotice(error.message));
  }, [signIn, linkToken]);

  // A key revoked (or a session expired) while in use: every call would fail, so sign out once.
  useEffect(
    () =>
      apiEvents.onAuthLost(() =>
        signOut(
          session?.source === 'portal-link'
            ? 'Your portal session has ended. Ask for a new link.'
            : 'Your API key stopped working (revoked or expired). Sign in again.',
        ),
      ),
    [signOut, session?.source],
  );

  // A portal session ends at its expiry: sign out then rather than fail call by call.
  const expiresAt = session?.viewer.apiKey?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const left = new Date(expiresAt).getTime() - Date.now();
    // setTimeout holds at most ~24.8 days; keys that live longer are checked on their next call.
    if (left > 2 ** 31 - 1) return;
    const timer = setTimeout(() => signOut('Your portal session has expired. Ask for a new link.'), Math.max(0, left));
    return () => clearTimeout(timer);
  }, [expiresAt, signOut]);

  const value = useMemo<SessionState>(
    () => ({ status, session, notice, signIn, signOut }),
    [status, session, notice, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in client, viewer and capabilities; only inside the signed-in part of the app. */
export function useSignedIn(): SignedIn {
  const { session } = useSession();
  if (!session) throw new Error('useSignedIn while signed out');
  return session;
}
