import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { MatchExports, Problem } from '../../../src/http/api-types.js';
import { apiRaw, query, saveFile, toProblem } from '../api.js';
import { Alert, ProblemAlert } from '../components/alert.js';
import { CopyButton } from '../components/copy-button.js';
import { Card, Empty, Loading, PageHeader } from '../components/page.js';
import { dateTime } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { TlpBadge } from '../intel/tlp.js';

type File = MatchExports['files'][number];

const SENSORS: { prefix: string; name: string }[] = [
  { prefix: 'suricata/datasets/', name: 'Suricata datasets' },
  { prefix: 'suricata/iprep/', name: 'Suricata IP reputation' },
  { prefix: 'zeek/', name: 'Zeek intel framework' },
  { prefix: 'blocklists/', name: 'Plain blocklists' },
];

/** What a sensor file holds, from its name (src/match/export.ts writes them). */
function describe(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const removed = /\.removed\./.test(name) ? ' — removals' : '';
  const stem = name.replace('.removed', '');
  const m = /-(md5|sha256|domains|emails|ip|ipv4|ipv6|cidr|urls|sha1|sha512)\.(lst|txt)$/.exec(stem);
  if (stem.endsWith('.rules')) return 'Rules that load the datasets (DNS, TLS SNI, HTTP host, IP, file hashes)';
  if (stem === 'categories.txt') return 'Reputation categories: one per TLP level';
  if (stem.endsWith('.list')) return `Addresses and networks with category and score${removed}`;
  if (stem.endsWith('.intel')) return `Zeek intel file: addresses, networks, domains, URLs, e-mail, hashes${removed}`;
  if (m) {
    const what: Record<string, string> = {
      md5: 'MD5 file hashes, hex',
      sha256: 'SHA-256 file hashes, hex',
      sha1: 'SHA-1 file hashes, hex',
      sha512: 'SHA-512 file hashes, hex',
      domains: path.startsWith('suricata/') ? 'Domains, base64 (type string)' : 'Domains',
      emails: path.startsWith('suricata/') ? 'E-mail addresses, base64 (type string)' : 'E-mail addresses',
      ip: 'IP addresses (IPv4 and IPv6)',
      ipv4: 'IPv4 addresses',
      ipv6: 'IPv6 addresses',
      cidr: 'Networks (CIDR)',
      urls: 'URLs, normalised',
    };
    return `${what[m[1]!] ?? m[1]}${removed}`;
  }
  return removed ? 'Removals' : '';
}

/** A `datetime-local` value (UTC) → RFC 3339; '' when empty or invalid. */
function toRfc3339(local: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return '';
  return `${local}:00Z`;
}

