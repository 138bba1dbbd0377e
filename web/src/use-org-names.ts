import { useMemo } from 'react';
import type { Org, Page, SignatoryView } from '../../src/http/api-types.js';
import { abilities, useSession } from './session.js';
import { useApi } from './use-api.js';

export interface OrgRef {
  name: string;
  slug: string;
  demo: boolean;
}

/**
 * Names for organisation ids in votes, sponsors and the audit trail. Members see
 * the public directory; the secretariat sees every organisation. One page of 500
 * covers a coalition of this size; unknown ids fall back to a short id.
 */
export function useOrgNames(): { names: Map<string, OrgRef>; memberCount: number | null } {
  const { me } = useSession();
  const { isAdmin } = abilities(me);
  const orgs = useApi<Page<Org>>(isAdmin ? '/api/v1/orgs?limit=500' : null);
  const sigs = useApi<Page<SignatoryView>>(isAdmin ? null : '/api/v1/signatories?limit=500');
  return useMemo(() => {
    const names = new Map<string, OrgRef>();
    for (const o of orgs.data?.items ?? []) names.set(o.id, { name: o.name, slug: o.slug, demo: o.demo });
    for (const s of sigs.data?.items ?? []) names.set(s.org.id, { name: s.org.name, slug: s.org.slug, demo: s.org.demo });
    if (me) names.set(me.org.id, { name: me.org.name, slug: me.org.slug, demo: me.org.demo });
    // Member signatories are the electorate; the public directory lists exactly them.
    const memberCount = orgs.data
      ? orgs.data.items.filter((o) => o.kind === 'signatory' && o.status === 'member').length
      : sigs.data
        ? sigs.data.items.length
        : null;
    return { names, memberCount };
  }, [orgs.data, sigs.data, me]);
}
