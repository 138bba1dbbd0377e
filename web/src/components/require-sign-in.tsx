import type { ReactNode } from 'react';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { Alert } from './alert.js';
import { Loading } from './page.js';

/** Pages that need a signed-in user: a spinner while the session is checked, else a sign-in prompt that returns here. */
export function RequireSignIn({ children, why }: { children: ReactNode; why: string }) {
  const { state } = useSession();
  const { pathname } = useLocation();
  if (state.status === 'loading') return <Loading label="Checking your session…" />;
  if (state.status === 'anonymous') {
    return (
      <div className="narrow">
        <Alert
          kind="info"
          title="Sign in required"
          actions={
            <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`} className="btn btn-sm btn-primary">
              Sign in
            </Link>
          }
        >
          {why}
        </Alert>
      </div>
    );
  }
  return <>{children}</>;
}
