import { useState, type FormEvent } from 'react';
import type { AcceptedInvitation, Problem } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { SecretBox } from '../components/copy-button.js';
import { fieldErrors, TextField } from '../components/fields.js';
import { Card, DefinitionList, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

/**
 * Invitation links carry the secret in the fragment (`#token=…`), which browsers
 * never send to the server, so it stays out of access logs; it is read once and
 * removed from the address bar.
 */
function takeTokenFromUrl(): string {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(window.location.search).get('token');
  const token = fromHash ?? fromQuery ?? '';
  if (token) window.history.replaceState(null, '', window.location.pathname);
  return token;
}

export function AcceptInvitationPage() {
  const [token, setToken] = useState(takeTokenFromUrl);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<AcceptedInvitation | null>(null);
  const errors = fieldErrors(problem?.errors);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      setResult(await api<AcceptedInvitation>('/api/v1/invitations/accept', { method: 'POST', body: { token: token.trim(), name: name.trim() }, token: null }));
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  if (result) return <Accepted result={result} />;

  return (
    <div className="narrow">
      <PageHeader title="Accept an invitation" subtitle="Create your account with the invitation secret you received. You get an API token to sign in with." />
      <Card>
        <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-label="Accept invitation">
          {problem && <ProblemAlert problem={problem} />}
          <TextField label="Invitation token" name="token" required value={token} onChange={setToken} error={errors.token} mono hint="Starts with the prefix your invitation shows." />
          <TextField label="Your name" name="name" required value={name} onChange={setName} error={errors.name} autoComplete="name" maxLength={200} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Creating your account…' : 'Accept invitation'}
            </button>
          </div>
        </form>
      </Card>
    </div>
  );
}

function Accepted({ result }: { result: AcceptedInvitation }) {
  const { signIn } = useSession();
  const [problem, setProblem] = useState<Problem | null>(null);
  const useToken = async () => {
    try {
      await signIn(result.token);
      navigate('/');
    } catch (err) {
      setProblem(toProblem(err));
    }
  };
  return (
    <div className="narrow">
      <PageHeader title="Welcome to Accord" subtitle={`Your account is ready, ${result.user.name}.`} />
      <Card>
        <div className="stack">
          <Alert kind="warning" title="Copy your API token now">
            This is the only time Accord shows it: the server keeps only a hash. Store it in your password manager. If you lose it, ask an org-admin
            of your organisation for a new invitation.
          </Alert>
          <div data-testid="new-token">
            <SecretBox label="Your API token" value={result.token} />
          </div>
          <DefinitionList
            items={[
              ['E-mail', result.user.email],
              ['Role', <Pill tone="blue">{result.user.role}</Pill>],
              ['Token name', result.token_info.name],
              ['Token prefix', <code>{result.token_info.prefix}</code>],
            ]}
          />
          {problem && <ProblemAlert problem={problem} />}
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={() => void useToken()}>
              Sign in with this token
            </button>
          </div>
        </div>
      </Card>
    </div>
  );
}
