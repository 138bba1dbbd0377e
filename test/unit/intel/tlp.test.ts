import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntelError } from '../../../src/intel/errors.js';
import { validateStix } from '../../../src/intel/stix.js';
import {
  mostRestrictive, parseTlpLevel, TLP1_MARKING_IDS, TLP2_MARKING_IDS, tlpLevelOfMarking, tlpMarkingDefinition, tlpMarkingId, tlpMarkingsOf, tlpOf, TLP_LEVELS,
} from '../../../src/intel/tlp.js';
import { vectors } from './support.js';

describe('TLP marking definitions', () => {
  const doc = vectors<{ vectors: { source: string; level: string; object: Record<string, unknown> }[] }>('tlp-markings.json');
  for (const v of doc.vectors) {
    it(`${v.object.name as string} ${v.object.id as string} → ${v.level} (${v.source})`, () => {
      assert.equal(tlpLevelOfMarking(v.object.id as string), v.level);
      assert.deepEqual(validateStix(v.object).problems, []);
    });
  }

  it('builds each TLP 2.0 marking exactly as cti-stix-common-objects publishes it', () => {
    for (const v of doc.vectors.filter((x) => String(x.object.created).startsWith('2022'))) {
      assert.deepEqual(tlpMarkingDefinition(v.level as never), v.object);
    }
    for (const level of TLP_LEVELS) assert.equal(tlpMarkingId(level), TLP2_MARKING_IDS[level]);
  });

  it('reads level names, TLP 1.0 WHITE as CLEAR, and refuses others with TLP_UNKNOWN', () => {
    assert.equal(parseTlpLevel('TLP:AMBER+STRICT'), 'AMBER+STRICT');
    assert.equal(parseTlpLevel('amber'), 'AMBER');
    assert.equal(parseTlpLevel('white'), 'CLEAR');
    assert.throws(() => parseTlpLevel('purple'), (e: unknown) => e instanceof IntelError && e.code === 'TLP_UNKNOWN');
    assert.throws(() => tlpMarkingId('PURPLE' as never), (e: unknown) => e instanceof IntelError && e.code === 'TLP_UNKNOWN');
    assert.equal(tlpLevelOfMarking('marking-definition--4a0042fe-8b88-40fe-9600-dfa128ce6fbd'), undefined);
  });
});

describe('tlpOf', () => {
  const base = { type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' };

  it('maps TLP 1.0 and 2.0 object markings and falls back to the collection default', () => {
    assert.equal(tlpOf({ ...base, object_marking_refs: [TLP2_MARKING_IDS.GREEN] }, 'RED'), 'GREEN');
    assert.equal(tlpOf({ ...base, object_marking_refs: [TLP1_MARKING_IDS.WHITE] }, 'RED'), 'CLEAR');
    assert.equal(tlpOf({ ...base, object_marking_refs: [TLP1_MARKING_IDS.AMBER] }, 'CLEAR'), 'AMBER');
    assert.equal(tlpOf(base, 'AMBER'), 'AMBER');
    assert.equal(tlpOf({ ...base, object_marking_refs: ['marking-definition--4a0042fe-8b88-40fe-9600-dfa128ce6fbd'] }, 'GREEN'), 'GREEN');
    assert.equal(tlpOf('not an object', 'RED'), 'RED');
  });

  it('takes the most restrictive of several markings, granular ones included', () => {
    assert.equal(tlpOf({ ...base, object_marking_refs: [TLP2_MARKING_IDS.CLEAR, TLP2_MARKING_IDS['AMBER+STRICT'], TLP1_MARKING_IDS.GREEN] }, 'CLEAR'), 'AMBER+STRICT');
    const granular = { ...base, object_marking_refs: [TLP2_MARKING_IDS.GREEN], granular_markings: [{ selectors: ['pattern'], marking_ref: TLP2_MARKING_IDS.RED }, { selectors: ['name'], lang: 'en' }] };
    assert.equal(tlpOf(granular, 'CLEAR'), 'RED');
    assert.deepEqual(tlpMarkingsOf(granular), { object: 'GREEN', granular: [{ selectors: ['pattern'], level: 'RED' }] });
    assert.equal(mostRestrictive('CLEAR', 'AMBER'), 'AMBER');
    assert.equal(mostRestrictive('RED', 'AMBER'), 'RED');
  });
});
