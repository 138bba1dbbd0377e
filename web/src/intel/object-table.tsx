import { Pill } from '../components/pills.js';
import { dateTime } from '../format.js';
import { OrgName } from '../ledger/entry-summary.js';
import { Link } from '../router.js';
import type { OrgRef } from '../use-org-names.js';
import { labelsOf, objectDetail, objectTitle } from './stix.js';
import { TlpBadge } from './tlp.js';
import type { IntelSummary } from './types.js';
import { TypeTag } from './type-tag.js';

export function objectPath(id: string): string {
  return `/intel/objects/${encodeURIComponent(id)}`;
}

/**
 * Intel objects, one row each: when added, TLP, type, what it is (linked to
 * its page, with its pattern or value underneath), who shared it, labels.
 * The object column takes the room left and cuts long patterns with an
 * ellipsis (the full text is in the title and on the detail page).
 */
export function ObjectTable({ items, names, label, compact = false }: { items: readonly IntelSummary[]; names: Map<string, OrgRef>; label: string; compact?: boolean }) {
  return (
    <table className="table intel-table" aria-label={label}>
      <thead>
        <tr>
          <th>Added (UTC)</th>
          <th>TLP</th>
          <th>Type</th>
          <th>Object</th>
          <th>Shared by</th>
          {!compact && <th>Labels</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((s) => {
          const detail = objectDetail(s.object);
          const labels = labelsOf(s.object);
          return (
            <tr key={`${s.id} ${s.version}`} data-testid="intel-row" data-tlp={s.tlp} className={s.revoked ? 'row-muted' : undefined}>
              <td className="tnum nowrap">{dateTime(s.date_added).replace(' UTC', '')}</td>
              <td className="nowrap">
                <TlpBadge level={s.tlp} />
              </td>
              <td className="nowrap">
                <TypeTag type={s.type} />
              </td>
              <td className="cell-object">
                <div className="object-line">
                  <Link to={objectPath(s.id)} className="row-link object-title" title={objectTitle(s.object)}>
                    {objectTitle(s.object)}
                  </Link>
                  {s.revoked && <Pill tone="red">revoked</Pill>}
                </div>
                {detail && (
                  <span className="cell-sub mono object-detail" title={detail}>
                    {detail}
                  </span>
                )}
              </td>
              <td className="nowrap">
                <OrgName id={s.author_org_id} names={names} />
              </td>
              {!compact && (
                <td className="cell-labels">
                  <div className="badges">
                    {labels.slice(0, 4).map((l) => (
                      <span key={l} className="badge">
                        {l}
                      </span>
                    ))}
                    {labels.length > 4 && <span className="badge" title={labels.slice(4).join(', ')}>+{labels.length - 4}</span>}
                  </div>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
