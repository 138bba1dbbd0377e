import { useState, type FormEvent, type ReactNode } from 'react';
import type { ApplicationView, Decision, ItemList, Pledge, Problem, Tally, VoteChoice, VotingRule } from '../../../src/http/api-types.js';
import { api, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { CopyButton, SecretBox } from '../components/copy-button.js';
import { fieldErrors, TextArea } from '../components/fields.js';
import { Card, DataState, DefinitionList, Empty, ExternalLink, PageHeader } from '../components/page.js';
import { DemoBadge, Pill, PledgeBadge, StatusPill } from '../components/pills.js';
import { RequireSignIn } from '../components/require-sign-in.js';
import { countryName, dateTime, day, percent, relative, shortId } from '../format.js';
import { Link } from '../router.js';
import { abilities, useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { useOrgNames, type OrgRef } from '../use-org-names.js';

export function ApplicationPage({ id }: { id: string }) {
  return (
    <RequireSignIn why="Applications are seen by the secretariat and by member organisations.">
      <ApplicationLoader id={id} />
    </RequireSignIn>
  );
}

function ApplicationLoader({ id }: { id: string }) {
  const view = useApi<ApplicationView>(`/api/v1/applications/${encodeURIComponent(id)}`);
  const rule = useApi<VotingRule>('/api/v1/voting-rule');
  const orgs = useOrgNames();
  const pledges = useApi<ItemList<Pledge>>('/api/v1/pledges');
  // The invitation secret from closing a vote exists only in that response: keep it until the user leaves.
  const [decision, setDecision] = useState<Decision | null>(null);
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/applications">Applications</Link>
        <span aria-hidden="true">/</span>
        <span className="mono">{shortId(id)}</span>
      </nav>
      <DataState {...view}>
        {(v) => <ApplicationDetail view={v} rule={rule.data} orgs={orgs} pledges={pledges.data?.items ?? []} reload={view.reload} decision={decision} onDecision={setDecision} />}
      </DataState>
    </>
  );
}

interface DetailProps {
  view: ApplicationView;
  rule: VotingRule | undefined;
  orgs: ReturnType<typeof useOrgNames>;
  pledges: Pledge[];
  reload: () => void;
  decision: Decision | null;
  onDecision: (d: Decision) => void;
}

function orgLabel(names: Map<string, OrgRef>, id: string): ReactNode {
  const o = names.get(id);
  if (!o) return <span className="mono" title={id}>{shortId(id)}</span>;
  return <Link to={`/signatories/${o.slug}`}>{o.name}</Link>;
}

function ApplicationDetail({ view, rule, orgs, pledges, reload, decision, onDecision }: DetailProps) {
  const { me } = useSession();
  const can = abilities(me);
  const a = view.application;
  return (
    <>
      <PageHeader
        title={
          <>
            {a.org_name} {a.demo && <DemoBadge />}
          </>
        }
        meta={
          <>
            <StatusPill status={a.status} />
            <span className="meta-item">Submitted {dateTime(a.submitted_at)}</span>
            <span className="meta-item">
              ID <code title={a.id}>{shortId(a.id)}</code> <CopyButton text={a.id} label="Copy ID" />
            </span>
          </>
        }
      />
      {decision && <DecisionNotice decision={decision} />}
      <div className="layout-aside wide-aside">
        <div className="layout-main">
          <Card title="Application">
            <DefinitionList
              items={[
                ['Country', `${countryName(a.country)} (${a.country})`],
                ['Sector', a.sector],
                ['Size', `${a.size_band} employees`],
                ['Website', <ExternalLink href={a.website} />],
                ['Contact', a.contact_email === '(hidden)' ? <span className="muted">Visible to the secretariat only</span> : <>{a.contact_name} · <a href={`mailto:${a.contact_email}`}>{a.contact_email}</a></>],
                ['PSIRT contact', a.psirt_contact ?? <span className="muted">—</span>],
                ['CVD policy', a.cvd_policy_url ? <ExternalLink href={a.cvd_policy_url} /> : <span className="muted">None given</span>],
                ['security.txt', a.security_txt_url ? <ExternalLink href={a.security_txt_url} /> : <span className="muted">—</span>],
                [
                  'Pledges',
                  <div className="badges">
                    {a.pledges.length === 0 ? <span className="muted">None</span> : a.pledges.map((slug) => {
                          const p = pledges.find((x) => x.slug === slug);
                          return <PledgeBadge key={slug} slug={slug} title={p?.title ?? slug} kind={p?.kind} />;
                        })}
                  </div>,
                ],
              ]}
            />
            <h3 className="section-label">Motivation</h3>
            <p className="prose">{a.motivation}</p>
          </Card>
          {(a.voting_opened_at !== null || view.votes.length > 0) && <VotesCard view={view} rule={rule} orgs={orgs} />}
          {a.decided_at && (
            <Card title="Decision" className="mt">
              <DefinitionList
                items={[
                  ['Outcome', <StatusPill status={a.status} />],
                  ['Decided', dateTime(a.decided_at)],
                  ['Reason', <span data-testid="decision-reason">{a.decision_reason ?? '—'}</span>],
                ]}
              />
            </Card>
          )}
        </div>
        <aside className="layout-side">
          {can.isAdmin && (a.status === 'submitted' || a.status === 'voting') && (
            <SecretariatActions view={view} rule={rule} reload={reload} onDecision={onDecision} />
          )}
          {me && !can.isAdmin && (a.status === 'submitted' || a.status === 'voting') && <MemberActions view={view} reload={reload} />}
          <SponsorsCard view={view} rule={rule} orgs={orgs} />
          {a.status === 'voting' && (
            <Card title="Timeline" className="mt">
              <DefinitionList
                items={[
                  ['Vote opened', dateTime(a.voting_opened_at)],
                  [
                    'Vote closes',
                    a.voting_closes_at ? (
                      <span title={a.voting_closes_at}>
                        {dateTime(a.voting_closes_at)}
                        <span className="cell-sub">{relative(a.voting_closes_at)}</span>
                      </span>
                    ) : (
                      '—'
                    ),
                  ],
                ]}
              />
            </Card>
          )}
        </aside>
      </div>
    </>
  );
}

function SponsorsCard({ view, rule, orgs }: { view: ApplicationView; rule: VotingRule | undefined; orgs: DetailProps['orgs'] }) {
  const needed = rule?.sponsors_needed;
  return (
    <Card title="Sponsors" className="mt" actions={needed !== undefined && <span className={`count ${view.sponsors.length >= needed ? 'count-ok' : ''}`}>{view.sponsors.length} / {needed} needed</span>}>
      {view.sponsors.length === 0 ? (
        <Empty>No member organisation sponsors this application yet.</Empty>
      ) : (
        <ul className="list">
          {view.sponsors.map((s) => (
            <li key={s.org_id} className="list-row">
              <span>{orgLabel(orgs.names, s.org_id)}</span>
              <span className="tnum muted">{day(s.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function VotesCard({ view, rule, orgs }: { view: ApplicationView; rule: VotingRule | undefined; orgs: DetailProps['orgs'] }) {
  const t = view.tally;
  const eligible = t?.eligible ?? orgs.memberCount ?? 0;
  const cast = t?.cast ?? view.votes.length;
  const hidden = view.votes.some((v) => v.hidden);
  return (
    <Card title="Vote" className="mt" actions={<span className="count">{cast} of {eligible} members voted</span>}>
      <div className="vote-progress" data-testid="vote-progress">
        <div className="meter" role="img" aria-label={`${cast} of ${eligible} members voted${rule ? `; quorum ${percent(rule.quorum * eligible, eligible)}` : ''}`}>
          {t ? (
            <>
              <div className="meter-seg seg-yes" style={{ width: `${(t.yes / Math.max(1, eligible)) * 100}%` }} />
              <div className="meter-seg seg-no" style={{ width: `${(t.no / Math.max(1, eligible)) * 100}%` }} />
              <div className="meter-seg seg-abstain" style={{ width: `${(t.abstain / Math.max(1, eligible)) * 100}%` }} />
            </>
          ) : (
            <div className="meter-seg seg-cast" style={{ width: `${(cast / Math.max(1, eligible)) * 100}%` }} />
          )}
          {rule && <div className="meter-mark" style={{ left: `${rule.quorum * 100}%` }} title={`Quorum: ${Math.round(rule.quorum * 100)}% of members`} />}
        </div>
        {rule && (
          <div className="meter-caption">
            <span>
              {cast} of {eligible} voted ({percent(cast, eligible)})
            </span>
            <span>
              <span className="mark-key" aria-hidden="true" />
              quorum {Math.ceil(rule.quorum * eligible - 1e-9)} of {eligible} ({Math.round(rule.quorum * 100)}%)
            </span>
          </div>
        )}
        {t ? <TallyLegend t={t} open={view.application.status === 'voting'} /> : <p className="muted small">How members voted stays hidden until the vote closes, so nobody follows the crowd.</p>}
      </div>
      {view.votes.length > 0 && (
        <table className="table table-inner" aria-label="Votes">
          <thead>
            <tr>
              <th>Organisation</th>
              <th>Vote</th>
              <th>Reason</th>
              <th>Cast</th>
            </tr>
          </thead>
          <tbody>
            {view.votes.map((v) => (
              <tr key={v.org_id}>
                <td>{orgLabel(orgs.names, v.org_id)}</td>
                <td>{v.hidden ? <Pill title="Hidden until the vote closes">hidden</Pill> : <ChoicePill choice={v.choice} />}</td>
                <td className="cell-reason">{v.hidden ? <span className="muted">—</span> : (v.reason ?? <span className="muted">—</span>)}</td>
                <td className="tnum nowrap">{dateTime(v.cast_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hidden && view.votes.length === 0 && <Empty>No votes yet.</Empty>}
    </Card>
  );
}

function ChoicePill({ choice }: { choice: VoteChoice }) {
  return <Pill tone={choice === 'yes' ? 'green' : choice === 'no' ? 'red' : 'gray'}>{choice}</Pill>;
}

function TallyLegend({ t, open }: { t: Tally; open: boolean }) {
  return (
    <div className="tally">
      <span className="legend">
        <i className="swatch seg-yes" /> Yes <strong>{t.yes}</strong>
      </span>
      <span className="legend">
        <i className="swatch seg-no" /> No <strong>{t.no}</strong>
      </span>
      <span className="legend">
        <i className="swatch seg-abstain" /> Abstain <strong>{t.abstain}</strong>
      </span>
      <span className="tally-flags">
        <Pill tone={t.quorum_met ? 'green' : 'amber'}>{t.quorum_met ? '✓ quorum' : open ? '✗ no quorum yet' : '✗ no quorum'}</Pill>
        <Pill tone={t.majority_met ? 'green' : 'amber'}>{t.majority_met ? '✓ majority' : open ? '✗ no majority yet' : '✗ no majority'}</Pill>
      </span>
    </div>
  );
}

type Mode = 'idle' | 'open' | 'close' | 'reject';

/** The secretariat's controls: open the vote, close it, or reject with a reason. */
function SecretariatActions({ view, rule, reload, onDecision }: { view: ApplicationView; rule: VotingRule | undefined; reload: () => void; onDecision: (d: Decision) => void }) {
  const a = view.application;
  const [mode, setMode] = useState<Mode>('idle');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errors = fieldErrors(problem?.errors);
  const short = rule !== undefined && view.sponsors.length < rule.sponsors_needed;

  const choose = (m: Mode) => {
    setMode(m);
    setReason('');
    setProblem(null);
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const text = reason.trim();
    try {
      if (mode === 'open') await api(`/api/v1/applications/${a.id}/open-vote`, { method: 'POST', body: text ? { reason: text } : {} });
      if (mode === 'reject') await api(`/api/v1/applications/${a.id}/reject`, { method: 'POST', body: { reason: text } });
      if (mode === 'close') onDecision(await api<Decision>(`/api/v1/applications/${a.id}/close`, { method: 'POST', body: text ? { reason: text } : {} }));
      setMode('idle');
      reload();
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Secretariat" className="action-card">
      {mode === 'idle' ? (
        <div className="stack">
          {a.status === 'submitted' && (
            <p className="small muted">
              {short ? `The vote needs ${rule?.sponsors_needed} sponsor(s); ${view.sponsors.length} so far.` : 'Enough members sponsor this application to open the vote.'}
            </p>
          )}
          {a.status === 'voting' && <p className="small muted">Close the vote when its window has ended, or earlier once every member has voted.</p>}
          <div className="button-row">
            {a.status === 'submitted' && (
              <button type="button" className="btn btn-primary" onClick={() => choose('open')}>
                Open vote
              </button>
            )}
            {a.status === 'voting' && (
              <button type="button" className="btn btn-primary" onClick={() => choose('close')}>
                Close vote
              </button>
            )}
            <button type="button" className="btn btn-danger-outline" onClick={() => choose('reject')}>
              Reject…
            </button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={(e) => void run(e)} noValidate aria-label={mode === 'reject' ? 'Reject application' : mode === 'open' ? 'Open vote' : 'Close vote'}>
          {problem && <ProblemAlert problem={problem} />}
          {mode === 'reject' && <p className="small">Rejecting is final and recorded in the audit trail with your reason, which the applicant may be told.</p>}
          {mode === 'close' && <p className="small">Closing counts the votes: admission creates the organisation and an invitation for its contact.</p>}
          <TextArea
            label={mode === 'reject' ? 'Reason for rejection' : 'Note for the record'}
            name="reason"
            required={mode === 'reject'}
            rows={3}
            value={reason}
            onChange={setReason}
            error={errors.reason}
            maxLength={2000}
          />
          <div className="button-row">
            <button type="submit" className={`btn ${mode === 'reject' ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
              {mode === 'reject' ? 'Reject application' : mode === 'open' ? 'Open the vote now' : 'Close vote and decide'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => choose('idle')} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

/** An org-admin of a member organisation sponsors or votes on its behalf; other roles are told who can. */
function MemberActions({ view, reload }: { view: ApplicationView; reload: () => void }) {
  const { me } = useSession();
  const can = abilities(me);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [choice, setChoice] = useState<VoteChoice | null>(null);
  const [reason, setReason] = useState('');
  const [cast, setCast] = useState<VoteChoice | null>(null);
  if (!me) return null;
  const a = view.application;
  const orgName = me.org.name;

  if (!can.canDecide) {
    return (
      <Card title="Your organisation" className="action-card">
        <p className="small muted">
          {can.isMember ? `Only an org-admin of ${orgName} can sponsor or vote for it.` : 'Only member organisations sponsor and vote on applications.'}
        </p>
      </Card>
    );
  }

  const act = async (fn: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setProblem(null);
    try {
      await fn();
      after?.();
      reload();
    } catch (err) {
      const p = toProblem(err);
      setProblem(p);
      // A conflict means this page is out of date (another tab or colleague acted): show the current state under the error.
      if (p.status === 409) reload();
    } finally {
      setBusy(false);
    }
  };

  if (a.status === 'submitted') {
    const sponsoring = view.sponsors.some((s) => s.org_id === me.org.id);
    return (
      <Card title="Sponsorship" className="action-card">
        <div className="stack">
          {problem && <ProblemAlert problem={problem} />}
          {sponsoring ? (
            <Alert kind="success">{orgName} sponsors this application.</Alert>
          ) : (
            <>
              <p className="small muted">Sponsoring says {orgName} supports opening a vote on this application.</p>
              <div className="button-row">
                <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act(() => api(`/api/v1/applications/${a.id}/sponsor`, { method: 'POST' }))}>
                  Sponsor for {orgName}
                </button>
              </div>
            </>
          )}
        </div>
      </Card>
    );
  }

  const ours = view.votes.find((v) => v.org_id === me.org.id);
  const errors = fieldErrors(problem?.errors);
  return (
    <Card title="Your organisation's vote" className="action-card">
      <div className="stack">
        {problem && <ProblemAlert problem={problem} />}
        {ours ? (
          <Alert kind="success" title={cast ? `You voted ${cast} for ${orgName}` : `${orgName} has voted`}>
            Cast {dateTime(ours.cast_at)}. Each organisation votes once; how members voted is published when the vote closes.
          </Alert>
        ) : (
          <form
            className="stack"
            aria-label="Vote"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (!choice) return;
              const body = reason.trim() ? { choice, reason: reason.trim() } : { choice };
              void act(() => api(`/api/v1/applications/${a.id}/votes`, { method: 'POST', body }), () => setCast(choice));
            }}
          >
            <fieldset className="fieldset">
              <legend className="field-label">Vote for {orgName}</legend>
              <div className="segmented">
                {(['yes', 'no', 'abstain'] as const).map((c) => (
                  <label key={c} className={`seg seg-${c}`}>
                    <input type="radio" name="choice" value={c} checked={choice === c} onChange={() => setChoice(c)} />
                    <span>{c === 'yes' ? 'Yes' : c === 'no' ? 'No' : 'Abstain'}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <TextArea label="Reason" name="reason" rows={3} value={reason} onChange={setReason} error={errors.reason} maxLength={2000} hint="Published with the vote once it closes." />
            <div className="button-row">
              <button type="submit" className="btn btn-primary" disabled={busy || !choice}>
                {busy ? 'Casting…' : 'Cast vote'}
              </button>
              <span className="small muted">Votes are final.</span>
            </div>
          </form>
        )}
      </div>
    </Card>
  );
}

/** Shown after closing a vote: the outcome and, on admission, the invitation secret — which no later request can show again. */
function DecisionNotice({ decision }: { decision: Decision }) {
  const admitted = decision.application.status === 'admitted';
  if (!admitted) {
    return (
      <Alert kind="info" title="Vote closed: not admitted">
        {decision.application.decision_reason}
      </Alert>
    );
  }
  const inv = decision.invitation;
  const link = inv ? `${window.location.origin}/invitations/accept#token=${encodeURIComponent(inv.token)}` : '';
  return (
    <div className="decision-notice" data-testid="admission">
      <Alert kind="success" title={`Admitted: ${decision.org?.name ?? decision.application.org_name}`}>
        {decision.application.decision_reason}
      </Alert>
      {inv ? (
        <Card title="Invitation for the first org-admin" className="mt">
          <div className="stack">
            <Alert kind="warning" title="Shown once">
              Send this to {inv.invitation.email} over a channel you trust. Accord stores only a hash; it expires {day(inv.invitation.expires_at)}.
            </Alert>
            <div data-testid="invitation-secret">
              <SecretBox label="Invitation secret" value={inv.token} />
            </div>
            <SecretBox label="Invitation link" value={link} />
          </div>
        </Card>
      ) : (
        <Alert kind="info">The contact already has an Accord account, so no invitation was created.</Alert>
      )}
    </div>
  );
}
