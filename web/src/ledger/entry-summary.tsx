import type { LogEntry } from '../../../src/http/api-types.js';
import { Pill } from '../components/pills.js';
import { shortId } from '../format.js';
import { Link } from '../router.js';
import type { OrgRef } from '../use-org-names.js';
import { decodeBase64 } from '../verify/bytes.js';
import { decodeEntry, kindTone, type DecodedEntry } from './entries.js';

/** Colour per registry area, as on the audit trail. */
const AREA_TONE: Record<string, string> = { application: 'blue', org: 'green', pledge: 'purple', user: 'gray', token: 'gray', invitation: 'amber', key: 'amber', settings: 'red', coalition: 'gray' };

export function eventTone(type: string): string {
  return AREA_TONE[type.split('.')[0] ?? ''] ?? 'gray';
}

export function KindPill({ kind }: { kind: string }) {
  return <Pill tone={kindTone(kind)}>{kind}</Pill>;
}

export function decodeLogEntry(entry: LogEntry): DecodedEntry | null {
  const data = decodeBase64(entry.data);
  return data ? decodeEntry(data) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function compact(v: unknown): string {
  if (typeof v === 'string') return UUID.test(v) ? shortId(v) : v.length > 40 ? `${v.slice(0, 36)}…` : v;
  return JSON.stringify(v);
}

/** An organisation by name when known (linked to its page), else its short id. */
export function OrgName({ id, names }: { id: string; names: Map<string, OrgRef> }) {
  const ref = names.get(id);
  if (!ref) {
    return (
      <span className="mono" title={id}>
        {shortId(id)}
      </span>
    );
  }
  return <Link to={`/signatories/${ref.slug}`}>{ref.name}</Link>;
}

/** The "what happened" cell of an entry row: the decision and its subject, or the release and its artifacts. */
export function EntrySummary({ decoded, names }: { decoded: DecodedEntry | null; names: Map<string, OrgRef> }) {
  if (!decoded) return <span className="muted">undecodable entry</span>;
  switch (decoded.type) {
    case 'registry': {
      const e = decoded.entry.event;
      const data = Object.entries(e.data ?? {});
      return (
        <div className="entry-summary">
          <span className={`event-tag tone-${eventTone(e.type)}`}>{e.type}</span>
          <span className="entry-subject">
            <span className="muted">{e.subject_type} </span>
            {e.subject_type === 'org' ? <OrgName id={e.subject_id} names={names} /> : <span className="mono" title={e.subject_id}>{compact(e.subject_id)}</span>}
          </span>
          {data.length > 0 && (
            <span className="kv">
              {data.slice(0, 3).map(([k, v]) => (
                <span key={k} className="kv-item">
                  <span className="kv-key">{k}</span>=<span className="kv-val">{compact(v)}</span>
                </span>
              ))}
            </span>
          )}
        </div>
      );
    }
    case 'release': {
      const r = decoded.release;
      const names_ = r.subjects.map((s) => s.name ?? s.uri ?? 'unnamed');
      return (
        <div className="entry-summary">
          <span className="mono entry-purl">{r.purls[0] ?? 'no purl'}</span>
          <span className="muted small">
            {names_.slice(0, 2).join(', ')}
            {names_.length > 2 ? ` +${names_.length - 2} more` : ''}
          </span>
        </div>
      );
    }
    case 'json':
      return <span className="muted">JSON entry</span>;
    case 'text':
      return <span className="mono">{decoded.text.slice(0, 60)}</span>;
    case 'binary':
      return <span className="muted">binary entry</span>;
  }
}
