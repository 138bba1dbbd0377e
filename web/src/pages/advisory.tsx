import { useMemo } from 'react';
import type { AdvisoryDetail } from '../../../src/http/api-types.js';
import { CopyButton } from '../components/copy-button.js';
import { JsonView } from '../components/json-view.js';
import { Card, DataState, DefinitionList, ExternalLink, PageHeader } from '../components/page.js';
import { Pill } from '../components/pills.js';
import { dateTime, day } from '../format.js';
import { Link, useLocation } from '../router.js';
import { useApi } from '../use-api.js';
import { TlpBadge, isTlpLevel } from '../intel/tlp.js';
import { SeverityBadge } from '../disclosure/badges.js';
import { readCsaf, type CsafProduct, type CsafVulnerability } from '../disclosure/csaf.js';
import { Icon } from '../disclosure/icons.js';
import { PRODUCT_STATUS_LABELS, REMEDIATION_LABELS } from '../disclosure/labels.js';

/** One published advisory (public): what is affected and fixed, what to do, the documents, and where it sits in the log. */
export function AdvisoryPage({ tid }: { tid: string }) {
  const { search } = useLocation();
  const version = search.get('version');
  const v = version && /^\d{1,6}$/.test(version) ? version : null;
  const detail = useApi<AdvisoryDetail>(`/api/v1/advisories/${encodeURIComponent(tid)}${v ? `?version=${v}` : ''}`);
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/advisories">Advisories</Link>
        <span aria-hidden="true">/</span>
        <span className="mono">{tid}</span>
      </nav>
      <DataState {...detail}>{(d) => <AdvisoryBody d={d} />}</DataState>
    </>
  );
}

function productLabel(p: CsafProduct | undefined, id: string): string {
  if (!p) return id;
  const base = [p.vendor, p.product].filter(Boolean).join(' · ');
  return base ? `${base}${p.version ? ` ${p.version}` : ''}` : p.name;
}

