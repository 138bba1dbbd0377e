import type { ReactNode } from 'react';
import { CopyButton } from '../components/copy-button.js';
import { JsonView } from '../components/json-view.js';
import { Card, DataState, DefinitionList, Empty, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { dateTime } from '../format.js';
import { OrgName } from '../ledger/entry-summary.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { useOrgNames, type OrgRef } from '../use-org-names.js';
import { useOrgIdentities } from '../intel/identity.js';
import { LedgerBox } from '../intel/ledger-box.js';
import { ObjectTable, objectPath } from '../intel/object-table.js';
import { Recipient } from '../intel/recipient.js';
import { SightingForm } from '../intel/sighting-form.js';
import { labelsOf, objectTitle, recipientsOf, refsOf, shortStixId, timestampOf, typeOfId } from '../intel/stix.js';
import { TLP_MEANING, TlpBadge } from '../intel/tlp.js';
import { TypeTag } from '../intel/type-tag.js';
import type { IntelCollection, IntelObjectView, StixObject } from '../intel/types.js';

/** One object: what it says, what refers to it, its versions, its place in the ledger, and "we saw it too". */
export function IntelObjectPage({ id }: { id: string }) {
  const view = useApi<IntelObjectView>(`/api/v1/intel/objects/${encodeURIComponent(id)}`);
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/intel">Intel</Link>
        <span aria-hidden="true">/</span>
        <span className="mono">{shortStixId(id)}…</span>
      </nav>
      <DataState {...view}>{(v) => <ObjectView v={v} reload={view.reload} />}</DataState>
    </>
  );
}

type Identities = Map<string, OrgRef & { id: string }>;

const PROP_LABELS: Record<string, string> = {
  source_ref: 'Source',
  target_ref: 'Target',
  sighting_of_ref: 'Sighting of',
  created_by_ref: 'Created by',
  object_refs: 'Objects',
  where_sighted_refs: 'Sighted by',
  observed_data_refs: 'Observed data',
};

/** A referenced object: its title when the caller may read it (fetched), its id either way. */
function Ref({ id, identities }: { id: string; identities: Identities }) {
  const kind = typeOfId(id);
  // Organisations' identities and marking definitions are not intel objects of their own: show them as ids.
  const readable = kind !== 'identity' && kind !== 'marking-definition' && kind !== '';
  const target = useApi<IntelObjectView>(readable ? `/api/v1/intel/objects/${encodeURIComponent(id)}` : null);
  if (!readable) {
    const org = identities.get(id);
    return (
      <span className="ref-item">
        {org && <Link to={`/signatories/${org.slug}`}>{org.name}</Link>}
        <span className="mono small" title={id}>
          {id}
        </span>
      </span>
    );
  }
  return (
    <span className="ref-item" data-testid="ref">
      {target.data ? (
        <>
          <TlpBadge level={target.data.tlp} size="sm" />
          <Link to={objectPath(id)}>{objectTitle(target.data.object)}</Link>
          <span className="mono small">{shortStixId(id)}…</span>
        </>
      ) : (
        <>
          <Link to={objectPath(id)} className="mono small">
            {id}
          </Link>
          {target.error && <span className="muted small">{target.error.status === 404 ? '(not visible to you)' : ''}</span>}
        </>
      )}
    </span>
  );
}

