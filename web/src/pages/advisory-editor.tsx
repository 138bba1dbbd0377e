import { useEffect, useMemo, useRef, useState } from 'react';
import type { AdvisoryPreview, CaseAdvisory, CaseView, Problem, PublishResult } from '../../../src/http/api-types.js';
import { toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { JsonView } from '../components/json-view.js';
import { Card, Empty, Loading, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { dateTime } from '../format.js';
import { Link } from '../router.js';
import { Countdown, useNow } from '../disclosure/countdown.js';
import { Icon } from '../disclosure/icons.js';
import { JsonEditor, goToLine, jsonErrorAt, lineOfPointer } from '../disclosure/json-editor.js';
import { useAction } from '../disclosure/use-action.js';
import { useCase, type CaseAct } from '../disclosure/use-case.js';

const DEBOUNCE_MS = 600;

/** The advisory of a case: the coordinator edits the draft with live CSAF/OSV validation; vendors review and approve; the coordinator publishes. */
export function AdvisoryEditorPage({ id }: { id: string }) {
  const c = useCase(id);
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        {c.link ? <span>Case</span> : <Link to="/cases">Cases</Link>}
        <span aria-hidden="true">/</span>
        <Link to={`/cases/${id}`} className="mono">
          {c.data?.number ?? '…'}
        </Link>
        <span aria-hidden="true">/</span>
        <span>Advisory</span>
      </nav>
      {c.error ? <ProblemAlert problem={c.error} /> : c.data ? <Editor view={c.data} act={c.act} reload={c.reload} /> : <Loading />}
    </>
  );
}

const pretty = (draft: Record<string, unknown>) => JSON.stringify(draft, null, 2);

function Editor({ view, act, reload }: { view: CaseView; act: CaseAct; reload: () => void }) {
  const coordinator = view.you.some((y) => y.kind === 'coordinator');
  const a = view.advisory;
  const create = useAction();

  if (!a) {
    return (
      <>
        <PageHeader title="Advisory" subtitle={`The public advisory of ${view.number}: CSAF 2.0, OSV and a CVE record draft, rendered from one draft.`} />
        {coordinator && view.status === 'open' ? (
          <div className="placeholder placeholder-compact">
            <h2 className="placeholder-title">No advisory yet</h2>
            <p className="placeholder-text">Start from the case: its products, vulnerabilities and the vendors’ statuses fill the first draft.</p>
            {create.problem && <ProblemAlert problem={create.problem} />}
            <button
              type="button"
              className="btn btn-primary"
              disabled={create.busy}
              onClick={() =>
                void create.run(async () => {
                  await act('POST', '/advisory');
                  reload();
                })
              }
            >
              Create the draft from the case
            </button>
          </div>
        ) : (
          <Empty>The coordinator has not drafted the advisory yet.</Empty>
        )}
      </>
    );
  }
  return <DraftEditor key={a.id} view={view} advisory={a} act={act} reload={reload} coordinator={coordinator} />;
}

function DraftEditor({ view, advisory: a, act, reload, coordinator }: { view: CaseView; advisory: CaseAdvisory; act: CaseAct; reload: () => void; coordinator: boolean }) {
  const now = useNow(30_000);
  const editable = coordinator && view.status === 'open';
  const [base, setBase] = useState({ revision: a.draft_revision, text: pretty(a.draft) });
  const [text, setText] = useState(base.text);
  const dirty = text !== base.text;
  // A newer revision arrived (a reload after saving, approving or publishing): follow it unless the editor has unsaved edits.
  if (a.draft_revision !== base.revision && !dirty) {
    const next = { revision: a.draft_revision, text: pretty(a.draft) };
    setBase(next);
    setText(next.text);
  }

  const parsed = useMemo((): { draft: Record<string, unknown> } | { error: string; at: { line: number; column: number } | null } => {
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'The draft must be a JSON object ({ … }).', at: null };
      return { draft: v as Record<string, unknown> };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      return { error: msg, at: jsonErrorAt(msg, text) };
    }
  }, [text]);

  // Live validation: the server renders the draft as CSAF 2.0, OSV and CVE and reports every problem (debounced while typing).
  const [preview, setPreview] = useState<{ text: string; result: AdvisoryPreview } | null>(null);
  const [previewError, setPreviewError] = useState<Problem | null>(null);
  const [validating, setValidating] = useState(false);
  const first = useRef(true);
  useEffect(() => {
    if (!('draft' in parsed)) {
      setValidating(false);
      return;
    }
    const ctrl = new AbortController();
    setValidating(true);
    const delay = first.current ? 0 : DEBOUNCE_MS;
    first.current = false;
    const t = window.setTimeout(() => {
      act<AdvisoryPreview>('POST', '/advisory/preview', { draft: parsed.draft }, ctrl.signal)
        .then((result) => {
          setPreview({ text, result });
          setPreviewError(null);
        })
        .catch((err: unknown) => {
          if (!ctrl.signal.aborted) setPreviewError(toProblem(err));
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setValidating(false);
        });
    }, delay);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [parsed, text, act]);

  const save = useAction();
  const [conflict, setConflict] = useState(false);
  const doSave = () => {
    if (!('draft' in parsed)) return;
    setConflict(false);
    void save.run(async () => {
      try {
        await act<CaseAdvisory>('PUT', '/advisory', { draft: parsed.draft, revision: base.revision });
      } catch (err) {
        if (toProblem(err).status === 409) setConflict(true);
        throw err;
      }
      // The saved text is the new base; the reload brings revision + 1 and its (normalised) draft.
      setBase((b) => ({ ...b, text }));
      reload();
    }, 'Saved: vendors approve the new revision again.');
  };

  const discard = () => {
    setConflict(false);
    save.clear();
    setBase({ revision: -1, text: '' }); // forces the next render to adopt the server's draft
    setText('');
    reload();
  };

  const problems = preview?.result.problems ?? [];
  const current = preview !== null && preview.text === text && !validating;
  // Where each problem points in the text being edited (only while the result is for this very text).
  const problemAt = useMemo(() => {
    const at = new Map<string, number>();
    if (preview === null || preview.text !== text) return at;
    for (const p of preview.result.problems.slice(0, 200)) {
      if (!at.has(p.path)) {
        const line = lineOfPointer(text, p.path);
        if (line !== null) at.set(p.path, line);
      }
    }
    return at;
  }, [preview, text]);
  const problemLines = useMemo(() => new Set(problemAt.values()), [problemAt]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const holds = (view.embargo.state === 'active' || view.embargo.state === 'revise') && view.embargo.end_at !== null && Date.parse(view.embargo.end_at) > now;

  return (
    <>
      <PageHeader
        title={
          <>
            Advisory <span className="mono advisory-tid">{a.tracking_id}</span>
          </>
        }
        meta={
          <>
            <AdvisoryStatusPill advisory={a} />
            <span className="meta-item">
              draft revision <strong className="tnum" data-testid="draft-revision">{a.draft_revision}</strong>
            </span>
            <span className="meta-item">
              {a.published_versions > 0 ? (
                <Link to={`/advisories/${encodeURIComponent(a.tracking_id)}`}>
                  {a.published_versions} published version{a.published_versions === 1 ? '' : 's'}
                </Link>
              ) : (
                'not published yet'
              )}
            </span>
            {holds && (
              <span className="meta-item">
                embargo until {dateTime(view.embargo.end_at)} · <Countdown end={view.embargo.end_at!} now={now} />
              </span>
            )}
          </>
        }
        subtitle={
          editable
            ? 'Edit the draft as JSON. Each change is rendered as CSAF 2.0, OSV and a CVE record and validated as you type. Saving makes a new revision, which the vendors approve before publication.'
            : 'The draft the coordinator prepared, rendered and validated as it would go out. Vendors approve the exact revision they read.'
        }
      />

      <div className="grid-2 advisory-top">
        <Approvals view={view} advisory={a} act={act} reload={reload} dirty={dirty} />
        {coordinator ? <Publish view={view} advisory={a} act={act} reload={reload} dirty={dirty} problems={current ? problems.length : null} holds={holds} /> : <DraftFacts advisory={a} />}
      </div>

      <div className="editor-layout">
        <Card
          title={
            <>
              Draft (JSON){dirty && <span className="badge badge-dirty">unsaved</span>}
            </>
          }
          className="editor-card"
          actions={
            editable && (
              <>
                <button
                  type="button"
                  className="btn btn-sm btn-ghost"
                  disabled={!('draft' in parsed)}
                  onClick={() => 'draft' in parsed && setText(pretty(parsed.draft))}
                  title="Indent the JSON two spaces"
                >
                  Format
                </button>
                <button type="button" className="btn btn-sm btn-ghost" disabled={!dirty} onClick={() => setText(base.text)}>
                  Revert
                </button>
                <button type="button" className="btn btn-sm btn-primary" disabled={!dirty || !('draft' in parsed) || save.busy} onClick={doSave}>
                  {save.busy ? 'Saving…' : 'Save revision'}
                </button>
              </>
            )
          }
        >
          {conflict ? (
            <Alert
              kind="warning"
              title="The draft changed meanwhile"
              actions={
                <button type="button" className="btn btn-sm" onClick={discard}>
                  Reload the draft
                </button>
              }
            >
              Someone saved a newer revision while you edited. Reload to get it — copy your edits first: reloading replaces them.
            </Alert>
          ) : (
            save.problem && <ProblemAlert problem={save.problem} fieldErrors />
          )}
          {save.done && !save.problem && !dirty && (
            <p className="action-done" role="status">
              ✓ {save.done}
            </p>
          )}
          {'error' in parsed && (
            <div className="json-error" role="alert" data-testid="json-error">
              <strong>Not valid JSON</strong>
              {parsed.at && (
                <span className="mono">
                  {' '}
                  line {parsed.at.line}, column {parsed.at.column}
                </span>
              )}
              : {parsed.error}
            </div>
          )}
          <JsonEditor
            value={text}
            onChange={setText}
            readOnly={!editable}
            label="Advisory draft (JSON)"
            errorLine={'error' in parsed ? (parsed.at?.line ?? null) : null}
            problemLines={problemLines}
            textareaRef={textarea}
          />
        </Card>

        <Card
          title="Validation"
          className="validation-card"
          actions={<ValidationBadge validating={validating} jsonError={'error' in parsed} count={preview ? problems.length : null} />}
        >
          {previewError && <ProblemAlert problem={previewError} />}
          {'error' in parsed ? (
            <p className="muted small">Fix the JSON syntax first; the last result below is for an earlier text.</p>
          ) : null}
          {preview === null ? (
            !previewError && <Loading label="Rendering…" />
          ) : (
            <>
              {problems.length > 0 ? (
                <div className="problems-wrap">
                  <table className="table problems" aria-label="Validation problems" data-testid="problems">
                    <thead>
                      <tr>
                        <th>Path</th>
                        <th>Source</th>
                        <th>Problem</th>
                      </tr>
                    </thead>
                    <tbody>
                      {problems.map((p, i) => (
                        <tr key={i} data-testid="problem">
                          <td className="mono small cell-path">
                            {problemAt.has(p.path) ? (
                              <button type="button" className="link-button" title={`Go to line ${problemAt.get(p.path)}`} onClick={() => textarea.current && goToLine(textarea.current, problemAt.get(p.path)!)}>
                                {p.path || '/'}
                              </button>
                            ) : (
                              p.path || '/'
                            )}
                            {problemAt.has(p.path) && <span className="cell-sub">line {problemAt.get(p.path)}</span>}
                          </td>
                          <td>
                            <Pill tone={p.source === 'model' ? 'purple' : p.source === 'csaf' ? 'blue' : 'green'}>{p.source}</Pill>
                          </td>
                          <td className="cell-wrap">{p.message}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <p className="valid-note">
                  <Icon name="check" size={14} /> The draft renders to a CSAF 2.0 document that passes the strict schema and the mandatory tests, and to OSV records that pass the OSV schema.
                </p>
              )}
              <Rendered preview={preview.result} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}

function AdvisoryStatusPill({ advisory: a }: { advisory: CaseAdvisory }) {
  const tone = a.status === 'published' ? 'green' : a.status === 'scheduled' ? 'purple' : 'amber';
  return (
    <span className={`pill pill-${tone}`} data-advisory-status={a.status}>
      <span className="pill-dot" aria-hidden="true" />
      {a.status === 'scheduled' && a.scheduled_for ? `scheduled for ${dateTime(a.scheduled_for)}` : a.status}
    </span>
  );
}

function ValidationBadge({ validating, jsonError, count }: { validating: boolean; jsonError: boolean; count: number | null }) {
  if (jsonError) return <span className="vbadge vbadge-red" data-testid="validation-badge">JSON syntax error</span>;
  if (validating || count === null)
    return (
      <span className="vbadge vbadge-gray" data-testid="validation-badge" data-state="validating">
        <span className="spinner spinner-sm" aria-hidden="true" /> Validating…
      </span>
    );
  if (count === 0)
    return (
      <span className="vbadge vbadge-green" data-testid="validation-badge" data-state="valid">
        <Icon name="check" size={12} /> valid CSAF 2.0 + OSV
      </span>
    );
  return (
    <span className="vbadge vbadge-red" data-testid="validation-badge" data-state="invalid">
      {count} problem{count === 1 ? '' : 's'}
    </span>
  );
}

/** The rendered documents, as they would be published. */
function Rendered({ preview }: { preview: AdvisoryPreview }) {
  const [tab, setTab] = useState<'csaf' | 'osv' | 'cve'>('csaf');
  const raw = tab === 'csaf' ? preview.csaf : tab === 'osv' ? preview.osv : preview.cve;
  const value = useMemo(() => {
    if (!raw) return null;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }, [raw]);
  return (
    <div className="rendered">
      <div className="tabs tabs-compact" role="tablist" aria-label="Rendered documents">
        {(
          [
            ['csaf', 'CSAF 2.0'],
            ['osv', 'OSV'],
            ['cve', 'CVE JSON 5'],
          ] as const
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={`tab tab-button ${tab === id ? 'active' : ''}`} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
        <span className="rendered-version muted small">as version {preview.version}</span>
      </div>
      {value === null ? (
        <p className="muted small">{tab === 'cve' ? 'No CVE record: no vulnerability has a CVE id.' : 'Not rendered: fix the problems above first.'}</p>
      ) : (
        <JsonView value={value} label={`Rendered ${tab}`} maxHeight={420} />
      )}
    </div>
  );
}

/** Which vendors approved the current revision, and whom publication still waits for. */
function Approvals({ view, advisory: a, act, reload, dirty }: { view: CaseView; advisory: CaseAdvisory; act: CaseAct; reload: () => void; dirty: boolean }) {
  const approve = useAction();
  const vendors = view.participants.filter((p) => p.kind === 'vendor' && (a.awaiting_approval.includes(p.id) || p.id in a.approvals));
  const mine = view.you.find((y) => y.kind === 'vendor' && a.awaiting_approval.includes(y.participant_id));
  const approved = vendors.filter((v) => a.approvals[v.id] === a.draft_revision).length;
  return (
    <Card title={`Approvals of revision ${a.draft_revision}`} actions={<span className={`count ${approved === vendors.length && vendors.length > 0 ? 'count-ok' : ''}`} data-testid="approval-count">{approved} of {vendors.length}</span>}>
      {vendors.length === 0 ? (
        <p className="muted small">No vendor needs to approve.</p>
      ) : (
        <ul className="approval-list" data-testid="approvals">
          {vendors.map((v) => {
            const rev = a.approvals[v.id];
            const ok = rev === a.draft_revision;
            return (
              <li key={v.id} className={`approval ${ok ? 'approval-ok' : 'approval-wait'}`} data-approved={ok}>
                <span className="approval-mark" aria-hidden="true">
                  {ok ? <Icon name="check" size={12} /> : <Icon name="clock" size={12} />}
                </span>
                <span className="approval-name">
                  {v.name}
                  {v.is_you && <span className="badge badge-you">you</span>}
                </span>
                <span className="approval-state small">{ok ? `approved revision ${rev}` : rev !== undefined ? `approved revision ${rev}; awaiting ${a.draft_revision}` : 'awaiting'}</span>
              </li>
            );
          })}
        </ul>
      )}
      {mine && view.status === 'open' && a.status !== 'published' && (
        <div className="approve-row">
          <button
            type="button"
            className="btn btn-primary btn-sm"
            disabled={approve.busy || dirty}
            onClick={() =>
              void approve.run(async () => {
                await act('POST', '/advisory/approve', { revision: a.draft_revision });
                reload();
              }, `Approved revision ${a.draft_revision}.`)
            }
          >
            Approve revision {a.draft_revision}
          </button>
          <span className="muted small">Approve only what you read: an edit makes a new revision to approve.</span>
        </div>
      )}
      {approve.problem && <ProblemAlert problem={approve.problem} />}
      {approve.done && !approve.problem && <p className="action-done">✓ {approve.done}</p>}
    </Card>
  );
}

/** What a non-coordinator sees beside the approvals. */
function DraftFacts({ advisory: a }: { advisory: CaseAdvisory }) {
  return (
    <Card title="Publication">
      <p className="small">
        {a.status === 'published'
          ? `Published (${a.published_versions} version${a.published_versions === 1 ? '' : 's'}, first on ${dateTime(a.first_published_at)}).`
          : a.status === 'scheduled'
            ? `Scheduled for ${dateTime(a.scheduled_for)}, the end of the embargo.`
            : 'The coordinator publishes once every vendor has approved the current revision and the documents validate; never before the embargo ends.'}
      </p>
      {a.published_versions > 0 && (
        <Link to={`/advisories/${encodeURIComponent(a.tracking_id)}`} className="btn btn-sm">
          Public page
        </Link>
      )}
    </Card>
  );
}

/** The coordinator publishes: now when no embargo holds, else scheduled for its end. */
function Publish({ view, advisory: a, act, reload, dirty, problems, holds }: { view: CaseView; advisory: CaseAdvisory; act: CaseAct; reload: () => void; dirty: boolean; problems: number | null; holds: boolean }) {
  const [summary, setSummary] = useState('');
  const [result, setResult] = useState<PublishResult | null>(null);
  const publish = useAction();
  const blockers = [
    view.status !== 'open' ? 'the case is closed' : null,
    dirty ? 'save or revert your edits' : null,
    a.awaiting_approval.length > 0 ? `${a.awaiting_approval.length} vendor approval${a.awaiting_approval.length === 1 ? '' : 's'} missing` : null,
    problems === null ? 'validating…' : problems > 0 ? `${problems} validation problem${problems === 1 ? '' : 's'}` : null,
    a.status === 'published' ? 'this revision is published; edit the draft to prepare an update' : null,
  ].filter((b): b is string => b !== null);

  return (
    <Card title="Publish" className="action-card">
      {a.status === 'scheduled' && !result && (
        <Alert kind="info" title={`Scheduled for ${dateTime(a.scheduled_for)}`}>
          The advisory goes out when the embargo ends. Editing the draft takes it back to draft.
        </Alert>
      )}
      {result &&
        (result.version ? (
          <Alert kind="success" title={`Published version ${result.version.version}`}>
            <Link to={`/advisories/${encodeURIComponent(result.version.tracking_id)}`}>{result.version.tracking_id}</Link> is public, in the CSAF provider, and on its way into the transparency log.
          </Alert>
        ) : (
          <Alert kind="success" title={`Scheduled for ${dateTime(result.advisory.scheduled_for)}`}>
            The case is under embargo: the advisory will be published automatically when it ends.
          </Alert>
        ))}
      <div className="stack">
        <label className="field">
          <span className="field-label">
            Revision summary<span className="field-optional">optional</span>
          </span>
          <input className="input" value={summary} maxLength={1000} onChange={(e) => setSummary(e.target.value)} placeholder={a.published_versions === 0 ? 'Initial public release.' : 'What changed in this version'} />
        </label>
        <div className="button-row">
          <button
            type="button"
            className="btn btn-primary btn-sm"
            disabled={blockers.length > 0 || publish.busy}
            onClick={() =>
              void publish.run(async () => {
                setResult(await act<PublishResult>('POST', '/advisory/publish', summary.trim() ? { summary: summary.trim() } : {}));
                reload();
              })
            }
          >
            {holds ? 'Schedule for the embargo end' : 'Publish now'}
          </button>
          {holds && <span className="muted small">under embargo until {dateTime(view.embargo.end_at)}</span>}
        </div>
        {blockers.length > 0 && <p className="muted small publish-blockers">Not yet: {blockers.join('; ')}.</p>}
      </div>
      {publish.problem && <ProblemAlert problem={publish.problem} fieldErrors />}
    </Card>
  );
}
