import { useState, type FormEvent } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';
import { ProblemAlert } from '../components/alert.js';
import { TextField } from '../components/fields.js';
import { Card, DefinitionList, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { Link, navigate, useLocation } from '../router.js';
import { abilities, useSession } from '../session.js';

/** Only same-origin paths are followed after sign-in (no open redirect through `?next=`). */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export function SignInPage() {
  const { state, signIn, signOut } = useSession();
  const { search } = useLocation();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const me = await signIn(token.trim());
      const can = abilities(me);
      navigate(safeNext(search.get('next')) ?? (can.canSeeApplications ? '/applications' : '/'));
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  if (state.status === 'signed-in') {
    const { user, org } = state.me;
    return (
      <div className="narrow">
        <PageHeader title="You are signed in" />
        <Card>
          <DefinitionList
            items={[
              ['Name', user.name],
              ['E-mail', user.email],
              ['Organisation', org.name],
              ['Role', <Pill tone="blue">{user.role}</Pill>],
            ]}
          />
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        </Card>
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageHeader title="Sign in" subtitle="Accord signs you in with an API token. It stays in this browser tab only and is forgotten when you close it." />
      <Card>
        <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-label="Sign in">
          {problem && <ProblemAlert problem={problem} />}
          <TextField
            label="API token"
            name="token"
            required
            value={token}
            onChange={setToken}
            type="password"
            autoComplete="current-password"
            mono
            hint={
              <>
                The secretariat's first token is printed by <code>accord init</code>; members get theirs by{' '}
                <Link to="/invitations/accept">accepting an invitation</Link>.
              </>
            }
          />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || token.trim() === ''}>
              {busy ? 'Checking…' : 'Sign in'}
            </button>
          </div>
        </form>
      </Card>
    </div>
  );
}

