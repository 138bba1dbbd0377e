/**
 * The severity word of an OSV `severity` array, for sorting and badges: the
 * CVSS v3.x base score computed from the vector (FIRST CVSS v3.1
 * specification §7.1, Appendix A rounding); Ubuntu's priority word as given.
 * CVSS v4 vectors are not scored here (their score needs FIRST's lookup
 * tables): the vector is still shown.
 */

export type SeverityWord = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE';

export interface Scored {
  severity: SeverityWord | null;
  score: number | null;
  /** The vector or word the severity came from, for the tooltip. */
  source: string | null;
}

const W: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

export function severityOf(score: number): SeverityWord {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

/** The base score of a CVSS v3.0/v3.1 vector, or null when it is not one. */
export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.trim().split('/');
  if (parts[0] !== 'CVSS:3.1' && parts[0] !== 'CVSS:3.0') return null;
  const m: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const [k, v] = p.split(':');
    if (k && v) m[k] = v;
  }
  const w = (k: string) => W[k]?.[m[k] ?? ''];
  const changed = m.S === 'C';
  const pr = m.PR === 'N' ? 0.85 : m.PR === 'L' ? (changed ? 0.68 : 0.62) : m.PR === 'H' ? (changed ? 0.5 : 0.27) : undefined;
  const [av, ac, ui, c, i, a] = [w('AV'), w('AC'), w('UI'), w('C'), w('I'), w('A')];
  if (av === undefined || ac === undefined || ui === undefined || c === undefined || i === undefined || a === undefined || pr === undefined || (m.S !== 'U' && m.S !== 'C')) return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return roundUp(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
}

const WORDS: Record<string, SeverityWord> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', moderate: 'MEDIUM', low: 'LOW', negligible: 'LOW', none: 'NONE' };

/** The highest severity in an OSV severity array. */
export function scoreSeverity(severity: unknown): Scored {
  if (!Array.isArray(severity)) return { severity: null, score: null, source: null };
  let best: Scored = { severity: null, score: null, source: null };
  for (const s of severity as unknown[]) {
    if (typeof s !== 'object' || s === null) continue;
    const { type, score } = s as { type?: unknown; score?: unknown };
    if (typeof score !== 'string') continue;
    if (type === 'CVSS_V3') {
      const n = cvss3BaseScore(score);
      if (n !== null && (best.score === null || n > best.score)) best = { severity: severityOf(n), score: n, source: score };
    } else if (best.severity === null) {
      const word = WORDS[score.trim().toLowerCase()];
      best = { severity: word ?? null, score: null, source: score };
    }
  }
  return best;
}

/** Sort rank: CRITICAL first, unknown last. */
export function severityRank(s: SeverityWord | null): number {
  return s === null ? 5 : ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE'].indexOf(s);
}