/** The sensor files of the indicators the caller may read, and how to load them into Suricata and Zeek. */
export function CheckExportsPage() {
  const { search } = useLocation();
  const { state } = useSession();
  const since = search.get('since') ?? '';
  const [draft, setDraft] = useState(since ? since.slice(0, 16) : '');
  const exportsApi = useApi<MatchExports>(`/api/v1/match/exports${query({ since })}`);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const s = toRfc3339(draft);
    navigate(s ? `/check/exports?since=${encodeURIComponent(s)}` : '/check/exports', { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Sensor exports"
        subtitle="The indicators you may read as files your IDS loads: Suricata datasets and IP reputation, a Zeek intel file and plain blocklists. Refresh them on a schedule; incremental files carry only what changed."
      />
      {state.status === 'anonymous' && (
        <Alert kind="info" title="TLP:CLEAR only" actions={<Link to="/sign-in?next=%2Fcheck%2Fexports" className="btn btn-sm btn-primary">Sign in</Link>}>
          You are not signed in: these files hold only the indicators anyone may read. Signed in, they hold every indicator shared with you, TLP enforced.
        </Alert>
      )}
      <div className="layout-aside exports-layout">
        <div className="layout-main stack">
          <form className="search-form exports-since" onSubmit={apply} aria-label="Incremental export">
            <label className="toolbar-select">
              <span className="toolbar-label">Only changes since (UTC)</span>
              <input className="input" type="datetime-local" value={draft} onChange={(e) => setDraft(e.target.value)} aria-describedby="since-hint" />
            </label>
            <button type="submit" className="btn btn-sm" disabled={!toRfc3339(draft) || toRfc3339(draft) === since}>
              Show changes
            </button>
            {since && (
              <button
                type="button"
                className="btn btn-sm btn-ghost filter-clear"
                onClick={() => {
                  setDraft('');
                  navigate('/check/exports', { replace: true });
                }}
              >
                Back to the full export
              </button>
            )}
            <span id="since-hint" className="small muted since-hint">
              {since ? (
                <>
                  Incremental since <strong>{dateTime(since)}</strong>: additions, and removals in <code>*.removed.*</code> files.
                </>
              ) : (
                'Full export: every current indicator. Pick a time to get only what changed after it.'
              )}
            </span>
          </form>
          {exportsApi.error ? (
            <ProblemAlert problem={exportsApi.error} />
          ) : !exportsApi.data ? (
            <Loading label="Preparing the sensor files…" />
          ) : (
            <ExportList data={exportsApi.data} since={since} />
          )}
        </div>
        <div className="layout-side stack">
          <HowTo />
        </div>
      </div>
    </>
  );
}

function ExportList({ data, since }: { data: MatchExports; since: string }) {
  const groups = useMemo(
    () =>
      SENSORS.map((s) => ({ ...s, files: data.files.filter((f) => f.path.startsWith(s.prefix)).sort((a, b) => a.path.localeCompare(b.path)) }))
        .concat([{ prefix: '', name: 'Other files', files: data.files.filter((f) => !SENSORS.some((s) => f.path.startsWith(s.prefix))) }])
        .filter((g) => g.files.length > 0),
    [data.files],
  );
  const s = data.summary;
  return (
    <div className="stack">
      <div className="stats check-stats" data-testid="export-summary">
        <div className="stat">
          <div className="stat-label">Indicators</div>
          <div className="stat-value">{s.indicators.toLocaleString('en')}</div>
          <div className="stat-sub">{since ? 'changed or removed' : 'current, that you may read'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Values added</div>
          <div className="stat-value">{s.added.toLocaleString('en')}</div>
          <div className="stat-sub">{since ? 'since the time chosen' : 'in the files'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Removed</div>
          <div className="stat-value">{s.removed.toLocaleString('en')}</div>
          <div className="stat-sub">{since ? 'revoked or expired' : 'only in incremental files'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Left out</div>
          <div className="stat-value">{(s.notListable + s.tooWide).toLocaleString('en')}</div>
          <div className="stat-sub" title="Patterns sensors cannot list (AND of several objects, MATCHES, observation operators) and networks wider than /8">
            {s.notListable} pattern{s.notListable === 1 ? '' : 's'} · {s.tooWide} network{s.tooWide === 1 ? '' : 's'} wider than /8
          </div>
        </div>
      </div>
      {data.files.length === 0 ? (
        <Empty>{since ? 'Nothing changed since then.' : 'No file: there is no indicator you may read.'}</Empty>
      ) : (
        groups.map((g) => (
          <div className="table-wrap" key={g.name}>
            <div className="table-caption">
              <strong>{g.name}</strong>
            </div>
            <table className="table export-table" aria-label={g.name}>
              <colgroup>
                <col className="col-file" />
                <col />
                <col className="col-lines" />
                <col className="col-download" />
              </colgroup>
              <thead>
                <tr>
                  <th>File</th>
                  <th>Holds</th>
                  <th className="num">Lines</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {g.files.map((f) => (
                  <ExportRow key={f.path} file={f} since={since} />
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
    </div>
  );
}

function ExportRow({ file, since }: { file: File; since: string }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const download = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const res = await apiRaw(`/api/v1/match/exports/file${query({ path: file.path, since })}`, { accept: 'text/plain' });
      saveFile(await res.blob(), name);
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid="export-row" data-path={file.path} className={/\.removed\./.test(name) ? 'export-removed' : undefined}>
      <td className="mono small cell-path">{file.path}</td>
      <td className="small">
        {describe(file.path)}
        {problem && <div className="text-red small">{problem.detail}</div>}
      </td>
      <td className="num tnum">
        {file.lines === 0 && /(\.rules|categories\.txt)$/.test(name) ? (
          <span className="muted small" title="A fixed file: its rules or categories are not counted as lines">
            fixed
          </span>
        ) : (
          file.lines.toLocaleString('en')
        )}
      </td>
      <td className="nowrap">
        <button type="button" className="btn btn-sm" onClick={() => void download()} disabled={busy} aria-label={`Download ${file.path}`}>
          {busy ? 'Downloading…' : 'Download'}
        </button>
      </td>
    </tr>
  );
}

function Snippet({ label, text }: { label: string; text: string }) {
  return (
    <div className="snippet">
      <div className="snippet-head">
        <span className="small muted">{label}</span>
        <CopyButton text={text} />
      </div>
      <pre className="snippet-code">
        <code>{text}</code>
      </pre>
    </div>
  );
}

function Step({ n, children }: { n: number; children: ReactNode }) {
  return (
    <li className="howto-step">
      <span className="howto-n" aria-hidden="true">
        {n}
      </span>
      <div>{children}</div>
    </li>
  );
}

function HowTo() {
  const origin = window.location.origin;
  return (
    <>
      <Card title="Suricata · datasets">
        <ol className="howto">
          <Step n={1}>
            Put the <code>.lst</code> files and <code>accord-datasets.rules</code> in the same directory: rules load datasets relative to their own file.
          </Step>
          <Step n={2}>
            Add the rules file to <code>suricata.yaml</code> and reload rules (<code>suricatasc -c reload-rules</code>).
          </Step>
        </ol>
        <Snippet label="suricata.yaml" text={'rule-files:\n  - accord-datasets.rules'} />
        <p className="card-note card-note-flush">
          Removals (<code>*.removed.lst</code>) are applied with <code>dataset-remove</code> over the unix socket, or by reloading a full export.
        </p>
      </Card>
      <Card title="Suricata · IP reputation">
        <p className="small">
          <code>categories.txt</code> has one category per TLP level (<code>accordClear</code> … <code>accordRed</code>); scores come from the indicators’
          confidence.
        </p>
        <Snippet label="suricata.yaml" text={'reputation-categories-file: /etc/suricata/iprep/categories.txt\ndefault-reputation-path: /etc/suricata/iprep\nreputation-files:\n  - accord.list'} />
        <Snippet label="a rule" text={'alert ip any any -> any any (msg:"Accord TLP:GREEN address"; iprep:any,accordGreen,>,0; sid:9600001; rev:1;)'} />
      </Card>
      <Card title="Zeek · intel framework">
        <p className="small">
          Copy <code>accord.intel</code> next to your site policy and load it from <code>local.zeek</code>; <code>seen</code> makes Zeek look for the
          values in DNS, HTTP, TLS, SMTP, files and connections.
        </p>
        <Snippet label="local.zeek" text={'@load frameworks/intel/seen\n@load frameworks/intel/do_notice\nredef Intel::read_files += { "/opt/zeek/share/zeek/site/accord.intel" };'} />
        <p className="card-note card-note-flush">Zeek re-reads the file when it changes; removals need <code>Intel::remove</code>.</p>
      </Card>
      <Card title="On a schedule">
        <p className="small">
          Every file has its own URL. With an API token (<TlpBadge level="GREEN" size="sm" /> and what is shared with you), or without one for TLP:CLEAR:
        </p>
        <Snippet
          label="shell"
          text={`curl -fsS -H "Authorization: Bearer $ACCORD_TOKEN" \\\n  "${origin}/api/v1/match/exports/file?path=zeek/accord.intel" \\\n  -o /opt/zeek/share/zeek/site/accord.intel`}
        />
        <p className="card-note card-note-flush">
          Or <code>accord match export --out DIR [--since T]</code> writes every file at once.
        </p>
      </Card>
    </>
  );
}
