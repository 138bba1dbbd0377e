import { useMemo, useState } from 'react';
import type { CheckDatabase, Problem, SbomCheckResult, SbomFinding } from '../../../src/http/api-types.js';
import { apiRaw, saveFile, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { Card, Empty, ExternalLink, Loading, PageHeader } from '../components/page.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { SeverityBadge } from '../disclosure/badges.js';
import { scoreSeverity, severityRank, type Scored } from '../check/cvss.js';
import { SourcePicker, type Source } from '../check/source-picker.js';
import { baseName, duration } from '../check/format.js';

/** The server's limit (src/advisory/sbom/model.ts MAX_SBOM_BYTES). */
const MAX_SBOM_BYTES = 50 * 1024 * 1024;
const GROUPS_SHOWN = 100;

type Run = { status: 'idle' } | { status: 'running'; source: Source } | { status: 'done'; source: Source; result: SbomCheckResult; raw: string } | { status: 'error'; source: Source | null; problem: Problem };

interface Row {
  finding: SbomFinding;
  scored: Scored;
}

interface Group {
  ref: string;
  component: SbomFinding['component'];
  rows: Row[];
  exact: number;
  possible: number;
  worst: number;
}

/**
 * "Am I affected?" for anyone: an SBOM or a purl list checked against the
 * coalition's advisories and imported OSV records, findings grouped by the
 * component exactly as the SBOM names it, with the version to upgrade to.
 */
export function CheckSbomPage() {
  const db = useApi<CheckDatabase>('/api/v1/check/database');
  const [run, setRun] = useState<Run>({ status: 'idle' });

  const check = async (source: Source) => {
    setRun({ status: 'running', source });
    try {
      const res = await apiRaw('/api/v1/check/sbom?format=json', { body: source.blob, accept: 'application/json' });
      const raw = await res.text();
      setRun({ status: 'done', source, result: JSON.parse(raw) as SbomCheckResult, raw });
    } catch (err) {
      setRun({ status: 'error', source, problem: toProblem(err) });
    }
  };
  const refuse = (detail: string) => setRun({ status: 'error', source: null, problem: { type: 'about:blank', title: 'Not checked', status: 0, code: 'CLIENT', detail } });
  const source = run.status === 'idle' ? null : run.source;

  return (
    <>
      <PageHeader
        title="Check my SBOM"
        subtitle="Is anything you ship affected by a published vulnerability? Give a CycloneDX or SPDX SBOM, or a list of package URLs. No account needed; the SBOM is checked and not kept."
        actions={
          <Link to="/advisories" className="btn btn-sm">
            Browse advisories
          </Link>
        }
      />
      <div className="layout-aside wide-aside check-top">
        <Card title="Your SBOM" className="layout-main">
          <SourcePicker
            noun="SBOM"
            dropTitle="Drop an SBOM here"
            accept=".json,.txt,.cdx,.spdx,application/json,text/plain"
            maxBytes={MAX_SBOM_BYTES}
            pasteLabel="Package URLs, one per line"
            pastePlaceholder={'pkg:npm/nw-widget@1.2.0\npkg:pypi/requests@2.19.0\npkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\n# comments start with #'}
            pasteHint={
              <>
                <a href="https://github.com/package-url/purl-spec" target="_blank" rel="noopener noreferrer">
                  purl
                </a>{' '}
                with a version; a CycloneDX or SPDX JSON document pasted here works too.
              </>
            }
            dropHint="CycloneDX 1.4–1.6 JSON, SPDX 2.3 JSON or a purl list · up to 50 MiB and 100,000 components"
            submitLabel="Check these packages"
            busy={run.status === 'running'}
            onSource={(s) => void check(s)}
            onRefuse={refuse}
            current={source}
          />
        </Card>
        <div className="layout-side stack">
          <Card title="Matched against">
            {db.error ? (
              <ProblemAlert problem={db.error} />
            ) : !db.data ? (
              <Loading />
            ) : (
              <div className="stats" data-testid="check-database">
                <div className="stat">
                  <div className="stat-label">Coalition advisories</div>
                  <div className="stat-value" data-testid="db-accord">
                    {db.data.accord.toLocaleString('en')}
                  </div>
                  <div className="stat-sub">
                    <Link to="/advisories">published here</Link>
                  </div>
                </div>
                <div className="stat">
                  <div className="stat-label">OSV records</div>
                  <div className="stat-value" data-testid="db-osv">
                    {db.data.osv.toLocaleString('en')}
                  </div>
                  <div className="stat-sub">imported from osv.dev</div>
                </div>
              </div>
            )}
            <p className="card-note card-note-flush">
              Versions are compared by each ecosystem’s own rules (SemVer, PEP 440, Maven, Debian, RPM…). Components are named in the results exactly as your
              SBOM names them.
            </p>
          </Card>
          <Card title="In a pipeline">
            <p className="small">
              <code>accord check sbom FILE --server URL --format sarif</code> does the same check from CI; <code>--fail-on-findings</code> fails the build.
              The API: <code>POST /api/v1/check/sbom</code> with the file as the body.
            </p>
          </Card>
        </div>
      </div>

      {run.status === 'running' && <Loading label={`Checking ${run.source.pasted ? 'the pasted packages' : run.source.name}…`} />}
      {run.status === 'error' && <ProblemAlert problem={run.problem} />}
      {run.status === 'done' && <Results key={run.raw.length + run.source.name} result={run.result} raw={run.raw} source={run.source} />}
    </>
  );
}

function Results({ result, raw, source }: { result: SbomCheckResult; raw: string; source: Source }) {
  const [filter, setFilter] = useState<'all' | 'exact'>('all');
  const [text, setText] = useState('');
  const [showAll, setShowAll] = useState(false);

  const groups = useMemo(() => groupFindings(result.findings), [result.findings]);
  const exact = result.findings.filter((f) => !f.possible).length;
  const possible = result.findings.length - exact;
  const affected = groups.filter((g) => g.exact > 0).length;

  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const out: Group[] = [];
    for (const g of groups) {
      const rows = g.rows.filter(
        (r) =>
          (filter === 'all' || !r.finding.possible) &&
          (!needle ||
            [g.component.purl, g.component.name, g.component.version, g.ref, r.finding.advisory_id, ...r.finding.aliases, r.finding.summary]
              .join(' ')
              .toLowerCase()
              .includes(needle)),
      );
      if (rows.length > 0) out.push({ ...g, rows });
    }
    return out;
  }, [groups, filter, text]);
  const visible = showAll ? shown : shown.slice(0, GROUPS_SHOWN);

  return (
    <section className="stack check-results" aria-label="Results" data-testid="sbom-results">
      <Verdict exact={exact} possible={possible} affected={affected} components={result.components} />
      <div className="stats check-stats">
        <div className="stat">
          <div className="stat-label">Components</div>
          <div className="stat-value" data-testid="stat-components">
            {result.components.toLocaleString('en')}
          </div>
          <div className="stat-sub">{result.stats.with_purl.toLocaleString('en')} with a purl</div>
        </div>
        <div className="stat">
          <div className="stat-label">Exact findings</div>
          <div className={`stat-value ${exact > 0 ? 'text-red' : ''}`} data-testid="stat-exact">
            {exact}
          </div>
          <div className="stat-sub">
            in {affected} component{affected === 1 ? '' : 's'}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">Possible</div>
          <div className={`stat-value ${possible > 0 ? 'text-amber' : ''}`} data-testid="stat-possible">
            {possible}
          </div>
          <div className="stat-sub">name or CPE only: check by hand</div>
        </div>
        <div className="stat">
          <div className="stat-label">Checked in</div>
          <div className="stat-value">{duration(result.elapsed_ms)}</div>
          <div className="stat-sub">
            {formatName(result.format)}
            {result.spec_version ? ` ${result.spec_version}` : ''} · {result.records_considered.toLocaleString('en')} record{result.records_considered === 1 ? '' : 's'} considered
          </div>
        </div>
      </div>

      <Downloads source={source} raw={raw} findings={result.findings.length} />

      {result.warnings.length > 0 && (
        <details className="card-details check-warnings" data-testid="sbom-warnings">
          <summary>
            <strong>
              {result.warnings.length + result.warnings_dropped} warning{result.warnings.length + result.warnings_dropped === 1 ? '' : 's'}
            </strong>{' '}
            <span className="muted small">— parts of the SBOM that could not be checked; the rest was</span>
          </summary>
          <ul className="warning-list">
            {result.warnings.map((w, i) => (
              <li key={i}>
                <span className="badge mono">{w.code}</span> {w.message}
                {w.ref && <span className="muted small mono"> · ref {w.ref}</span>}
              </li>
            ))}
          </ul>
          {result.warnings_dropped > 0 && <p className="muted small">and {result.warnings_dropped.toLocaleString('en')} more not listed.</p>}
        </details>
      )}

      {result.findings.length > 0 && (
        <>
          <div className="search-form check-filter" role="search" aria-label="Filter findings">
            <div className="toolbar-select">
              <span className="toolbar-label" id="finding-filter">
                Show
              </span>
              <div className="seg-tabs" role="radiogroup" aria-labelledby="finding-filter">
                <button type="button" role="radio" aria-checked={filter === 'all'} className={`seg-tab ${filter === 'all' ? 'seg-tab-on' : ''}`} onClick={() => setFilter('all')}>
                  All findings <span className="count">{result.findings.length}</span>
                </button>
                <button type="button" role="radio" aria-checked={filter === 'exact'} className={`seg-tab ${filter === 'exact' ? 'seg-tab-on' : ''}`} onClick={() => setFilter('exact')}>
                  Exact only <span className="count">{exact}</span>
                </button>
              </div>
            </div>
            <label className="toolbar-select search-grow">
              <span className="toolbar-label">Component, advisory or CVE</span>
              <input className="input" type="search" value={text} placeholder="nw-widget, CVE-2026-…" onChange={(e) => setText(e.target.value)} />
            </label>
          </div>
          <div className="table-caption-plain muted small" aria-live="polite">
            {shown.length} component{shown.length === 1 ? '' : 's'} with {shown.reduce((n, g) => n + g.rows.length, 0)} finding
            {shown.reduce((n, g) => n + g.rows.length, 0) === 1 ? '' : 's'}, affected first
          </div>
          {visible.map((g) => (
            <ComponentFindings key={g.ref} group={g} />
          ))}
          {shown.length === 0 && <Empty>No finding matches this filter.</Empty>}
          {shown.length > visible.length && (
            <div className="button-row">
              <button type="button" className="btn btn-sm" onClick={() => setShowAll(true)}>
                Show all {shown.length} components
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Verdict({ exact, possible, affected, components }: { exact: number; possible: number; affected: number; components: number }) {
  if (exact > 0) {
    return (
      <Alert kind="error" title={`${affected} component${affected === 1 ? ' is' : 's are'} affected`}>
        <span data-testid="sbom-verdict">
          {exact} exact finding{exact === 1 ? '' : 's'}: the package and version are in an advisory’s affected range. Upgrade to the fixed versions below.
          {possible > 0 && ` ${possible} more ${possible === 1 ? 'is' : 'are'} only possible.`}
        </span>
      </Alert>
    );
  }
  if (possible > 0) {
    return (
      <Alert kind="warning" title="Possibly affected">
        <span data-testid="sbom-verdict">
          No exact finding, but {possible} possible one{possible === 1 ? '' : 's'}: matched by name or CPE without a comparable version. Check them by hand.
        </span>
      </Alert>
    );
  }
  return (
    <Alert kind="success" title="No known vulnerability">
      <span data-testid="sbom-verdict">
        None of the {components.toLocaleString('en')} components is in a published advisory or an imported OSV record. Components without a purl or CPE cannot be
        checked.
      </span>
    </Alert>
  );
}

function Downloads({ source, raw, findings }: { source: Source; raw: string; findings: number }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const base = baseName(source.name);
  const fetchAs = async (format: 'sarif' | 'csaf-vex', filename: string) => {
    setBusy(format);
    setProblem(null);
    try {
      const res = await apiRaw(`/api/v1/check/sbom?format=${format}`, { body: source.blob, accept: 'application/json' });
      saveFile(await res.blob(), filename);
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="check-downloads">
      <div className="button-row" data-testid="sbom-downloads">
        <span className="small muted">Download the results:</span>
        <button type="button" className="btn btn-sm" onClick={() => saveFile(new Blob([raw], { type: 'application/json' }), `${base}.findings.json`)}>
          JSON
        </button>
        <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => void fetchAs('sarif', `${base}.sarif`)} title="SARIF 2.1.0, for code-scanning dashboards">
          {busy === 'sarif' ? 'Preparing…' : 'SARIF'}
        </button>
        <button
          type="button"
          className="btn btn-sm"
          disabled={busy !== null || findings === 0}
          onClick={() => void fetchAs('csaf-vex', `${base}.vex.json`)}
          title={findings === 0 ? 'A VEX document needs at least one finding' : 'CSAF 2.0 VEX: exact findings known_affected, possible ones under_investigation'}
        >
          {busy === 'csaf-vex' ? 'Preparing…' : 'CSAF VEX'}
        </button>
      </div>
      {problem && <ProblemAlert problem={problem} />}
    </div>
  );
}

function ComponentFindings({ group }: { group: Group }) {
  const { component: c } = group;
  const fixes = [...new Set(group.rows.filter((r) => !r.finding.possible && r.finding.fixed_version).map((r) => r.finding.fixed_version!))];
  const title = c.purl ?? ([c.name, c.version].filter(Boolean).join(' ') || group.ref);
  return (
    <section className={`sbom-component ${group.exact > 0 ? 'sbom-affected' : 'sbom-possible'}`} data-testid="component-findings" aria-label={title}>
      <header className="sbom-component-head">
        <div className="sbom-component-id">
          <div className="sbom-purl mono" data-testid="component-purl">
            {c.purl ?? (
              <>
                {c.name ?? group.ref} <span className="muted small">(no purl)</span>
              </>
            )}
          </div>
          <div className="muted small">
            {c.version ? (
              <>
                version <span className="mono">{c.version}</span>
              </>
            ) : (
              'no version'
            )}
            {c.name && c.purl && <> · {c.name}</>} · ref <span className="mono">{group.ref}</span>
          </div>
        </div>
        <div className="sbom-component-verdict">
          {group.exact > 0 ? <span className="pill pill-red">Affected</span> : <span className="pill pill-amber">Possibly affected</span>}
          {fixes.length > 0 && (
            <span className="upgrade" data-testid="component-upgrade">
              Upgrade to <strong className="mono">{fixes.join(' / ')}</strong>
            </span>
          )}
        </div>
      </header>
      <table className="table finding-table" aria-label={`Findings for ${title}`}>
        <colgroup>
          <col className="col-advisory" />
          <col className="col-severity" />
          <col className="col-range" />
          <col className="col-fix" />
          <col className="col-match" />
        </colgroup>
        <thead>
          <tr>
            <th>Advisory</th>
            <th>Severity</th>
            <th>Affected</th>
            <th>Fix</th>
            <th>Match</th>
          </tr>
        </thead>
        <tbody>
          {group.rows.map(({ finding: f, scored }) => (
            <tr key={f.advisory_id} className={f.possible ? 'finding-possible' : 'finding-exact'} data-testid="finding-row" data-confidence={f.confidence}>
              <td className="cell-advisory">
                <AdvisoryRef finding={f} />
                {f.summary && <div className="finding-summary">{f.summary}</div>}
                {f.notes.length > 0 && (
                  <ul className="finding-notes">
                    {f.notes.map((n, i) => (
                      <li key={i}>{n}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="nowrap" title={scored.source ?? undefined}>
                <SeverityBadge severity={scored.severity} score={scored.score} />
              </td>
              <td>
                <span className="mono range">{f.affected_range || '—'}</span>
                {f.ecosystem && (
                  <div className="cell-sub">
                    {f.ecosystem} · {f.package}
                  </div>
                )}
              </td>
              <td className="nowrap">
                {f.fixed_version ? (
                  <span className="fix" data-testid="fixed-version">
                    Upgrade to <strong className="mono">{f.fixed_version}</strong>
                  </span>
                ) : (
                  <span className="muted small">No fixed version known</span>
                )}
              </td>
              <td className="nowrap">
                <ConfidenceBadge confidence={f.confidence} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const CONFIDENCE: Record<SbomFinding['confidence'], { label: string; tone: string; hint: string }> = {
  exact: { label: 'Exact', tone: 'exact', hint: 'Ecosystem, package name and version are in the affected range.' },
  'name-only': { label: 'Possible · name only', tone: 'possible', hint: 'The package matches, but the SBOM gives no version that can be compared: check by hand.' },
  'cpe-only': { label: 'Possible · CPE only', tone: 'possible', hint: 'Matched by CPE vendor and product alone: check the version by hand.' },
};

export function ConfidenceBadge({ confidence }: { confidence: SbomFinding['confidence'] }) {
  const c = CONFIDENCE[confidence];
  return (
    <span className={`confidence confidence-${c.tone}`} title={c.hint} data-testid="confidence">
      {c.label}
    </span>
  );
}

/** The coalition's OSV ids are `x_<tracking id>-<n>`: the advisory page is the tracking id's. */
export function trackingIdOf(osvId: string): string | null {
  const m = /^(?:x_)?(.+)-\d+$/.exec(osvId);
  return m ? m[1]! : null;
}

function AdvisoryRef({ finding: f }: { finding: SbomFinding }) {
  const tid = f.source === 'accord' ? trackingIdOf(f.advisory_id) : null;
  return (
    <div className="advisory-ref">
      {tid ? (
        <Link to={`/advisories/${encodeURIComponent(tid)}`} className="mono advisory-link" title={`OSV id ${f.advisory_id}`}>
          {tid}
        </Link>
      ) : (
        <ExternalLink href={`https://osv.dev/vulnerability/${encodeURIComponent(f.advisory_id)}`}>
          <span className="mono">{f.advisory_id}</span>
        </ExternalLink>
      )}
      <span className={`badge ${f.source === 'accord' ? 'badge-pledge' : ''}`} title={f.source === 'accord' ? 'Published by the coalition' : 'Imported OSV record'}>
        {f.source === 'accord' ? 'Accord' : 'OSV'}
      </span>
      {f.aliases.map((a) =>
        /^CVE-\d{4}-\d+$/.test(a) ? (
          <a key={a} className="mono alias" href={`https://www.cve.org/CVERecord?id=${a}`} target="_blank" rel="noopener noreferrer" title="The CVE record">
            {a}
          </a>
        ) : (
          <span key={a} className="mono alias">
            {a}
          </span>
        ),
      )}
    </div>
  );
}

function groupFindings(findings: SbomFinding[]): Group[] {
  const byRef = new Map<string, Group>();
  for (const f of findings) {
    let g = byRef.get(f.component.ref);
    if (!g) {
      g = { ref: f.component.ref, component: f.component, rows: [], exact: 0, possible: 0, worst: 5 };
      byRef.set(f.component.ref, g);
    }
    const scored = scoreSeverity(f.severity);
    g.rows.push({ finding: f, scored });
    if (f.possible) g.possible++;
    else {
      g.exact++;
      g.worst = Math.min(g.worst, severityRank(scored.severity));
    }
  }
  const groups = [...byRef.values()];
  for (const g of groups) g.rows.sort((a, b) => Number(a.finding.possible) - Number(b.finding.possible) || severityRank(a.scored.severity) - severityRank(b.scored.severity) || a.finding.advisory_id.localeCompare(b.finding.advisory_id));
  return groups.sort(
    (a, b) =>
      Number(b.exact > 0) - Number(a.exact > 0) ||
      a.worst - b.worst ||
      b.rows.length - a.rows.length ||
      (a.component.purl ?? a.component.name ?? a.ref).localeCompare(b.component.purl ?? b.component.name ?? b.ref),
  );
}

function formatName(format: string): string {
  return { cyclonedx: 'CycloneDX', spdx: 'SPDX', purls: 'purl list', 'purl-list': 'purl list' }[format] ?? format;
}