function AdvisoryBody({ d }: { d: AdvisoryDetail }) {
  const csaf = useMemo(() => readCsaf(d.csaf), [d.csaf]);
  const latest = d.versions[d.versions.length - 1] ?? d.version;
  const q = d.version === latest ? '' : `?version=${d.version}`;
  const base = `/api/v1/advisories/${encodeURIComponent(d.tracking_id)}`;
  return (
    <>
      <PageHeader
        title={<span data-testid="advisory-title">{d.title}</span>}
        meta={
          <>
            <span className="mono meta-item" data-testid="tracking-id">
              {d.tracking_id}
            </span>
            <SeverityBadge severity={d.severity} score={d.base_score} />
            {isTlpLevel(d.tlp) && <TlpBadge level={d.tlp} size="sm" />}
            <span className="meta-item">
              version {d.version}
              {d.versions.length > 1 && ` of ${d.versions.length}`}
            </span>
            <span className="meta-item">published {dateTime(d.published_at)}</span>
            {d.cves.map((c) => (
              <span key={c} className="mono meta-item cve">
                {c}
              </span>
            ))}
          </>
        }
      />
      {d.version !== latest && (
        <div className="alert alert-warning" role="status">
          <span className="alert-icon" aria-hidden="true">
            !
          </span>
          <div className="alert-body">
            This is version {d.version}. <Link to={`/advisories/${encodeURIComponent(d.tracking_id)}`}>The latest is version {latest}.</Link>
          </div>
        </div>
      )}

      <div className="layout-aside wide-aside">
        <div className="layout-main stack">
          <Card title="Summary">
            {csaf.summary ? <p className="prose" data-testid="advisory-summary">{csaf.summary}</p> : <p className="muted small">No summary.</p>}
            {csaf.notes.map((n, i) => (
              <div key={i} className="advisory-note">
                <div className="section-label">{n.title ?? n.category.replace(/_/g, ' ')}</div>
                <p className="prose small">{n.text}</p>
              </div>
            ))}
          </Card>

          {csaf.vulnerabilities.map((v, i) => (
            <VulnerabilityCard key={i} v={v} index={i} products={csaf.products} />
          ))}

          <details className="raw-json card-details">
            <summary>CSAF 2.0 document</summary>
            <JsonView value={d.csaf} label="CSAF document" maxHeight={520} />
          </details>
          <details className="raw-json card-details">
            <summary>OSV records ({d.osv.length})</summary>
            <JsonView value={d.osv} label="OSV records" maxHeight={520} />
          </details>
        </div>

        <aside className="layout-side stack">
          <Card title="Downloads">
            <ul className="download-list" data-testid="downloads">
              <li>
                <a className="btn btn-sm" href={`${base}/csaf${q}`} download={`${d.tracking_id.toLowerCase()}.json`}>
                  <Icon name="doc" /> CSAF 2.0 JSON
                </a>
              </li>
              <li>
                <a className="btn btn-sm" href={`${base}/osv${q}`} download={`${d.tracking_id.toLowerCase()}.osv.json`}>
                  <Icon name="doc" /> OSV JSON
                </a>
              </li>
              {d.cves.length > 0 && (
                <li>
                  <a className="btn btn-sm" href={`${base}/cve${q}`} download={`${d.tracking_id.toLowerCase()}.cve.json`}>
                    <Icon name="doc" /> CVE JSON 5
                  </a>
                </li>
              )}
            </ul>
            <div className="hash-block">
              <div className="hash-label">CSAF SHA-256</div>
              <div className="hash-row">
                <code className="mono hash-value" data-testid="csaf-sha256">
                  {d.csaf_sha256}
                </code>
                <CopyButton text={d.csaf_sha256} />
              </div>
            </div>
            <p className="card-note card-note-flush">
              The CSAF provider at <a href="/.well-known/csaf/provider-metadata.json">/.well-known/csaf/</a> mirrors this advisory with its OpenPGP signature and hashes, for CSAF aggregators and
              tools.
            </p>
          </Card>

          <Card title="Transparency log">
            {d.log_index !== null ? (
              <>
                <p className="small log-note">This version’s CSAF document is committed to the coalition’s append-only, witnessed log: nobody can change it unnoticed.</p>
                <Link to={`/ledger/entries/${d.log_index}`} className="btn btn-sm" data-testid="log-entry-link">
                  Log entry #{d.log_index}
                </Link>
              </>
            ) : (
              <p className="muted small">Not in the log yet; the log takes new entries within moments. Reload shortly.</p>
            )}
          </Card>

          <Card title={`Versions · ${d.versions.length}`}>
            <ol className="version-list" data-testid="versions">
              {[...d.versions].reverse().map((n) => {
                const rev = csaf.revisions.find((r) => r.number === String(n));
                return (
                  <li key={n} className={n === d.version ? 'version-current' : undefined}>
                    {n === d.version ? <strong>Version {n}</strong> : <Link to={`/advisories/${encodeURIComponent(d.tracking_id)}${n === latest ? '' : `?version=${n}`}`}>Version {n}</Link>}
                    {n === latest && <span className="badge">latest</span>}
                    {rev && (
                      <span className="cell-sub">
                        {day(rev.date)} · {rev.summary}
                      </span>
                    )}
                  </li>
                );
              })}
            </ol>
          </Card>

          <Card title="Details">
            <DefinitionList
              items={[
                ['Publisher', csaf.publisher ?? '—'],
                ['Status', csaf.status ?? '—'],
                ['TLP', isTlpLevel(d.tlp) ? <TlpBadge level={d.tlp} size="sm" /> : d.tlp],
                ['CVEs', d.cves.length > 0 ? <span className="mono">{d.cves.join(', ')}</span> : '—'],
              ]}
            />
            {csaf.references.length > 0 && (
              <>
                <div className="section-label">References</div>
                <ul className="ref-links">
                  {csaf.references.map((r, i) => (
                    <li key={i}>
                      <ExternalLink href={r.url}>{r.summary}</ExternalLink>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </Card>
        </aside>
      </div>
    </>
  );
}

function VulnerabilityCard({ v, index, products }: { v: CsafVulnerability; index: number; products: Map<string, CsafProduct> }) {
  const rows = v.status.flatMap(([group, ids]) => ids.map((id) => ({ id, group, p: products.get(id) })));
  rows.sort((a, b) => productLabel(a.p, a.id).localeCompare(productLabel(b.p, b.id), undefined, { numeric: true }));
  const best = [...v.scores].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
  return (
    <Card
      title={
        <>
          {v.cve ? <span className="mono">{v.cve}</span> : `Vulnerability ${index + 1}`}
          {v.title && <span className="card-title-sub"> · {v.title}</span>}
        </>
      }
      actions={best && <SeverityBadge severity={best.severity} score={best.score} />}
    >
      <div className="stack">
        {v.description && <p className="prose">{v.description}</p>}
        <div className="vuln-meta">
          {v.cwe && (
            <span>
              <span className="mono">{v.cwe.id}</span> {v.cwe.name}
            </span>
          )}
          {v.scores.map((s, i) => (
            <span key={i} className="mono small" title={`CVSS ${s.version}`}>
              {s.vector}
            </span>
          ))}
        </div>

        <div>
          <div className="section-label">Products</div>
          {rows.length === 0 ? (
            <p className="muted small">No product status.</p>
          ) : (
            <table className="table table-inner product-status" aria-label={`Products and status${v.cve ? ` for ${v.cve}` : ''}`} data-testid="product-status">
              <thead>
                <tr>
                  <th>Product</th>
                  <th>Versions</th>
                  <th>Identifier</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const look = PRODUCT_STATUS_LABELS[r.group] ?? { label: r.group, tone: 'gray' };
                  return (
                    <tr key={`${r.group}:${r.id}`} data-status={r.group}>
                      <td className="cell-title">{[r.p?.vendor, r.p?.product].filter(Boolean).join(' · ') || r.p?.name || r.id}</td>
                      <td className="mono small">{r.p?.version ?? '—'}</td>
                      <td className="mono small cell-wrap">{r.p?.purl ?? r.p?.cpe ?? '—'}</td>
                      <td>
                        <Pill tone={look.tone}>{look.label}</Pill>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>

        {v.remediations.length > 0 && (
          <div>
            <div className="section-label">Remediation</div>
            <ul className="remediations">
              {v.remediations.map((r, i) => (
                <li key={i} className="remediation">
                  <Pill tone={r.category === 'vendor_fix' ? 'green' : r.category === 'none_available' || r.category === 'no_fix_planned' ? 'red' : 'amber'}>{REMEDIATION_LABELS[r.category] ?? r.category}</Pill>
                  <div className="remediation-body">
                    <span>{r.details}</span>
                    {r.products.length > 0 && <span className="cell-sub">for {r.products.map((id) => productLabel(products.get(id), id)).join(', ')}</span>}
                    {r.url && (
                      <span className="cell-sub">
                        <ExternalLink href={r.url} />
                      </span>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          </div>
        )}

        {v.acknowledgments.length > 0 && <p className="small muted">Credit: {v.acknowledgments.join(', ')}</p>}
      </div>
    </Card>
  );
}
