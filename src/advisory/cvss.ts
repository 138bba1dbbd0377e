import { AdvisoryError } from './errors.js';

/**
 * CVSS v3.1 vector parsing and scoring per FIRST's "CVSS v3.1 Specification
 * Document" (§7 formulas, Appendix A Roundup), and the JSON shape of FIRST's
 * cvss-v3.1.json schema that CSAF 2.0 embeds as `scores[].cvss_v3`. CSAF's
 * mandatory tests 6.1.9 and 6.1.10 recompute every score and compare every
 * field with the vector, so this must agree with FIRST's reference calculator
 * (the unit test compares the two on thousands of random vectors).
 */

export type CvssSeverity = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

type Group = 'base' | 'temporal' | 'environmental';

interface MetricDef {
  readonly json: string;
  readonly group: Group;
  /** Letter → [JSON enum value, weight]; PR and MPR weights depend on scope and are looked up separately. */
  readonly values: Readonly<Record<string, readonly [string, number]>>;
}

const CIA = { H: ['HIGH', 0.56], L: ['LOW', 0.22], N: ['NONE', 0] } as const;
const MCIA = { X: ['NOT_DEFINED', NaN], ...CIA } as const;
const REQ = { X: ['NOT_DEFINED', 1], H: ['HIGH', 1.5], M: ['MEDIUM', 1], L: ['LOW', 0.5] } as const;

/** Table 15 of the specification, in its order (which is also the order of the JSON fields). */
const METRICS: Readonly<Record<string, MetricDef>> = {
  AV: { json: 'attackVector', group: 'base', values: { N: ['NETWORK', 0.85], A: ['ADJACENT_NETWORK', 0.62], L: ['LOCAL', 0.55], P: ['PHYSICAL', 0.2] } },
  AC: { json: 'attackComplexity', group: 'base', values: { L: ['LOW', 0.77], H: ['HIGH', 0.44] } },
  PR: { json: 'privilegesRequired', group: 'base', values: { N: ['NONE', NaN], L: ['LOW', NaN], H: ['HIGH', NaN] } },
  UI: { json: 'userInteraction', group: 'base', values: { N: ['NONE', 0.85], R: ['REQUIRED', 0.62] } },
  S: { json: 'scope', group: 'base', values: { U: ['UNCHANGED', NaN], C: ['CHANGED', NaN] } },
  C: { json: 'confidentialityImpact', group: 'base', values: CIA },
  I: { json: 'integrityImpact', group: 'base', values: CIA },
  A: { json: 'availabilityImpact', group: 'base', values: CIA },
  E: { json: 'exploitCodeMaturity', group: 'temporal', values: { X: ['NOT_DEFINED', 1], H: ['HIGH', 1], F: ['FUNCTIONAL', 0.97], P: ['PROOF_OF_CONCEPT', 0.94], U: ['UNPROVEN', 0.91] } },
  RL: { json: 'remediationLevel', group: 'temporal', values: { X: ['NOT_DEFINED', 1], U: ['UNAVAILABLE', 1], W: ['WORKAROUND', 0.97], T: ['TEMPORARY_FIX', 0.96], O: ['OFFICIAL_FIX', 0.95] } },
  RC: { json: 'reportConfidence', group: 'temporal', values: { X: ['NOT_DEFINED', 1], C: ['CONFIRMED', 1], R: ['REASONABLE', 0.96], U: ['UNKNOWN', 0.92] } },
  CR: { json: 'confidentialityRequirement', group: 'environmental', values: REQ },
  IR: { json: 'integrityRequirement', group: 'environmental', values: REQ },
  AR: { json: 'availabilityRequirement', group: 'environmental', values: REQ },
  MAV: { json: 'modifiedAttackVector', group: 'environmental', values: { X: ['NOT_DEFINED', NaN], N: ['NETWORK', 0.85], A: ['ADJACENT_NETWORK', 0.62], L: ['LOCAL', 0.55], P: ['PHYSICAL', 0.2] } },
  MAC: { json: 'modifiedAttackComplexity', group: 'environmental', values: { X: ['NOT_DEFINED', NaN], L: ['LOW', 0.77], H: ['HIGH', 0.44] } },
  MPR: { json: 'modifiedPrivilegesRequired', group: 'environmental', values: { X: ['NOT_DEFINED', NaN], N: ['NONE', NaN], L: ['LOW', NaN], H: ['HIGH', NaN] } },
  MUI: { json: 'modifiedUserInteraction', group: 'environmental', values: { X: ['NOT_DEFINED', NaN], N: ['NONE', 0.85], R: ['REQUIRED', 0.62] } },
  MS: { json: 'modifiedScope', group: 'environmental', values: { X: ['NOT_DEFINED', NaN], U: ['UNCHANGED', NaN], C: ['CHANGED', NaN] } },
  MC: { json: 'modifiedConfidentialityImpact', group: 'environmental', values: MCIA },
  MI: { json: 'modifiedIntegrityImpact', group: 'environmental', values: MCIA },
  MA: { json: 'modifiedAvailabilityImpact', group: 'environmental', values: MCIA },
};

