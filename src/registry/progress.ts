import type { RegistryDeps } from './deps.js';
import { ValidationError } from '../errors.js';
import type { Org } from './types.js';

/** The public yearly progress report: membership, CVD policies, pledges. */
export interface ProgressSummary {
  year: number;
  /** Member signatories at the end of the year (or now, for the current year). */
  as_of: string;
  members: number;
  new_members: number;
  with_cvd_policy: number;
  with_security_txt: number;
  by_sector: Record<string, number>;
  by_size_band: Record<string, number>;
  pledges: { slug: string; title: string; endorsements: number }[];
}

const PAGE = 500;

/**
 * Computes the summary for `year`. Membership is judged by join date and
 * current status (suspended and withdrawn organisations no longer count).
 */
export async function progressSummary(deps: RegistryDeps, year: number): Promise<ProgressSummary> {
  const now = deps.clock.now();
  if (!Number.isInteger(year) || year < 2000 || year > now.getUTCFullYear()) {
    throw new ValidationError([{ path: '/year', message: `must be a year from 2000 to ${now.getUTCFullYear()}` }]);
  }
  const end = new Date(Date.UTC(year + 1, 0, 1));
  const past = end.getTime() <= now.getTime();
  const asOf = past ? end : now;
  // A finished year counts what happened before 1 January; the current one counts everything so far.
  const cutoff = past ? end.toISOString() : '\uffff';
  const start = new Date(Date.UTC(year, 0, 1)).toISOString();
  const summary: ProgressSummary = {
    year,
    as_of: asOf.toISOString(),
    members: 0,
    new_members: 0,
    with_cvd_policy: 0,
    with_security_txt: 0,
    by_sector: {},
    by_size_band: {},
    pledges: [],
  };
  const counted: string[] = [];
  // Page through members instead of loading the whole registry.
  let after: string | undefined;
  for (;;) {
    const orgs: Org[] = await deps.store.listOrgs({ kind: 'signatory', status: ['member'], after, limit: PAGE });
    for (const o of orgs) {
      if (o.joined_at === null || o.joined_at >= cutoff) continue;
      counted.push(o.id);
      summary.members++;
      if (o.joined_at >= start) summary.new_members++;
      if (o.cvd_policy_url) summary.with_cvd_policy++;
      if (o.security_txt_url) summary.with_security_txt++;
      const sector = o.sector ?? 'unspecified';
      summary.by_sector[sector] = (summary.by_sector[sector] ?? 0) + 1;
      const band = o.size_band ?? 'unspecified';
      summary.by_size_band[band] = (summary.by_size_band[band] ?? 0) + 1;
    }
    if (orgs.length < PAGE) break;
    after = orgs[orgs.length - 1]!.slug;
  }
  const pledges = await deps.store.listPledges();
  const counts = new Map<string, number>(pledges.map((p) => [p.id, 0]));
  for (let i = 0; i < counted.length; i += PAGE) {
    for (const e of await deps.store.listEndorsements({ orgIds: counted.slice(i, i + PAGE) })) {
      const active = e.endorsed_at < cutoff && (e.withdrawn_at === null || e.withdrawn_at >= cutoff);
      if (active) counts.set(e.pledge_id, (counts.get(e.pledge_id) ?? 0) + 1);
    }
  }
  summary.pledges = pledges.map((p) => ({ slug: p.slug, title: p.title, endorsements: counts.get(p.id) ?? 0 }));
  return summary;
}

/** The same summary as CSV: one `metric,value` row per figure (RFC 4180 quoting). */
export function progressCsv(s: ProgressSummary): string {
  const rows: [string, string | number][] = [
    ['year', s.year],
    ['as_of', s.as_of],
    ['members', s.members],
    ['new_members', s.new_members],
    ['with_cvd_policy', s.with_cvd_policy],
    ['with_security_txt', s.with_security_txt],
    ...Object.entries(s.by_sector).map(([k, v]): [string, number] => [`sector:${k}`, v]),
    ...Object.entries(s.by_size_band).map(([k, v]): [string, number] => [`size_band:${k}`, v]),
    ...s.pledges.map((p): [string, number] => [`pledge:${p.slug}`, p.endorsements]),
  ];
  const cell = (v: string | number) => {
    const t = String(v);
    // Quote, and neutralise spreadsheet formulas in names that came from users.
    const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return ['metric,value', ...rows.map(([k, v]) => `${cell(k)},${cell(v)}`)].join('\r\n') + '\r\n';
}
