import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cvss31Json, cvssSeverity, isCvss40Vector, parseCvss31, roundUp31, scoreCvss31 } from '../../../src/advisory/cvss.js';
import { AdvisoryError } from '../../../src/advisory/errors.js';
import { prng } from '../intel/support.js';

// FIRST's reference calculator (cvsscalc31.js, shipped inside csaf-validator-lib) is the oracle.
const FIRST_MODULE = '@secvisogram/csaf-validator-lib/lib/shared/first.js';

describe('CVSS v3.1 base scores', () => {
  // Scores from the brief and from FIRST's "CVSS v3.1 Examples" (Heartbleed CVE-2014-0160 7.5,
  // phpMyAdmin XSS CVE-2013-1937 6.1, Shellshock CVE-2014-6271 9.8).
  const known: [string, number, string][] = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'CRITICAL'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0, 'CRITICAL'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8, 'HIGH'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1, 'LOW'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5, 'HIGH'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'MEDIUM'],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.6, 'LOW'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 'NONE'],
    // metric order is free (FIRST's JSON schema pattern allows any order)
    ['CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H', 9.8, 'CRITICAL'],
  ];
  for (const [vector, score, severity] of known) {
    it(`${vector} = ${score}`, () => {
      const s = scoreCvss31(vector);
      assert.equal(s.baseScore, score);
      assert.equal(s.baseSeverity, severity);
      assert.equal(s.temporalScore, undefined);
      assert.equal(s.environmentalScore, undefined);
    });
  }

  it('computes temporal scores when the vector has temporal metrics', () => {
    const s = scoreCvss31('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C');
    assert.equal(s.temporalScore, 8.8); // roundup(9.8 × 0.94 × 0.95 × 1) = roundup(8.7514)
    assert.equal(s.temporalSeverity, 'HIGH');
  });

  it('Roundup works on integers so that float noise does not add 0.1 (spec Appendix A)', () => {
    assert.equal(roundUp31(4.000000000000001), 4.0);
    assert.equal(roundUp31(4.0), 4.0);
    assert.equal(roundUp31(4.02), 4.1);
    assert.equal(roundUp31(0.1), 0.1);
    assert.equal(cvssSeverity(0.1), 'LOW');
    assert.equal(cvssSeverity(3.9), 'LOW');
    assert.equal(cvssSeverity(4.0), 'MEDIUM');
    assert.equal(cvssSeverity(6.9), 'MEDIUM');
    assert.equal(cvssSeverity(7.0), 'HIGH');
    assert.equal(cvssSeverity(8.9), 'HIGH');
    assert.equal(cvssSeverity(9.0), 'CRITICAL');
  });

  it('agrees with FIRST’s reference calculator on 5,000 random vectors (base, temporal, environmental)', async () => {
    const { cvss31 } = (await import(FIRST_MODULE)) as { cvss31: { calculateCVSSFromVector(v: string): any } };
    const r = prng(31);
    const base: Record<string, string[]> = { AV: ['N', 'A', 'L', 'P'], AC: ['L', 'H'], PR: ['N', 'L', 'H'], UI: ['N', 'R'], S: ['U', 'C'], C: ['H', 'L', 'N'], I: ['H', 'L', 'N'], A: ['H', 'L', 'N'] };
    const temporal: Record<string, string[]> = { E: ['X', 'U', 'P', 'F', 'H'], RL: ['X', 'O', 'T', 'W', 'U'], RC: ['X', 'U', 'R', 'C'] };
    const env: Record<string, string[]> = {
      CR: ['X', 'L', 'M', 'H'],
      IR: ['X', 'L', 'M', 'H'],
      AR: ['X', 'L', 'M', 'H'],
      MAV: ['X', 'N', 'A', 'L', 'P'],
      MAC: ['X', 'L', 'H'],
      MPR: ['X', 'N', 'L', 'H'],
      MUI: ['X', 'N', 'R'],
      MS: ['X', 'U', 'C'],
      MC: ['X', 'N', 'L', 'H'],
      MI: ['X', 'N', 'L', 'H'],
      MA: ['X', 'N', 'L', 'H'],
    };
    let withTemporal = 0;
    let withEnv = 0;
    for (let n = 0; n < 5000; n++) {
      const parts = Object.entries(base).map(([k, vs]) => `${k}:${r.pick(vs)}`);
      const t = r.next() < 0.5;
      const e = r.next() < 0.6;
      if (t) for (const [k, vs] of Object.entries(temporal)) if (r.next() < 0.7) parts.push(`${k}:${r.pick(vs)}`);
      if (e) for (const [k, vs] of Object.entries(env)) if (r.next() < 0.7) parts.push(`${k}:${r.pick(vs)}`);
      const vector = `CVSS:3.1/${parts.join('/')}`;
      const mine = scoreCvss31(vector);
      const first = cvss31.calculateCVSSFromVector(vector);
      assert.equal(first.success, true, vector);
      assert.equal(mine.baseScore, Number(first.baseMetricScore), `base ${vector}`);
      if (mine.temporalScore !== undefined) {
        withTemporal++;
        assert.equal(mine.temporalScore, Number(first.temporalMetricScore), `temporal ${vector}`);
      }
      if (mine.environmentalScore !== undefined) {
        withEnv++;
        assert.equal(mine.environmentalScore, Number(first.environmentalMetricScore), `environmental ${vector}`);
      }
    }
    assert.ok(withTemporal > 1000 && withEnv > 1000, 'the sample covers temporal and environmental metrics');
  });
});