const BASE_METRICS = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;

/** A parsed CVSS v3.1 vector: the text as given and each metric's letter. */
export interface Cvss31Vector {
  readonly vectorString: string;
  readonly metrics: Readonly<Record<string, string>>;
}

/** Scores of a vector; temporal and environmental ones only when the vector has metrics of that group. */
export interface Cvss31Scores {
  readonly baseScore: number;
  readonly baseSeverity: CvssSeverity;
  readonly temporalScore?: number;
  readonly temporalSeverity?: CvssSeverity;
  readonly environmentalScore?: number;
  readonly environmentalSeverity?: CvssSeverity;
}

/** FIRST's cvss-v3.1.json object (the shape of CSAF's `cvss_v3` and CVE JSON 5's `cvssV3_1`). */
export interface CvssV31Json extends Cvss31Scores {
  readonly version: '3.1';
  readonly vectorString: string;
  readonly [metric: string]: string | number | undefined;
}

/** Longest vector accepted (every metric once with its longest name is about 150 characters). */
const MAX_VECTOR_LENGTH = 256;

function invalid(vector: string, why: string): AdvisoryError<'CVSS_INVALID'> {
  const shown = JSON.stringify(vector.length > 80 ? `${vector.slice(0, 80)}…` : vector);
  return new AdvisoryError('CVSS_INVALID', `${shown} is not a CVSS v3.1 vector: ${why}`, { details: { errors: [{ path: '', message: why }] } });
}

/**
 * Parses a CVSS v3.1 vector string. All eight base metrics are required; temporal and
 * environmental metrics are optional; each metric at most once, in any order (as FIRST's
 * JSON schema pattern allows). Throws `AdvisoryError` CVSS_INVALID.
 */
