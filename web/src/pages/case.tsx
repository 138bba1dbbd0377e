import type { ReactNode } from 'react';
import type { CaseView } from '../../../src/http/api-types.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { Card, DefinitionList, Loading, PageHeader } from '../components/page.js';
import { dateTime, day, relative } from '../format.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { CaseStatusPill, KindPill } from '../disclosure/badges.js';
import { Attachments, CoordinatorTools, Facts, MyReportState, Participants } from '../disclosure/case-panels.js';
import { useNow } from '../disclosure/countdown.js';
import { EmbargoBox } from '../disclosure/embargo-box.js';
import { OwnStatusForm, StatusMatrix, VulnerabilityList } from '../disclosure/status-matrix.js';
import { Thread } from '../disclosure/thread.js';
import { Timeline } from '../disclosure/timeline.js';
import { useCase, type CaseState } from '../disclosure/use-case.js';

/** One case, as far as the viewer may see it; opened with the session or with a secret case link. */
export function CasePage({ id }: { id: string }) {
  const c = useCase(id);
  const { me } = useSession();
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        {me && !c.link ? <Link to="/cases">Cases</Link> : <span>Case</span>}
        <span aria-hidden="true">/</span>
        <span className="mono">{c.data?.number ?? '…'}</span>
      </nav>
      {c.error ? <CaseError c={c} /> : c.data ? <CaseBody view={c.data} c={c} /> : <Loading />}
    </>
  );
}