describe('CVSS v3.1 vector parsing', () => {
  const bad: [string, RegExp][] = [
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /begin with "CVSS:3.1\/"/],
    ['AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /begin with/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /base metric A missing/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L', /AV appears twice/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV:X is not a value of AV/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:H', /unknown metric ZZ/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', /is not METRIC:VALUE/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Hx', /is not METRIC:VALUE/],
    ['CVSS:3.1/constructor:H/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /is not METRIC:VALUE/],
    [`CVSS:3.1/${'AV:N/'.repeat(80)}`, /longer than/],
  ];
  for (const [vector, why] of bad) {
    it(`refuses ${vector.slice(0, 60)}`, () => {
      assert.throws(
        () => parseCvss31(vector),
        (e: unknown) => e instanceof AdvisoryError && e.code === 'CVSS_INVALID' && why.test(e.message),
      );
    });
  }
});

describe('CVSS v3.1 JSON (FIRST cvss-v3.1.json, CSAF cvss_v3)', () => {
  it('has every field the vector names, with the enum spellings of the schema', () => {
    assert.deepEqual(cvss31Json('CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H/E:F/RL:W/RC:R/CR:H/MAV:P/MPR:X'), {
      version: '3.1',
      vectorString: 'CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H/E:F/RL:W/RC:R/CR:H/MAV:P/MPR:X',
      attackVector: 'ADJACENT_NETWORK',
      attackComplexity: 'HIGH',
      privilegesRequired: 'LOW',
      userInteraction: 'REQUIRED',
      scope: 'CHANGED',
      confidentialityImpact: 'LOW',
      integrityImpact: 'NONE',
      availabilityImpact: 'HIGH',
      baseScore: scoreCvss31('CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H').baseScore,
      baseSeverity: 'MEDIUM',
      exploitCodeMaturity: 'FUNCTIONAL',
      remediationLevel: 'WORKAROUND',
      reportConfidence: 'REASONABLE',
      temporalScore: scoreCvss31('CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H/E:F/RL:W/RC:R').temporalScore,
      temporalSeverity: 'MEDIUM',
      confidentialityRequirement: 'HIGH',
      modifiedAttackVector: 'PHYSICAL',
      modifiedPrivilegesRequired: 'NOT_DEFINED',
      environmentalScore: scoreCvss31('CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H/E:F/RL:W/RC:R/CR:H/MAV:P/MPR:X').environmentalScore,
      environmentalSeverity: cvssSeverity(scoreCvss31('CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H/E:F/RL:W/RC:R/CR:H/MAV:P/MPR:X').environmentalScore!),
    });
  });
});

describe('CVSS v4.0 vectors', () => {
  it('accepts the specification’s syntax and refuses others', () => {
    assert.equal(isCvss40Vector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), true);
    assert.equal(isCvss40Vector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/MSI:S/U:Amber'), true);
    assert.equal(isCvss40Vector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N'), false, 'SA missing');
    assert.equal(isCvss40Vector('CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), false, 'out of order');
    assert.equal(isCvss40Vector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), false);
  });
});
