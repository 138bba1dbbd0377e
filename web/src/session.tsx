import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Me } from '../../src/http/api-types.js';
import { api, configureApi } from './api.js';

// The token lives in sessionStorage: it survives reloads of this tab but not the
// browser session, and is never written to a cookie (so no CSRF surface).
const KEY = 'accord.token';

export type SessionState =
  | { status: 'anonymous'; notice: string | null }
  | { status: 'loading' }
  | { status: 'signed-in'; token: string; me: Me };

interface SessionApi {
  state: SessionState;
  me: Me | null;
  /** Checks the token with GET /api/v1/me and keeps it; rejects with the API's problem if refused. */
  signIn(token: string): Promise<Me>;
  signOut(notice?: string): void;
}

const SessionContext = createContext<SessionApi | null>(null);

function readStored(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() => (readStored() ? { status: 'loading' } : { status: 'anonymous', notice: null }));

  const signOut = useCallback((notice?: string) => {
    try {
      window.sessionStorage.removeItem(KEY);
    } catch {
      // storage disabled: nothing to remove
    }
    configureApi(null, null);
    setState({ status: 'anonymous', notice: notice ?? null });
  }, []);

  const adopt = useCallback(
    (token: string, me: Me) => {
      try {
        window.sessionStorage.setItem(KEY, token);
      } catch {
        // storage disabled: the session lasts until reload
      }
      configureApi(token, () => signOut('Your token is no longer accepted (revoked or expired). Sign in again.'));
      setState({ status: 'signed-in', token, me });
    },
    [signOut],
  );

  const signIn = useCallback(
    async (token: string) => {
      const me = await api<Me>('/api/v1/me', { token });
      adopt(token, me);
      return me;
    },
    [adopt],
  );

  useEffect(() => {
    const stored = readStored();
    if (!stored) return;
    api<Me>('/api/v1/me', { token: stored })
      .then((me) => adopt(stored, me))
      .catch(() => signOut('Your saved session has ended. Sign in again.'));
  }, [adopt, signOut]);

  const value = useMemo<SessionApi>(
    () => ({ state, me: state.status === 'signed-in' ? state.me : null, signIn, signOut }),
    [state, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** What the signed-in user may do, as the server decides it (the UI only hides what would be refused). */
export function abilities(me: Me | null) {
  const isAdmin = me !== null && me.user.role === 'admin' && me.org.kind === 'secretariat';
  const isMember = me !== null && me.org.kind === 'signatory' && me.org.status === 'member';
  return {
    isAdmin,
    isMember,
    /** Sponsoring and voting: an org-admin acting for a member organisation. */
    canDecide: isMember && me.user.role === 'org-admin',
    canSeeApplications: isAdmin || isMember,
  };
}