function CaseError({ c }: { c: CaseState }) {
  const { pathname } = useLocation();
  const { me } = useSession();
  if (c.error?.status === 401 && !c.link) {
    return (
      <div className="narrow">
        <Alert
          kind="info"
          title="Sign in, or open the case with its link"
          actions={
            <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`} className="btn btn-sm btn-primary">
              Sign in
            </Link>
          }
        >
          Participants from signatories sign in. Reporters without an account and invited outsiders open the case with the secret link they were given.
        </Alert>
      </div>
    );
  }
  return (
    <div className="narrow stack">
      <ProblemAlert problem={c.error!} />
      {c.link && (
        <Alert
          kind="info"
          title="Opened with a case link"
          actions={
            <button type="button" className="btn btn-sm" onClick={c.forget}>
              {me ? 'Use my account instead' : 'Forget this link'}
            </button>
          }
        >
          The link kept for this case was refused: it may be mistyped or belong to another case.
        </Alert>
      )}
    </div>
  );
}

function CaseBody({ view, c }: { view: CaseView; c: CaseState }) {
  const now = useNow(30_000);
  const { me } = useSession();
  const coordinator = view.you.some((y) => y.kind === 'coordinator');
  const you = view.participants.find((p) => p.is_you);
  const open = view.status === 'open';
  const { act, reload } = c;

  return (
    <>
      <PageHeader
        title={<span data-testid="case-title">{view.title}</span>}
        meta={
          <>
            <span className="mono meta-item case-number" data-testid="case-number">
              {view.number}
            </span>
            <CaseStatusPill status={view.status} />
            {view.you.map((y) => (
              <span key={y.participant_id} className="meta-item">
                <KindPill kind={y.kind} />
              </span>
            ))}
            <span className="meta-item">reported {day(view.created_at)}</span>
            <span className="meta-item" title={view.updated_at}>
              updated {relative(view.updated_at, Math.max(now, Date.parse(view.updated_at)))}
            </span>
          </>
        }
        actions={
          <>
            <button type="button" className="btn btn-sm" onClick={reload} disabled={c.loading}>
              {c.loading ? 'Refreshing…' : 'Refresh'}
            </button>
            {(view.advisory || coordinator) && (
              <Link to={`/cases/${view.id}/advisory`} className="btn btn-sm">
                {view.advisory ? `Advisory ${view.advisory.tracking_id}` : 'Advisory'}
              </Link>
            )}
          </>
        }
      />
      {c.link && (
        <Alert
          kind="info"
          title={`Opened with a secret case link${you ? ` as ${you.name}` : ''}`}
          actions={
            <button type="button" className="btn btn-sm" onClick={c.forget}>
              {me ? 'Use my account instead' : 'Forget link'}
            </button>
          }
        >
          The link is kept for this browser tab only. Keep your own copy: it is the way back to this case.
        </Alert>
      )}
      {!open && <Alert kind="info" title="This case is closed">Nothing can change any more; it stays readable to its participants.</Alert>}

      <div className="layout-aside wide-aside case-layout">
        <div className="layout-main stack">
          <EmbargoBox view={view} now={now} act={act} onChange={reload} />

          <Card title="Report">
            <p className="prose case-description" data-testid="case-description">
              {view.description}
            </p>
            {view.products.length > 0 && (
              <table className="table table-inner products-table" aria-label="Affected products">
                <thead>
                  <tr>
                    <th>Product</th>
                    <th>Vendor</th>
                    <th>Versions</th>
                    <th>Identifier</th>
                  </tr>
                </thead>
                <tbody>
                  {view.products.map((p, i) => (
                    <tr key={i}>
                      <td className="cell-title">{p.name}</td>
                      <td>{p.vendor ?? '—'}</td>
                      <td>{p.versions ?? '—'}</td>
                      <td className="mono small cell-wrap">{p.purl ?? p.cpe ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="mt">
              <DefinitionList
                items={[
                  ['Reporter publishes after', view.wishes.publish_after ? day(view.wishes.publish_after) : '—'],
                  ['Credit as', view.wishes.credit ?? 'no credit'],
                  ...(view.wishes.notes ? ([['Other wishes', <span className="prose">{view.wishes.notes}</span>]] as [string, ReactNode][]) : []),
                ]}
              />
            </div>
          </Card>

          <Card title={`Vulnerabilities and vendor status`}>
            <StatusMatrix view={view} />
            <VulnerabilityList view={view} act={act} onChange={reload} />
          </Card>

          {open && view.you.some((y) => y.kind === 'vendor') && view.vulnerabilities.length > 0 && (
            <Card title="Your status" className="action-card">
              <OwnStatusForm view={view} act={act} onChange={reload} />
            </Card>
          )}

          {coordinator && open && (
            <Card title="Coordinator" className="action-card">
              <CoordinatorTools view={view} act={act} onChange={reload} now={now} />
            </Card>
          )}

          <Card title={`Thread · ${view.messages.length} message${view.messages.length === 1 ? '' : 's'}`}>
            <Thread view={view} act={act} onChange={reload} />
          </Card>
        </div>

        <aside className="layout-side stack">
          <Card title="Your part">
            <MyReportState view={view} act={act} onChange={reload} />
          </Card>
          <Card title="Facts">
            <Facts view={view} act={act} onChange={reload} />
          </Card>
          <Card title={`Participants · ${view.participants.length}`} flush>
            <Participants view={view} />
          </Card>
          <Card title={`Attachments · ${view.attachments.length}`}>
            <Attachments view={view} act={act} onChange={reload} link={c.link} />
          </Card>
          {view.advisory && (
            <Card title="Advisory">
              <DefinitionList
                items={[
                  ['Tracking id', <span className="mono">{view.advisory.tracking_id}</span>],
                  ['Status', view.advisory.status === 'scheduled' && view.advisory.scheduled_for ? `scheduled for ${dateTime(view.advisory.scheduled_for)}` : view.advisory.status],
                  ['Draft revision', String(view.advisory.draft_revision)],
                  ['Published', view.advisory.published_versions > 0 ? <Link to={`/advisories/${encodeURIComponent(view.advisory.tracking_id)}`}>{view.advisory.published_versions} version{view.advisory.published_versions === 1 ? '' : 's'}</Link> : 'not yet'],
                ]}
              />
              <div className="card-foot">
                <Link to={`/cases/${view.id}/advisory`}>{coordinator && open ? 'Edit the advisory' : 'Review the advisory'} →</Link>
              </div>
            </Card>
          )}
          <Card title="Timeline">
            <Timeline view={view} />
          </Card>
        </aside>
      </div>
    </>
  );
}
