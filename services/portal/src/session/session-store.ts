// Where the portal keeps its credential: sessionStorage, so it lives as long as the browser tab
// and never reaches disk-backed localStorage or a cookie the browser would send on its own.

export type SessionSource = 'api-key' | 'portal-link';

export interface StoredSession {
  token: string;
  source: SessionSource;
}

const KEY = 'acme.portal.session';

export function readSession(): StoredSession | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as StoredSession | null;
    return value && typeof value.token === 'string' && value.token ? value : null;
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * A portal-session link is `/session#<token>`: the token rides in the fragment, which browsers never
 * send to a server. Take it, and remove it from the address bar and history at once, so it is not
 * left on screen, in a bookmark or in a screenshot.
 */
export function takeTokenFromLink(): string | null {
  if (window.location.pathname !== '/session') return null;
  const token = decodeURIComponent(window.location.hash.replace(/^#/, '')).trim();
  window.history.replaceState(null, '', '/');
  return token || null;
}
