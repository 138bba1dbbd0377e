import type { SignatoryView } from '../../../src/http/api-types.js';
import { Card, DataState, DefinitionList, Empty, ExternalLink, PageHeader } from '../components/page.js';
import { DemoBadge, Pill, StatusPill } from '../components/pills.js';
import { CopyButton } from '../components/copy-button.js';
import { countryName, day } from '../format.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

/** A signatory's public page: profile, dated pledges, release-signing keys. */
export function SignatoryPage({ slug }: { slug: string }) {
  const sig = useApi<SignatoryView>(`/api/v1/signatories/${encodeURIComponent(slug)}`);
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/">Signatories</Link>
        <span aria-hidden="true">/</span>
        <span className="mono">{slug}</span>
      </nav>
      <DataState {...sig}>{(s) => <Signatory s={s} />}</DataState>
    </>
  );
}

function contact(v: string | null) {
  if (!v) return <span className="muted">—</span>;
  if (v.includes('@') && !v.includes('/')) return <a href={`mailto:${v}`}>{v}</a>;
  return <ExternalLink href={v} />;
}

function Signatory({ s }: { s: SignatoryView }) {
  const o = s.org;
  return (
    <>
      <PageHeader
        title={
          <>
            {o.name} {o.demo && <DemoBadge />}
          </>
        }
        meta={
          <>
            <StatusPill status={o.status} />
            <span className="meta-item">
              Joined <span className="tnum">{day(o.joined_at)}</span>
            </span>
            <span className="meta-item mono">{o.slug}</span>
          </>
        }
        subtitle={o.description ?? undefined}
      />
      <div className="grid-2">
        <Card title="Profile">
          <DefinitionList
            items={[
              ['Country', o.country ? `${countryName(o.country)} (${o.country})` : '—'],
              ['Sector', o.sector ?? '—'],
              ['Size', o.size_band ? `${o.size_band} employees` : '—'],
              ['Website', o.website ? <ExternalLink href={o.website} /> : '—'],
              ['PSIRT contact', contact(o.psirt_contact)],
              ['CVD policy', o.cvd_policy_url ? <ExternalLink href={o.cvd_policy_url} /> : <span className="muted">No policy published</span>],
              ['security.txt', o.security_txt_url ? <ExternalLink href={o.security_txt_url} /> : <span className="muted">—</span>],
            ]}
          />
        </Card>
        <Card title={`Pledges (${s.pledges.length})`} flush>
          {s.pledges.length === 0 ? (
            <Empty>No pledges endorsed.</Empty>
          ) : (
            <table className="table" aria-label="Pledges">
              <thead>
                <tr>
                  <th>Pledge</th>
                  <th>Endorsed</th>
                </tr>
              </thead>
              <tbody>
                {s.pledges.map((p) => (
                  <tr key={p.slug} data-testid="pledge-row">
                    <td>
                      <div className="cell-title">{p.title}</div>
                      <div className="cell-sub mono">{p.slug}</div>
                    </td>
                    <td className="nowrap tnum">{day(p.endorsed_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
      <Card title={`Release-signing keys (${s.keys.length})`} flush className="mt">
        {s.keys.length === 0 ? (
          <Empty>No release-signing keys registered. Releases signed by this organisation cannot be verified until it registers one.</Empty>
        ) : (
          <table className="table" aria-label="Release-signing keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Algorithm</th>
                <th>Key ID (SHA-256 of SPKI)</th>
                <th>Added</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {s.keys.map((k) => (
                <tr key={k.id} className={k.revoked_at ? 'row-muted' : ''}>
                  <td>{k.name}</td>
                  <td className="mono">{k.algorithm}</td>
                  <td>
                    <span className="mono key-id" title={k.key_id}>
                      {k.key_id.slice(0, 16)}…{k.key_id.slice(-8)}
                    </span>{' '}
                    <CopyButton text={k.key_id} label="Copy ID" />
                  </td>
                  <td className="tnum nowrap">{day(k.created_at)}</td>
                  <td>
                    {k.revoked_at ? (
                      <Pill tone="red" title={`Revoked ${k.revoked_at}`}>
                        revoked {day(k.revoked_at)}
                      </Pill>
                    ) : (
                      <Pill tone="green">active</Pill>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
