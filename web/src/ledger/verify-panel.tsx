import { useId, useState } from 'react';
import type { Problem } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import type { InclusionReport, StepId, StepStatus } from '../verify/inclusion.js';
import { checkEntryInclusion } from './check-entry.js';
import { useVerifierKey } from './vkey.js';

/** Why the key must come from the user; shown wherever the console verifies. */
export function WhyPasteKey() {
  return (
    <>
      The console cannot trust the server to vouch for its own key, so paste the log’s verifier key you obtained separately — for example{' '}
      <code>log_vkey</code> from <code>accord init</code>, or your trust file.
    </>
  );
}

/** The log verifier key input, with its reason. */
export function VerifierKeyField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        Log verifier key
      </label>
      <textarea
        id={id}
        className="input textarea mono vkey-input"
        rows={3}
        value={value}
        spellCheck={false}
        placeholder="accord.example/log+1234abcd+AQ…"
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <div id={`${id}-hint`} className="field-hint">
        <WhyPasteKey />
      </div>
    </div>
  );
}

/** What a failed step means, for the verdict's title. */
const FAILED: Record<StepId, string> = {
  vkey: 'the verifier key is not valid',
  signature: 'the checkpoint is not signed by this key',
  leaf: 'the entry could not be hashed',
  inclusion: 'the entry is not proved to be in the signed tree',
};

function sentence(text: string): string {
  const t = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

const ICON: Record<StepStatus, string> = { ok: '✓', failed: '✗', skipped: '–' };

/** Each check with its outcome, in order. */
export function VerifySteps({ report }: { report: InclusionReport }) {
  return (
    <ol className="verify-steps" aria-label="Verification steps">
      {report.steps.map((s) => (
        <li key={s.id} className={`verify-step step-${s.status}`} data-step={s.id} data-status={s.status}>
          <span className="step-icon" aria-hidden="true">
            {ICON[s.status]}
          </span>
          <div className="step-body">
            <div className="step-label">
              {s.label}
              <span className="sr-only"> — {s.status}</span>
            </div>
            <div className="step-detail">{s.detail}</div>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The verdict in one line: what holds, or the first thing that does not. */
export function Verdict({ report, index }: { report: InclusionReport; index: number }) {
  if (report.ok) {
    return (
      <Alert kind="success" title="Inclusion verified in this browser">
        <span data-testid="verify-verdict">
          Entry {index} is in the tree of size {report.checkpoint?.size} whose checkpoint is signed by {report.key?.name}.
        </span>
      </Alert>
    );
  }
  const failed = report.steps.find((s) => s.status === 'failed');
  return (
    <Alert kind="error" title={failed ? `Verification failed: ${FAILED[failed.id]}` : 'Verification incomplete'}>
      <span data-testid="verify-verdict">{failed ? sentence(failed.detail) : 'Not every check ran.'}</span>
    </Alert>
  );
}

type RunState = { status: 'idle' } | { status: 'running' } | { status: 'done'; report: InclusionReport } | { status: 'error'; problem: Problem };

/** Runs the in-browser inclusion check for one entry; shared by the entry page and release verification. */
export function useInclusionCheck(): [RunState, (index: number, data: Uint8Array, vkey: string) => Promise<InclusionReport | null>] {
  const [state, setState] = useState<RunState>({ status: 'idle' });
  const run = async (index: number, data: Uint8Array, vkey: string) => {
    setState({ status: 'running' });
    try {
      const report = await checkEntryInclusion(index, data, vkey);
      setState({ status: 'done', report });
      return report;
    } catch (err) {
      setState({ status: 'error', problem: toProblem(err) });
      return null;
    }
  };
  return [state, run];
}

/** The entry page's panel: key, button, steps and verdict. */
export function VerifyInclusionPanel({ index, data }: { index: number; data: Uint8Array | undefined }) {
  const [vkey, setVkey, remember] = useVerifierKey();
  const [state, run] = useInclusionCheck();
  const verify = async () => {
    if (!data) return;
    const report = await run(index, data, vkey);
    if (report?.steps[0]?.status === 'ok') remember(vkey);
  };
  return (
    <div className="stack" data-testid="verify-panel">
      <p className="small muted">
        Recomputes the leaf hash from the entry’s bytes, walks the server’s inclusion proof up to a root (RFC 9162 §2.1.3.2) and checks the checkpoint’s
        Ed25519 signature — all with WebCrypto, in this tab.
      </p>
      <VerifierKeyField value={vkey} onChange={setVkey} />
      <div className="button-row">
        <button type="button" className="btn btn-primary" disabled={!data || !vkey.trim() || state.status === 'running'} onClick={() => void verify()}>
          {state.status === 'running' ? 'Verifying…' : 'Verify inclusion in the browser'}
        </button>
        <a className="btn btn-sm btn-ghost" href={`/api/v1/log/entries/${index}/proof`} download={`entry-${index}.tlog-proof`}>
          Download tlog-proof
        </a>
      </div>
      {state.status === 'error' && <ProblemAlert problem={state.problem} />}
      {state.status === 'done' && (
        <>
          <Verdict report={state.report} index={index} />
          <VerifySteps report={state.report} />
        </>
      )}
    </div>
  );
}
