import { useMemo, useState } from 'react';
import type { MatchHit, MatchStats, Problem } from '../../../src/http/api-types.js';
import { apiRaw, saveFile, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { Card, Empty, Loading, PageHeader } from '../components/page.js';
import { Link, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { formatBytes } from '../verify/file-hash.js';
import { TLP_LEVELS, TlpBadge } from '../intel/tlp.js';
import { shortStixId } from '../intel/stix.js';
import type { TlpLevel } from '../intel/types.js';
import { SourcePicker, type Source } from '../check/source-picker.js';
import { KindChart } from '../check/kind-chart.js';
import { DETECTED_FORMAT, HIT_KINDS, KIND_HINTS, KIND_LABELS, KIND_TONE, LOG_FORMATS, SKIP_LABELS, parseMatchResponse, type HitKind, type LogFormat, type MatchResult } from '../check/match.js';
import { baseName, compact, duration } from '../check/format.js';

/** The server's limit (src/http/routes/match.ts MATCH_UPLOAD_BYTES). */
const MAX_LOG_BYTES = 64 * 1024 * 1024;
const PAGE = 500;

type Run =
  | { status: 'idle' }
  | { status: 'running'; source: Source; phase: 'uploading' | 'reading' }
  | { status: 'done'; source: Source; result: MatchResult; raw: string; signedIn: boolean }
  | { status: 'error'; source: Source | null; problem: Problem };

/**
 * "Have I seen this?": a log uploaded (or pasted) and matched on the server
 * against the indicators the caller may read; hits show the value exactly as
 * the log has it and the indicator it matched.
 */
export function CheckLogsPage() {
  const { state } = useSession();
  const signedIn = state.status === 'signed-in';
  const [format, setFormat] = useState<LogFormat>('auto');
  const [run, setRun] = useState<Run>({ status: 'idle' });

  const check = async (source: Source) => {
    setRun({ status: 'running', source, phase: 'uploading' });
    try {
      const res = await apiRaw(`/api/v1/match?format=${format}`, { body: source.blob, accept: 'application/x-ndjson' });
      setRun({ status: 'running', source, phase: 'reading' });
      const raw = await res.text();
      setRun({ status: 'done', source, result: parseMatchResponse(raw), raw, signedIn });
    } catch (err) {
      setRun({ status: 'error', source, problem: toProblem(err) });
    }
  };
  const refuse = (detail: string) => setRun({ status: 'error', source: null, problem: { type: 'about:blank', title: 'Not checked', status: 0, code: 'CLIENT', detail } });
  const formatHint = LOG_FORMATS.find((f) => f.value === format)?.hint;

  return (
    <>
      <PageHeader
        title="Check my logs"
        subtitle="Have we seen the coalition’s indicators? Upload a log and every IP address, domain, URL, file hash and e-mail address in it is matched against the indicators you may read."
      />
      <div className="layout-aside wide-aside check-top">
        <Card title="Your log" className="layout-main">
          <div className="stack">
            <label className="field log-format">
              <span className="field-label">Format</span>
              <select className="input select" value={format} onChange={(e) => setFormat(e.target.value as LogFormat)} disabled={run.status === 'running'}>
                {LOG_FORMATS.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
              <span className="field-hint">{formatHint}</span>
            </label>
            <SourcePicker
              noun="log"
              dropTitle="Drop a log here"
              accept=".log,.json,.jsonl,.ndjson,.csv,.tsv,.txt,text/plain,application/json,text/csv"
              maxBytes={MAX_LOG_BYTES}
              pasteLabel="Log lines"
              pastePlaceholder={'{"@timestamp":"2026-05-01T10:00:00Z","source":{"ip":"10.0.0.5"},"destination":{"ip":"198.51.100.23"}}\n{"dns":{"question":{"name":"update.example"}}}'}
              dropHint="JSON lines, Zeek TSV, CSV or text · up to 64 MiB · matched in memory, not stored"
              submitLabel="Check these lines"
              busy={run.status === 'running'}
              onSource={(s) => void check(s)}
              onRefuse={refuse}
              current={run.status === 'idle' ? null : run.source}
            />
          </div>
        </Card>
        <div className="layout-side stack">
          <Visibility />
          <Card title="Logs that must not leave your network">
            <p className="small">
              <code>accord match LOG… --server URL</code> downloads the indicators your token may read and matches on your machine — the log is never
              uploaded. It also reads <code>.gz</code> files, logs of any size, and can record sightings for the indicators’ authors.
            </p>
          </Card>
        </div>
      </div>

      {run.status === 'running' && (
        <Loading label={run.phase === 'uploading' ? `Uploading and matching ${run.source.pasted ? 'the pasted lines' : run.source.name} (${formatBytes(run.source.size)})…` : 'Reading the hits…'} />
      )}
      {run.status === 'error' && <ProblemAlert problem={run.problem} />}
      {run.status === 'done' && <Results key={run.raw.length + run.source.name} result={run.result} raw={run.raw} source={run.source} signedIn={run.signedIn} />}
    </>
  );
}

/** Which TLP levels the caller's indicators can have: anonymous callers match TLP:CLEAR only. */
function Visibility() {
  const { state } = useSession();
  const { pathname } = useLocation();
  if (state.status === 'loading') return null;
  if (state.status !== 'signed-in') {
    return (
      <Card title="Indicators you match against">
        <div className="stack" data-testid="tlp-visibility" data-signed-in="false">
          <div className="tlp-row">
            <TlpBadge level="CLEAR" />
            <span className="small muted">only</span>
          </div>
          <p className="small">You are not signed in, so only indicators anyone may read are used. Signatories also match TLP:GREEN and what was shared with them.</p>
          <div>
            <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`} className="btn btn-sm btn-primary">
              Sign in to match more
            </Link>
          </div>
        </div>
      </Card>
    );
  }
  const { user, org } = state.me;
  return (
    <Card title="Indicators you match against">
      <div className="stack" data-testid="tlp-visibility" data-signed-in="true">
        <div className="tlp-row">
          <TlpBadge level="CLEAR" />
          <TlpBadge level="GREEN" />
        </div>
        <div className="tlp-row">
          <TlpBadge level="AMBER" />
          <TlpBadge level="AMBER+STRICT" />
          <TlpBadge level="RED" />
          <span className="small muted">where shared with you</span>
        </div>
        <p className="small muted">
          As {user.name} of {org.name}: every indicator you may read in the intel pillar, nothing more. Hits name the indicator’s TLP; keep the results
          under the strictest one.
        </p>
      </div>
    </Card>
  );
}

function Results({ result, raw, source, signedIn }: { result: MatchResult; raw: string; source: Source; signedIn: boolean }) {
  const { hits, stats } = result;
  const [kind, setKind] = useState<HitKind | null>(null);
  const [tlp, setTlp] = useState<TlpLevel | ''>('');
  const [text, setText] = useState('');
  const [limit, setLimit] = useState(PAGE);

  const byKind = useMemo(() => {
    const c = Object.fromEntries(HIT_KINDS.map((k) => [k, 0])) as Record<HitKind, number>;
    for (const h of hits) c[h.kind] = (c[h.kind] ?? 0) + 1;
    return c;
  }, [hits]);
  const byTlp = useMemo(() => {
    const c = new Map<TlpLevel, number>();
    for (const h of hits) c.set(h.indicator.tlp, (c.get(h.indicator.tlp) ?? 0) + 1);
    return c;
  }, [hits]);
  const indicators = useMemo(() => new Set(hits.map((h) => h.indicator.id)).size, [hits]);

  const rows = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return hits.filter(
      (h) =>
        (!kind || h.kind === kind) &&
        (!tlp || h.indicator.tlp === tlp) &&
        (!needle || `${h.field} ${h.value} ${h.indicator.name ?? ''} ${h.indicator.pattern} ${h.indicator.id}`.toLowerCase().includes(needle)),
    );
  }, [hits, kind, tlp, text]);
  const filtering = Boolean(kind || tlp || text);

  return (
    <section className="stack check-results" aria-label="Results" data-testid="log-results">
      {stats && <StatCards stats={stats} indicators={indicators} />}
      {stats && <Skipped stats={stats} />}
      {result.unreadable > 0 && (
        <Alert kind="warning" title="Part of the answer was unreadable">
          {result.unreadable} line{result.unreadable === 1 ? '' : 's'} of the server’s answer were not hits; the rest is shown.
        </Alert>
      )}
      {!signedIn && hits.length > 0 && (
        <Alert kind="info" title="Only TLP:CLEAR indicators were used">
          Signed in, the same log is also matched against TLP:GREEN indicators and those shared with your organisation.
        </Alert>
      )}
      {hits.length === 0 ? (
        <Alert kind="success" title="No hits">
          <span data-testid="no-hits">
            Nothing in {stats ? `${stats.records.toLocaleString('en')} records` : 'the log'} matched the indicators you may read.
            {!signedIn && ' Only TLP:CLEAR indicators were used: sign in to match those shared with your organisation.'}
          </span>
        </Alert>
      ) : (
        <div className="layout-aside">
          <div className="layout-main stack">
            <div className="search-form" role="search" aria-label="Filter hits">
              <label className="toolbar-select search-grow">
                <span className="toolbar-label">Value, field or indicator</span>
                <input className="input" type="search" value={text} placeholder="198.51.100.23, dns.question.name, Botnet…" onChange={(e) => setText(e.target.value)} />
              </label>
              <label className="toolbar-select">
                <span className="toolbar-label">Kind</span>
                <select className="input select" value={kind ?? ''} onChange={(e) => setKind((e.target.value || null) as HitKind | null)}>
                  <option value="">Any</option>
                  {HIT_KINDS.filter((k) => byKind[k] > 0).map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="toolbar-select">
                <span className="toolbar-label">TLP</span>
                <select className="input select" value={tlp} onChange={(e) => setTlp(e.target.value as TlpLevel | '')}>
                  <option value="">Any</option>
                  {TLP_LEVELS.filter((l) => byTlp.has(l)).map((l) => (
                    <option key={l} value={l}>
                      TLP:{l}
                    </option>
                  ))}
                </select>
              </label>
              {filtering && (
                <button
                  type="button"
                  className="btn btn-sm btn-ghost filter-clear"
                  onClick={() => {
                    setKind(null);
                    setTlp('');
                    setText('');
                  }}
                >
                  Clear filters
                </button>
              )}
            </div>
            <HitTable rows={rows} limit={limit} onMore={() => setLimit((n) => n + PAGE)} total={hits.length} filtering={filtering} />
          </div>
          <div className="layout-side stack">
            <Card title="Hits by kind">
              <KindChart counts={byKind} picked={kind} onPick={setKind} />
              <p className="chart-note">Select a bar to show only that kind.</p>
            </Card>
            <Card title="Hits by TLP">
              <ul className="tlp-tally" data-testid="tlp-tally">
                {TLP_LEVELS.filter((l) => byTlp.has(l)).map((l) => (
                  <li key={l}>
                    <button type="button" className={`link-button ${tlp === l ? 'bar-label-on' : ''}`} onClick={() => setTlp(tlp === l ? '' : l)} aria-pressed={tlp === l}>
                      <TlpBadge level={l} size="sm" />
                    </button>
                    <strong className="tnum">{byTlp.get(l)}</strong>
                  </li>
                ))}
              </ul>
              <p className="chart-note">Share what you found no wider than the strictest level listed.</p>
            </Card>
            <Card title="Keep the results">
              <div className="button-row">
                <button type="button" className="btn btn-sm" onClick={() => saveFile(new Blob([raw], { type: 'application/x-ndjson' }), `${baseName(source.name)}.hits.ndjson`)}>
                  Download hits (NDJSON)
                </button>
              </div>
            </Card>
          </div>
        </div>
      )}
    </section>
  );
}

function StatCards({ stats, indicators }: { stats: MatchStats; indicators: number }) {
  const skipped = Object.values(stats.skipped ?? {}).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
  return (
    <div className="stats check-stats" data-testid="log-stats">
      <div className="stat">
        <div className="stat-label">Lines</div>
        <div className="stat-value" data-testid="stat-lines">
          {stats.lines.toLocaleString('en')}
        </div>
        <div className="stat-sub">
          {formatBytes(stats.bytes)}
          {stats.format ? ` · ${DETECTED_FORMAT[stats.format] ?? stats.format}` : ''}
        </div>
      </div>
      <div className="stat">
        <div className="stat-label">Records</div>
        <div className="stat-value" data-testid="stat-records">
          {stats.records.toLocaleString('en')}
        </div>
        <div className="stat-sub">lines read as events</div>
      </div>
      <div className="stat">
        <div className="stat-label">Hits</div>
        <div className={`stat-value ${stats.hits > 0 ? 'text-red' : ''}`} data-testid="stat-hits">
          {stats.hits.toLocaleString('en')}
        </div>
        <div className="stat-sub">
          on {stats.linesWithHits.toLocaleString('en')} line{stats.linesWithHits === 1 ? '' : 's'} · {indicators} indicator{indicators === 1 ? '' : 's'}
        </div>
      </div>
      <div className="stat">
        <div className="stat-label">Skipped</div>
        <div className={`stat-value ${skipped > 0 ? 'text-amber' : ''}`} data-testid="stat-skipped">
          {skipped.toLocaleString('en')}
        </div>
        <div className="stat-sub">{skipped > 0 ? 'lines, reasons below' : 'every line was read'}</div>
      </div>
      <div className="stat">
        <div className="stat-label">Speed</div>
        <div className="stat-value">{compact(stats.recordsPerSecond)}</div>
        <div className="stat-sub">records/s · {duration(stats.elapsedMs)}</div>
      </div>
    </div>
  );
}

function Skipped({ stats }: { stats: MatchStats }) {
  const reasons = Object.entries(stats.skipped ?? {}).filter(([, n]) => typeof n === 'number' && n > 0);
  if (reasons.length === 0) return null;
  return (
    <div className="skip-reasons small" data-testid="skip-reasons">
      <span className="muted">Skipped lines:</span>
      {reasons.map(([r, n]) => (
        <span key={r} className="badge" data-reason={r}>
          {n.toLocaleString('en')} {SKIP_LABELS[r] ?? r}
        </span>
      ))}
    </div>
  );
}

function HitTable({ rows, limit, onMore, total, filtering }: { rows: MatchHit[]; limit: number; onMore: () => void; total: number; filtering: boolean }) {
  const shown = rows.slice(0, limit);
  return (
    <div className="table-wrap">
      <div className="table-caption" aria-live="polite">
        {filtering ? `${rows.length.toLocaleString('en')} of ${total.toLocaleString('en')} hits match` : `${total.toLocaleString('en')} hit${total === 1 ? '' : 's'}`}, in log order
        {rows.length > shown.length && ` · showing the first ${shown.length.toLocaleString('en')}`}
      </div>
      {shown.length > 0 ? (
        <table className="table hit-table" aria-label="Hits">
          <thead>
            <tr>
              <th className="num">Line</th>
              <th>Field</th>
              <th>Value as logged</th>
              <th>Kind</th>
              <th>TLP</th>
              <th>Indicator</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((h, i) => (
              <tr key={`${h.line} ${h.field} ${h.indicator.id} ${i}`} data-testid="hit-row" data-kind={h.kind}>
                <td className="num tnum">{h.line.toLocaleString('en')}</td>
                <td className="mono small cell-field">{h.field}</td>
                <td className="mono cell-value" data-testid="hit-value">
                  {h.value}
                </td>
                <td>
                  <span className={`event-tag tone-${KIND_TONE[h.kind] ?? 'gray'}`} title={KIND_HINTS[h.kind]}>
                    {h.kind}
                  </span>
                </td>
                <td>
                  <TlpBadge level={h.indicator.tlp} size="sm" />
                </td>
                <td className="cell-indicator">
                  <Link to={`/intel/objects/${encodeURIComponent(h.indicator.id)}`} className="cell-title" title={h.indicator.id}>
                    {h.indicator.name ?? shortStixId(h.indicator.id)}
                  </Link>
                  <div className="mono small pattern-line" title={h.indicator.pattern}>
                    {h.indicator.pattern}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty>No hit matches these filters.</Empty>
      )}
      {rows.length > shown.length && (
        <div className="table-footer">
          <button type="button" className="btn btn-sm" onClick={onMore}>
            Show {Math.min(PAGE, rows.length - shown.length).toLocaleString('en')} more
          </button>
        </div>
      )}
    </div>
  );
}