export function parseCvss31(vector: string): Cvss31Vector {
  if (typeof vector !== 'string') throw invalid(String(vector), 'not text');
  if (vector.length > MAX_VECTOR_LENGTH) throw invalid(vector, `longer than ${MAX_VECTOR_LENGTH} characters`);
  const parts = vector.split('/');
  if (parts[0] !== 'CVSS:3.1') throw invalid(vector, 'it must begin with "CVSS:3.1/"');
  const metrics: Record<string, string> = {};
  for (const part of parts.slice(1)) {
    const m = /^([A-Z]{1,3}):([A-Z])$/.exec(part);
    if (!m) throw invalid(vector, `${JSON.stringify(part)} is not METRIC:VALUE`);
    const [, key, value] = m as unknown as [string, string, string];
    const def = Object.prototype.hasOwnProperty.call(METRICS, key) ? METRICS[key] : undefined;
    if (!def) throw invalid(vector, `unknown metric ${key}`);
    if (!Object.prototype.hasOwnProperty.call(def.values, value)) throw invalid(vector, `${key}:${value} is not a value of ${key}`);
    if (Object.prototype.hasOwnProperty.call(metrics, key)) throw invalid(vector, `metric ${key} appears twice`);
    metrics[key] = value;
  }
  const missing = BASE_METRICS.filter((k) => metrics[k] === undefined);
  if (missing.length > 0) throw invalid(vector, `base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
  return { vectorString: vector, metrics };
}

/**
 * Appendix A of the v3.1 specification: the smallest number with one decimal that is
 * equal to or higher than the input, computed on integers to avoid floating-point error.
 */
export function roundUp31(input: number): number {
  const intInput = Math.round(input * 100000);
  if (intInput % 10000 === 0) return intInput / 100000;
  return (Math.floor(intInput / 10000) + 1) / 10;
}

/** Qualitative severity rating scale (specification §5), the same for v3.1 and v4.0. */
export function cvssSeverity(score: number): CvssSeverity {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}

function weight(key: string, letter: string): number {
  return METRICS[key]!.values[letter]![1];
}

function privilegesWeight(letter: string, scopeChanged: boolean): number {
  if (letter === 'N') return 0.85;
  if (letter === 'L') return scopeChanged ? 0.68 : 0.62;
  return scopeChanged ? 0.5 : 0.27;
}

/** Computes the base score, and the temporal and environmental scores when the vector has such metrics (§7.1–7.3). */
export function scoreCvss31(input: string | Cvss31Vector): Cvss31Scores {
  const { metrics: m } = typeof input === 'string' ? parseCvss31(input) : input;
  const get = (k: string): string => m[k] ?? 'X';
  const changed = m.S === 'C';
  const iss = 1 - (1 - weight('C', m.C!)) * (1 - weight('I', m.I!)) * (1 - weight('A', m.A!));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * weight('AV', m.AV!) * weight('AC', m.AC!) * privilegesWeight(m.PR!, changed) * weight('UI', m.UI!);
  const baseScore = impact <= 0 ? 0 : roundUp31(Math.min((changed ? 1.08 : 1) * (impact + exploitability), 10));
  const t = weight('E', get('E')) * weight('RL', get('RL')) * weight('RC', get('RC'));
  const has = (g: Group): boolean => Object.keys(m).some((k) => METRICS[k]!.group === g);
  let out: Cvss31Scores = { baseScore, baseSeverity: cvssSeverity(baseScore) };
  if (has('temporal')) {
    const temporalScore = roundUp31(baseScore * t);
    out = { ...out, temporalScore, temporalSeverity: cvssSeverity(temporalScore) };
  }
  if (has('environmental')) {
    // A modified metric that is Not Defined takes its base metric's value.
    const mod = (k: string): string => (get(`M${k}`) === 'X' ? m[k]! : get(`M${k}`));
    const mChanged = mod('S') === 'C';
    const miss = Math.min(
      1 -
        (1 - weight('CR', get('CR')) * weight('C', mod('C'))) *
          (1 - weight('IR', get('IR')) * weight('I', mod('I'))) *
          (1 - weight('AR', get('AR')) * weight('A', mod('A'))),
      0.915,
    );
    const mImpact = mChanged ? 7.52 * (miss - 0.029) - 3.25 * Math.pow(miss * 0.9731 - 0.02, 13) : 6.42 * miss;
    const mExploitability = 8.22 * weight('AV', mod('AV')) * weight('AC', mod('AC')) * privilegesWeight(mod('PR'), mChanged) * weight('UI', mod('UI'));
    const environmentalScore =
      mImpact <= 0 ? 0 : roundUp31(roundUp31(Math.min((mChanged ? 1.08 : 1) * (mImpact + mExploitability), 10)) * t);
    out = { ...out, environmentalScore, environmentalSeverity: cvssSeverity(environmentalScore) };
  }
  return out;
}

/**
 * The complete FIRST cvss-v3.1 JSON object for a vector: version, vectorString, every
 * metric the vector names (by its JSON name and enum value), and the scores with severities.
 */
export function cvss31Json(vector: string): CvssV31Json {
  const parsed = parseCvss31(vector);
  const scores = scoreCvss31(parsed);
  const out: Record<string, string | number> = { version: '3.1', vectorString: parsed.vectorString };
  const put = (group: Group): void => {
    for (const [key, def] of Object.entries(METRICS)) {
      const letter = parsed.metrics[key];
      if (def.group === group && letter !== undefined) out[def.json] = def.values[letter]![0];
    }
  };
  put('base');
  out.baseScore = scores.baseScore;
  out.baseSeverity = scores.baseSeverity;
  put('temporal');
  if (scores.temporalScore !== undefined) {
    out.temporalScore = scores.temporalScore;
    out.temporalSeverity = scores.temporalSeverity!;
  }
  put('environmental');
  if (scores.environmentalScore !== undefined) {
    out.environmentalScore = scores.environmentalScore;
    out.environmentalSeverity = scores.environmentalSeverity!;
  }
  return out as unknown as CvssV31Json;
}

/**
 * The CVSS v4.0 vector syntax (FIRST CVSS v4.0 specification §7: every base metric, in the
 * specification's order, then optional threat, environmental and supplemental metrics in
 * order), as the OSV schema's CVSS_V4 pattern states it. Accord carries v4.0 vectors
 * through to OSV and CVE records; it does not compute v4.0 scores (they come from a
 * lookup table of macro-vectors), so a v4.0 base score is supplied by the author.
 */
const CVSS40 =
  /^CVSS:4[.]0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/E:[XAPU])?(\/CR:[XHML])?(\/IR:[XHML])?(\/AR:[XHML])?(\/MAV:[XNALP])?(\/MAC:[XLH])?(\/MAT:[XNP])?(\/MPR:[XNLH])?(\/MUI:[XNPA])?(\/MVC:[XNLH])?(\/MVI:[XNLH])?(\/MVA:[XNLH])?(\/MSC:[XNLH])?(\/MSI:[XNLHS])?(\/MSA:[XNLHS])?(\/S:[XNP])?(\/AU:[XNY])?(\/R:[XAUI])?(\/V:[XDC])?(\/RE:[XLMH])?(\/U:(X|Clear|Green|Amber|Red))?$/;

/** True when `vector` is a syntactically valid CVSS v4.0 vector string. */
export function isCvss40Vector(vector: string): boolean {
  return typeof vector === 'string' && vector.length <= MAX_VECTOR_LENGTH && CVSS40.test(vector);
}
