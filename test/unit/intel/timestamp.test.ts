import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareTimestamps, isoToMicros, parseStixTimestamp, utcSeconds, type StixTimestamp } from '../../../src/intel/timestamp.js';

/** §2.16 as a regular expression (what the parser read before it read character codes): the reference to compare with. */
const REFERENCE_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

function reference(text: string): StixTimestamp | undefined {
  if (text.length > 64) return undefined;
  const m = REFERENCE_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > days) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const fraction = m[7] ?? '';
  const epochSeconds = utcSeconds(year, month, day, hour, minute, second);
  const ms = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return { text, epochSeconds, epochMs: epochSeconds * 1000 + ms, fraction };
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('STIX timestamps (§2.16)', () => {
  it('parses what the spec allows, with the exact fraction', () => {
    const t = parseStixTimestamp('2016-05-12T08:17:27.000123Z')!;
    assert.equal(t.epochSeconds, Date.UTC(2016, 4, 12, 8, 17, 27) / 1000);
    assert.equal(t.fraction, '000123');
    assert.equal(t.epochMs, Date.UTC(2016, 4, 12, 8, 17, 27));
    assert.equal(parseStixTimestamp('2016-05-12T08:17:27Z')!.fraction, '');
    assert.equal(parseStixTimestamp('2016-12-31T23:59:60Z')!.epochSeconds, Date.UTC(2017, 0, 1) / 1000, 'a leap second');
    assert.equal(parseStixTimestamp('2024-02-29T00:00:00.5Z')!.epochMs, Date.UTC(2024, 1, 29) + 500);
    assert.equal(isoToMicros('1970-01-01T00:00:01.0000019Z'), 1_000_001);
  });

  it('reads years 0000–0099 as those years, not 1900–1999', () => {
    const early = parseStixTimestamp('0050-03-01T12:00:00Z')!;
    assert.equal(new Date(early.epochMs).toISOString(), '0050-03-01T12:00:00.000Z');
    assert.equal(compareTimestamps(early, parseStixTimestamp('1950-03-01T12:00:00Z')!), -1);
    assert.equal(new Date(parseStixTimestamp('0000-02-29T23:59:59.999Z')!.epochMs).toISOString(), '0000-02-29T23:59:59.999Z');
    assert.equal(parseStixTimestamp('0100-02-29T00:00:00Z'), undefined, '100 is not a leap year');
  });

  it('refuses what the spec does not allow', () => {
    for (const bad of [
      '',
      '2016-05-12T08:17:27',
      '2016-05-12T08:17:27.Z',
      '2016-05-12T08:17:27.123+00:00',
      '2016-05-12 08:17:27Z',
      '2016-5-12T08:17:27Z',
      '2016-05-12T08:17Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2016-13-01T00:00:00Z',
      '2016-04-31T00:00:00Z',
      '2016-05-00T00:00:00Z',
      '2016-05-12T24:00:00Z',
      '2016-05-12T23:60:00Z',
      '2016-05-12T23:59:61Z',
      '２016-05-12T08:17:27Z',
      '2016-05-12T08:17:27.١Z',
      '2016-05-12t08:17:27Z',
      '2016-05-12T08:17:27z',
      `2016-05-12T08:17:27.${'1'.repeat(44)}Z`,
    ]) {
      assert.equal(parseStixTimestamp(bad), undefined, bad);
    }
    assert.notEqual(parseStixTimestamp(`2016-05-12T08:17:27.${'1'.repeat(43)}Z`), undefined, '64 characters');
  });

  it('agrees with the regular expression of §2.16 on 200,000 mutated timestamps', () => {
    const next = rng(20261126);
    const alphabet = '0123456789-T:.Z+ zt٣';
    let valid = 0;
    const seeds = ['2016-05-12T08:17:27.000Z', '2000-02-29T23:59:60Z', '1999-12-31T00:00:00.123456789Z', '2024-02-29T12:00:00.1Z'];
    for (let i = 0; i < 200_000; i++) {
      const chars = [...seeds[i % seeds.length]!];
      // Zero to three edits: a quarter stay as they are, and many edits keep the shape.
      for (let k = Math.floor(next() * 4) - 1; k >= 0; k--) {
        const at = Math.floor(next() * (chars.length + 1));
        const c = alphabet[Math.floor(next() * alphabet.length)]!;
        const op = next();
        if (op < 0.5) chars[at] = c;
        else if (op < 0.75) chars.splice(at, 0, c);
        else chars.splice(at, 1);
      }
      const text = chars.join('');
      const expected = reference(text);
      assert.deepEqual(parseStixTimestamp(text), expected, text);
      if (expected) valid++;
    }
    assert.ok(valid > 60_000 && valid < 140_000, `${valid} of 200,000 valid: both sides of the rule are exercised`);
  });

  it('orders by the exact fraction', () => {
    const a = parseStixTimestamp('2016-05-12T08:17:27.1Z')!;
    const b = parseStixTimestamp('2016-05-12T08:17:27.100000001Z')!;
    assert.equal(compareTimestamps(a, b), -1);
    assert.equal(compareTimestamps(a, parseStixTimestamp('2016-05-12T08:17:27.100Z')!), 0);
  });
});
