import { OrgName } from '../ledger/entry-summary.js';
import { Link } from '../router.js';
import type { OrgRef } from '../use-org-names.js';

/**
 * One recipient named by Accord's sharing extension: `org:<slug>`,
 * `org-id:<uuid>` (what recorded sightings name), `group:<slug>` or
 * `user:<email>`, shown by name where the directory knows it.
 */
export function Recipient({ value, names }: { value: string; names: Map<string, OrgRef> }) {
  const at = value.indexOf(':');
  const kind = at < 0 ? '' : value.slice(0, at);
  const rest = value.slice(at + 1);
  if (kind === 'org-id') {
    return (
      <span className="recipient" title={value}>
        <span className="recipient-kind">org</span>
        <OrgName id={rest} names={names} />
      </span>
    );
  }
  if (kind === 'org') {
    const org = [...names.values()].find((o) => o.slug === rest);
    return (
      <span className="recipient" title={value}>
        <span className="recipient-kind">org</span>
        {org ? <Link to={`/signatories/${org.slug}`}>{org.name}</Link> : <span className="mono">{rest}</span>}
      </span>
    );
  }
  if (kind === 'group') {
    return (
      <span className="recipient" title={value}>
        <span className="recipient-kind">group</span>
        <Link to="/intel/groups" className="mono">
          {rest}
        </Link>
      </span>
    );
  }
  return (
    <span className="recipient" title={value}>
      <span className="recipient-kind">{kind || 'recipient'}</span>
      <span className="mono">{rest}</span>
    </span>
  );
}
