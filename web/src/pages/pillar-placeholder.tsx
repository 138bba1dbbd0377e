import { PageHeader } from '../components/page.js';

/** The pillars beyond the registry; each gets its console pages with its own issue. */
export const PILLARS = [
  {
    id: 'intel',
    name: 'Intel',
    principle: 'Collective action',
    summary: 'Threat intelligence shared as STIX 2.1 over TAXII 2.1, with TLP 2.0 enforced on every object.',
  },
  {
    id: 'disclosure',
    name: 'Disclosure',
    principle: 'Collective action',
    summary: 'Multi-party coordinated vulnerability disclosure under embargo, ending in published advisories.',
  },
  {
    id: 'advisories',
    name: 'Advisories',
    principle: 'Capacity building',
    summary: 'Public CSAF 2.0 and OSV advisories, and "am I affected?" checks for SBOMs.',
  },
  {
    id: 'ledger',
    name: 'Ledger',
    principle: 'No offense',
    summary: "The coalition's append-only, witnessed transparency log: checkpoints, tiles and inclusion proofs.",
  },
  {
    id: 'releases',
    name: 'Releases',
    principle: 'No offense',
    summary: 'Signed release statements committed to the log, and offline "verify before install".',
  },
  {
    id: 'match',
    name: 'Match',
    principle: 'Strong defense',
    summary: 'Check logs against shared indicators and export blocklists for IDS.',
  },
] as const;

export type Pillar = (typeof PILLARS)[number];

/** An honest placeholder: says what the pillar will do and that it is not built yet — no sample data. */
export function PillarPlaceholder({ pillar }: { pillar: Pillar }) {
  return (
    <>
      <PageHeader title={pillar.name} subtitle={pillar.summary} />
      <div className="placeholder" data-testid="pillar-placeholder">
        <div className="placeholder-icon" aria-hidden="true">
          ◇
        </div>
        <h2 className="placeholder-title">Coming with the {pillar.name} issue</h2>
        <p className="placeholder-text">
          The {pillar.name} pillar (principle: <strong>{pillar.principle}</strong>) is not built yet. Its pages will appear here when it lands; until
          then nothing on this page is real data.
        </p>
        <p className="placeholder-text muted">
          The API is documented at <a href="/api/docs">/api/docs</a>.
        </p>
      </div>
    </>
  );
}