function when(o: StixObject, prop: string): ReactNode {
  const v = timestampOf(o, prop);
  return v ? <span className="tnum">{dateTime(v)}</span> : <span className="muted">—</span>;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The properties that matter for this type first; the rest is in the raw JSON. */
function keyProperties(o: StixObject, v: IntelObjectView, names: Map<string, OrgRef>, identities: Identities, collection: IntelCollection | undefined): [ReactNode, ReactNode][] {
  const rows: [ReactNode, ReactNode][] = [];
  if (typeof o.name === 'string') rows.push(['Name', <strong>{o.name}</strong>]);
  if (typeof o.value === 'string') rows.push(['Value', <span className="mono">{o.value}</span>]);
  rows.push(['Type', <TypeTag type={v.type} />]);
  if (typeof o.description === 'string') rows.push(['Description', <span className="prose">{o.description}</span>]);
  if (typeof o.pattern === 'string') {
    rows.push([
      'Pattern',
      <div className="pattern-block">
        <pre className="pattern" data-testid="pattern">
          {o.pattern}
        </pre>
        <CopyButton text={o.pattern} />
      </div>,
    ]);
    if (typeof o.pattern_type === 'string') rows.push(['Pattern type', <span className="mono">{o.pattern_type}</span>]);
  }
  for (const prop of ['indicator_types', 'malware_types', 'threat_actor_types', 'report_types', 'tool_types']) {
    const kinds = list(o[prop]);
    if (kinds.length > 0) rows.push([prop.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase()), kinds.join(', ')]);
  }
  if (o.type === 'relationship' && typeof o.relationship_type === 'string') rows.push(['Relationship', <span className="mono">{o.relationship_type}</span>]);
  if (o.type === 'sighting') {
    if (typeof o.count === 'number') rows.push(['Count', <span className="tnum">{o.count}</span>]);
    rows.push(['First seen', when(o, 'first_seen')], ['Last seen', when(o, 'last_seen')]);
  }
  if ('valid_from' in o || o.type === 'indicator') rows.push(['Valid from', when(o, 'valid_from')], ['Valid until', when(o, 'valid_until')]);
  const refs = refsOf(o).filter((r) => r.prop !== 'created_by_ref');
  const byProp = new Map<string, string[]>();
  for (const r of refs) byProp.set(r.prop, [...(byProp.get(r.prop) ?? []), r.id]);
  for (const [prop, ids] of byProp) {
    rows.push([
      PROP_LABELS[prop] ?? prop,
      <div className="ref-list">
        {ids.slice(0, 20).map((id) => (
          <Ref key={id} id={id} identities={identities} />
        ))}
        {ids.length > 20 && <span className="muted small">and {ids.length - 20} more (see the JSON)</span>}
      </div>,
    ]);
  }
  const labels = labelsOf(o);
  rows.push([
    'Labels',
    labels.length > 0 ? (
      <div className="badges">
        {labels.map((l) => (
          <Link key={l} to={`/intel?label=${encodeURIComponent(l)}`} className="badge badge-link">
            {l}
          </Link>
        ))}
      </div>
    ) : (
      <span className="muted">—</span>
    ),
  ]);
  rows.push([
    'TLP',
    <span className="tlp-row">
      <TlpBadge level={v.tlp} />
      <span className="muted small">{TLP_MEANING[v.tlp]}</span>
    </span>,
  ]);
  const recipients = recipientsOf(o);
  if (recipients.length > 0) {
    rows.push([
      'Shared with',
      <div className="recipients" data-testid="recipients">
        {recipients.map((r) => (
          <Recipient key={r} value={r} names={names} />
        ))}
      </div>,
    ]);
  }
  rows.push([
    'Shared by',
    <span>
      <OrgName id={v.author_org_id} names={names} />
      {typeof o.created_by_ref === 'string' && (
        <span className="cell-sub" title="created_by_ref">
          <span className="mono">{o.created_by_ref}</span>
          {identities.has(o.created_by_ref) && identities.get(o.created_by_ref)!.id !== v.author_org_id && ` (created by ${identities.get(o.created_by_ref)!.name})`}
        </span>
      )}
    </span>,
  ]);
  rows.push(['Collection', collection ? collection.title : <span className="mono small">{v.collection_id}</span>]);
  rows.push(['Created', when(o, 'created')], ['Modified', when(o, 'modified')], ['Added here', <span className="tnum">{dateTime(v.date_added)}</span>]);
  rows.push(['Revoked', v.revoked ? <Pill tone="red">revoked</Pill> : <span className="muted">no</span>]);
  return rows;
}

function ObjectView({ v, reload }: { v: IntelObjectView; reload: () => void }) {
  const { names } = useOrgNames();
  const identities = useOrgIdentities(names);
  const collections = useApi<{ items: IntelCollection[] }>('/api/v1/intel/collections');
  const collection = collections.data?.items.find((c) => c.id === v.collection_id);
  const o = v.object;
  const json = JSON.stringify(o, null, 2);
  const typeName = v.type.replace(/-/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
  return (
    <>
      <PageHeader
        title={
          <>
            <span data-testid="object-title">{objectTitle(o)}</span>
            {v.revoked && <Pill tone="red">revoked</Pill>}
          </>
        }
        meta={
          <>
            <TlpBadge level={v.tlp} />
            <TypeTag type={v.type} />
            <span className="meta-item">
              <span className="mono small" data-testid="object-id">
                {v.id}
              </span>
              <CopyButton text={v.id} label="Copy id" />
            </span>
            <span className="meta-item">
              Shared by <OrgName id={v.author_org_id} names={names} />
            </span>
          </>
        }
      />
      <div className="layout-aside wide-aside">
        <div className="layout-main stack">
          <Card title={typeName}>
            <DefinitionList items={keyProperties(o, v, names, identities, collection)} />
          </Card>

          <Card title={`Related objects (${v.related.length})`} flush>
            {v.related.length > 0 ? (
              <ObjectTable items={v.related} names={names} label="Related objects" compact />
            ) : (
              <Empty>No relationship, sighting or report you may read refers to this object.</Empty>
            )}
          </Card>

          <Card title={`Versions (${v.versions.length})`} flush>
            <table className="table" aria-label="Versions">
              <thead>
                <tr>
                  <th>Version (modified, UTC)</th>
                  <th>Added here (UTC)</th>
                  <th>TLP</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {v.versions.map((ver) => (
                  <tr key={`${ver.version} ${ver.date_added}`} data-testid="version-row">
                    <td className="tnum mono">{ver.version}</td>
                    <td className="tnum nowrap">{dateTime(ver.date_added).replace(' UTC', '')}</td>
                    <td>
                      <TlpBadge level={ver.tlp} />
                    </td>
                    <td className="nowrap">
                      {ver.version === v.version && <Pill tone="blue">current</Pill>} {ver.revoked && <Pill tone="red">revoked</Pill>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {v.versions.length > 1 && <p className="card-note">Only the versions you may read are listed; the TLP of an object may change between versions.</p>}
          </Card>

          <Card title="STIX JSON" actions={<CopyButton text={json} label="Copy JSON" />}>
            <details className="raw-json">
              <summary>
                Show the object as shared ({new Blob([json]).size.toLocaleString('en')} bytes, STIX {o.spec_version ?? '2.1'})
              </summary>
              <JsonView value={o} label="Object JSON" />
            </details>
          </Card>
        </div>

        <div className="layout-side stack">
          <Card title="Transparency log">
            <LedgerBox view={v} />
          </Card>
          {v.type !== 'sighting' && v.type !== 'relationship' && (
            <Card title="Record a sighting" className="action-card">
              <SightingForm objectId={v.id} onRecorded={reload} />
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
