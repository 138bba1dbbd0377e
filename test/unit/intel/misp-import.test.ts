import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { IntelError } from '../../../src/intel/errors.js';
import { exporter, objectTerms } from '../../../src/intel/export/index.js';
import { MISP_IMPORT_NAMESPACE, mispEventToStix, mispTime } from '../../../src/intel/misp-import.js';
import { validateStix, validateStixObject } from '../../../src/intel/stix.js';
import { deterministicScoId, uuidV5 } from '../../../src/intel/stix/deterministic-id.js';
import { TLP2_MARKING_IDS, tlpOf } from '../../../src/intel/tlp.js';
import { prng } from './support.js';

const FIXTURE = JSON.parse(readFileSync(new URL('./vectors/misp-event.json', import.meta.url), 'utf8')) as { source: string; event: { Event: Record<string, any> } };
const EVENT = FIXTURE.event;
const OPTS = { identityId: 'identity--b3a1b8d8-4a4c-4b8c-9a61-0f0e2a2c9d11', now: new Date('2024-04-01T00:00:00Z') };
const clone = <T>(v: T): T => structuredClone(v);
const BUNDLE = 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d';

function convert(input: unknown = EVENT, opts: Partial<typeof OPTS> & Record<string, unknown> = {}) {
  return mispEventToStix(input, { ...OPTS, ...opts });
}

/** The values an equality pattern compares with, read back through the pattern parser (ISSUBSET on an address counting as one). */
function patternValues(pattern: unknown): unknown[] {
  return (objectTerms({ type: 'indicator', pattern, pattern_type: 'stix' })?.terms ?? []).map((t) => t.value);
}

function eventWith(attributes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Event: { uuid: '6a0e6c1e-1d3b-4b0e-9a55-7b7e1d3c2b10', info: 'Test event', date: '2024-03-14', timestamp: '1710433200', distribution: '1', Attribute: attributes, ...extra } };
}

const attr = (type: string, value: unknown, extra: Record<string, unknown> = {}) => ({ type, value, to_ids: true, uuid: '0b7c1a52-7f3e-4c8e-9d3b-2a1f0e9d8c7b', timestamp: '1710433000', ...extra });

describe('MISP import: a realistic event', () => {
  const { objects, problems } = convert();
  const byType = (t: string) => objects.filter((o) => o.type === t);
  const indicatorFor = (value: string) => byType('indicator').find((o) => o.pattern_type === 'stix' && patternValues(o.pattern).includes(value));

  it('converts without problems, and every object is valid STIX (deterministic SCO ids checked)', () => {
    assert.deepEqual(problems, []);
    for (const o of objects) assert.deepEqual(validateStixObject(o).problems, [], String(o.id));
    assert.deepEqual(validateStix({ type: 'bundle', id: BUNDLE, objects }).problems, []);
    assert.equal(new Set(objects.map((o) => o.id)).size, objects.length);
  });

  it('makes an indicator and its SCO for a to_ids attribute, the SCO alone otherwise', () => {
    const ind = indicatorFor('198.51.100.23');
    assert.equal(ind?.pattern, "[ipv4-addr:value = '198.51.100.23']");
    assert.equal(ind?.description, 'C2 server');
    assert.equal(ind?.created_by_ref, OPTS.identityId);
    assert.equal(ind?.valid_from, '2024-03-14T16:16:40.000Z');
    const ip = objects.find((o) => o.value === '198.51.100.23');
    assert.equal(ip?.id, deterministicScoId({ type: 'ipv4-addr', value: '198.51.100.23' }));
    assert.ok(objects.some((o) => o.type === 'ipv6-addr' && o.value === '2001:db8::5'));
    assert.equal(indicatorFor('2001:db8::5'), undefined);
    assert.ok(objects.some((o) => o.type === 'file' && o.name === 'invoice.pdf.exe'));
    assert.ok(objects.some((o) => o.type === 'autonomous-system' && o.number === 64496));
  });

  it('escapes quotes and backslashes in pattern literals so the values come back exactly', () => {
    for (const v of [`http://evil.example.com/invoice.php?id='1'&q="x"`, 'http://evil.example.com/dl\\payload.bin', "Global\\EvilMutex'1"]) {
      assert.ok(indicatorFor(v), v);
    }
    assert.equal(indicatorFor("Global\\EvilMutex'1")?.pattern, "[mutex:name = 'Global\\\\EvilMutex\\'1']");
  });

  it('writes CIDR blocks with ISSUBSET, ports and resolutions as AND-ed comparisons', () => {
    assert.equal(indicatorFor('203.0.113.0/24')?.pattern, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']");
    assert.ok(byType('indicator').some((o) => o.pattern === "[network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:dst_port = 8443]"));
    assert.ok(byType('indicator').some((o) => o.pattern === "[domain-name:value = 'evil.example.net' AND domain-name:resolves_to_refs[*].value = '192.0.2.44']"));
    const d = objects.find((o) => o.value === 'evil.example.net');
    assert.deepEqual(d?.resolves_to_refs, [deterministicScoId({ type: 'ipv4-addr', value: '192.0.2.44' })]);
  });

  it('lower-cases hex hashes and reads first_seen/last_seen with their offsets', () => {
    assert.equal(indicatorFor('8c578499030b28881402851a38f651f182d4de82a26926f4f54e1aa2ec982047')?.pattern, "[file:hashes.'SHA-256' = '8c578499030b28881402851a38f651f182d4de82a26926f4f54e1aa2ec982047']");
    const dl = indicatorFor('http://evil.example.com/dl\\payload.bin');
    assert.equal(dl?.valid_from, '2024-03-01T08:00:00.123Z');
    assert.equal(dl?.valid_until, '2024-03-19T23:00:00.000Z');
  });

  it('maps tlp tags to TLP 2.0 markings (the stricter of event and attribute) and other tags to labels', () => {
    const amber = [TLP2_MARKING_IDS.AMBER];
    assert.deepEqual(indicatorFor('198.51.100.23')?.object_marking_refs, amber);
    assert.deepEqual(indicatorFor('evil.example.com')?.object_marking_refs, [TLP2_MARKING_IDS.RED]);
    assert.deepEqual(objects.find((o) => o.value === 'evil.example.com')?.object_marking_refs, [TLP2_MARKING_IDS.RED]);
    assert.deepEqual(indicatorFor('evil.example.com')?.labels, ['kill-chain:Command and Control']);
    for (const o of objects) {
      assert.ok(tlpOf(o, 'CLEAR') === 'AMBER' || tlpOf(o, 'CLEAR') === 'RED', String(o.id));
      for (const l of (o.labels as string[] | undefined) ?? []) assert.doesNotMatch(l, /^tlp:/i);
    }
  });

  it('makes the event a report that refers to everything it produced', () => {
    const [report] = byType('report');
    assert.equal(report?.id, `report--${uuidV5(MISP_IMPORT_NAMESPACE, 'report|5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b')}`);
    assert.equal(report?.name, 'Phishing campaign "Invoice" delivering a loader');
    assert.deepEqual(new Set(report?.object_refs as string[]), new Set(objects.filter((o) => o.type !== 'report').map((o) => o.id)));
    assert.equal(report?.created, '2024-03-14T00:00:00.000Z');
    assert.equal(report?.modified, '2024-03-14T16:20:00.000Z');
    assert.equal(report?.published, '2024-03-14T17:20:00.000Z');
    assert.deepEqual(report?.labels, ['misp-galaxy:threat-actor="Example Spider"', 'type:OSINT']);
    assert.deepEqual(report?.external_references, [
      { source_name: 'misp', external_id: '5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b', description: 'MISP event of CIRCL' },
      { source_name: 'misp-link', url: 'https://blog.example.org/2024/03/invoice-loader' },
    ]);
  });

  it('converts rules, vulnerabilities and objects; ignores text and deleted attributes', () => {
    const rule = byType('indicator').find((o) => o.pattern_type === 'yara');
    assert.equal(rule?.name, 'loader strings');
    assert.equal('pattern_version' in (rule ?? {}), false);
    assert.deepEqual(byType('vulnerability').map((o) => [o.name, o.external_references]), [['CVE-2023-12345', [{ source_name: 'cve', external_id: 'CVE-2023-12345' }]]]);
    const dll = objects.find((o) => o.type === 'file' && o.name === 'loader.dll');
    assert.deepEqual(dll?.hashes, { MD5: '2a0791f4c26dce8872037b993a29714d', 'SHA-256': '85c63cfe133f096280fd3b225541ee052406ffe3bbcefd8eb6be8f512495346e' });
    assert.equal(dll?.size, 48128);
    assert.equal(indicatorFor('2a0791f4c26dce8872037b993a29714d')?.pattern, "[file:hashes.MD5 = '2a0791f4c26dce8872037b993a29714d' OR file:hashes.'SHA-256' = '85c63cfe133f096280fd3b225541ee052406ffe3bbcefd8eb6be8f512495346e']");
    assert.ok(indicatorFor('cdn.evil.example'));
    assert.ok(indicatorFor('192.0.2.80'));
    assert.equal(JSON.stringify(objects).includes('192.0.2.200'), false);
    assert.equal(JSON.stringify(objects).includes('energy sector'), false);
  });

  it('gives the same ids on re-import, whatever the clock says', () => {
    const again = convert(EVENT, { now: new Date('2030-01-01T00:00:00Z') });
    assert.deepEqual(again.objects, objects);
    const other = clone(EVENT);
    other.Event.uuid = '7b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    assert.notEqual(convert(other).objects.find((o) => o.type === 'report')?.id, byType('report')[0]?.id);
  });
});

describe('MISP import: input shapes and TLP rules', () => {
  const ip = attr('ip-dst', '198.51.100.7');

  it('accepts {"Event": …}, the bare event, a list of them, and a feed response', () => {
    const one = convert(eventWith([ip])).objects;
    assert.equal(one.length, 3);
    assert.deepEqual(convert(eventWith([ip]).Event).objects, one);
    assert.deepEqual(convert([eventWith([ip])]).objects, one);
    const second = eventWith([attr('domain', 'two.example', { uuid: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' })], { uuid: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a' });
    const feed = convert({ response: [eventWith([ip]), second] });
    assert.deepEqual(feed.problems, []);
    assert.equal(feed.objects.filter((o) => o.type === 'report').length, 2);
    assert.deepEqual(convert({ Event: [eventWith([ip]).Event] }).objects, one);
  });

  it('marks distribution 0 without a TLP tag AMBER+STRICT, and nothing by default', () => {
    const strict = convert(eventWith([ip], { distribution: '0' })).objects;
    for (const o of strict) assert.deepEqual(o.object_marking_refs, [TLP2_MARKING_IDS['AMBER+STRICT']]);
    const green = convert(eventWith([ip], { distribution: 0, Tag: [{ name: 'TLP:GREEN' }] })).objects;
    for (const o of green) assert.deepEqual(o.object_marking_refs, [TLP2_MARKING_IDS.GREEN]);
    for (const o of convert(eventWith([ip])).objects) assert.equal('object_marking_refs' in o, false);
    const attrOnly = convert(eventWith([{ ...ip, distribution: '0' }])).objects;
    assert.deepEqual(attrOnly.find((o) => o.type === 'indicator')?.object_marking_refs, [TLP2_MARKING_IDS['AMBER+STRICT']]);
    assert.equal('object_marking_refs' in (attrOnly.find((o) => o.type === 'report') ?? {}), false);
  });

  it('reads tlp:white as CLEAR, keeps tlp:ex:* as a label, and an SCO seen twice takes the stricter TLP', () => {
    const r = convert(eventWith([
      { ...ip, Tag: [{ name: 'tlp:white' }, { name: 'tlp:ex:chr' }] },
      { ...ip, uuid: '3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b', to_ids: false, Tag: [{ name: 'tlp:amber+strict' }] },
    ]));
    const ind = r.objects.find((o) => o.type === 'indicator');
    assert.deepEqual(ind?.object_marking_refs, [TLP2_MARKING_IDS.CLEAR]);
    assert.deepEqual(ind?.labels, ['tlp:ex:chr']);
    assert.deepEqual(r.objects.find((o) => o.type === 'ipv4-addr')?.object_marking_refs, [TLP2_MARKING_IDS['AMBER+STRICT']]);
    assert.equal(r.objects.filter((o) => o.type === 'ipv4-addr').length, 1);
  });

  it('derives stable ids when MISP uuids are missing, and says so for the event', () => {
    const ev = eventWith([{ type: 'domain', value: 'nouuid.example', to_ids: true }], { uuid: undefined });
    const a = convert(ev);
    assert.deepEqual(a.problems.map((p) => p.path), ['/Event/uuid']);
    assert.deepEqual(convert(ev).objects, a.objects);
    for (const o of a.objects) assert.equal(validateStixObject(o).valid, true);
  });

  it('reads MISP times: unix seconds, dates, ISO 8601 with offsets and microseconds', () => {
    assert.equal(mispTime('1710433200'), '2024-03-14T16:20:00.000Z');
    assert.equal(mispTime(1710433200), '2024-03-14T16:20:00.000Z');
    assert.equal(mispTime('2024-03-14'), '2024-03-14T00:00:00.000Z');
    assert.equal(mispTime('2024-03-14T10:00:00.123456+02:00'), '2024-03-14T08:00:00.123Z');
    assert.equal(mispTime('2024-03-14 10:00:00'), '2024-03-14T10:00:00.000Z');
    assert.equal(mispTime('2024-03-14T10:00:00-0530'), '2024-03-14T15:30:00.000Z');
    for (const bad of ['0', 0, '2023-02-29', '2024-13-01', 'yesterday', '1e9', -5, 1.5, null, {}, '9'.repeat(13), '2024-03-14T25:00:00Z', '1969-12-31']) {
      assert.equal(mispTime(bad), undefined, String(bad));
    }
  });
});

describe('MISP import: hostile input', () => {
  it('throws IntelError STIX_INVALID only for input that is not a JSON object or list', () => {
    for (const v of [null, undefined, 'x', 42, true]) {
      assert.throws(() => mispEventToStix(v, OPTS), (e: unknown) => e instanceof IntelError && e.code === 'STIX_INVALID');
    }
    assert.throws(() => convert(EVENT, { identityId: 'report--b3a1b8d8-4a4c-4b8c-9a61-0f0e2a2c9d11' }), (e: unknown) => e instanceof IntelError);
  });

  it('reports wrong types with their JSON pointer instead of throwing', () => {
    const r = convert(eventWith([
      'not an object',
      { type: 42, value: 'x' },
      { type: 'ip-dst', value: { nested: true } },
      attr('ip-dst', '300.1.2.3'),
      attr('md5', 'not-a-hash'),
      attr('ip-dst|port', '198.51.100.1|99999'),
      attr('x-unknown-type', 'x'),
      attr('domain', 'bad domain.example'),
      attr('user-agent', 'curl/8', { to_ids: false }),
      { ...attr('domain', 'tags.example'), Tag: 'tlp:red' },
      attr('stix2-pattern', "[ipv4-addr:value = '1.2.3.4'"),
    ], { Object: 'nope', Tag: [{ name: 7 }] }));
    assert.deepEqual(r.problems.map((p) => p.path), [
      '/Event/Tag/0',
      '/Event/Attribute/0',
      '/Event/Attribute/1/type',
      '/Event/Attribute/2/value',
      '/Event/Attribute/3/value',
      '/Event/Attribute/4/value',
      '/Event/Attribute/5/value',
      '/Event/Attribute/6/value',
      '/Event/Attribute/7/value',
      '/Event/Attribute/8',
      '/Event/Attribute/9/Tag',
      '/Event/Attribute/10/value',
      '/Event/Object',
    ]);
    for (const o of r.objects) assert.equal(validateStixObject(o).valid, true);
    assert.ok(r.objects.some((o) => o.value === 'tags.example'));
  });

  it('refuses huge values, ignores deep nesting it does not need, and bounds attributes, events and problems', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) {
      const next = {};
      deep.x = next;
      deep = next;
    }
    const r = convert(eventWith([attr('url', `http://a.example/${'a'.repeat(40_000)}`), { ...attr('domain', 'ok.example'), extra: root }], { Galaxy: root }));
    assert.deepEqual(r.problems.map((p) => p.path), ['/Event/Attribute/0/value']);
    assert.ok(r.objects.some((o) => o.value === 'ok.example'));

    const many = Array.from({ length: 50 }, (_, i) => attr('ip-dst', `198.51.100.${i}`, { uuid: `0b7c1a52-7f3e-4c8e-9d3b-${String(i).padStart(12, '0')}` }));
    const capped = convert(eventWith(many), { maxAttributes: 10 });
    assert.equal(capped.objects.filter((o) => o.type === 'indicator').length, 10);
    assert.deepEqual(capped.problems.map((p) => p.path), ['/Event/Attribute/10']);

    const events = convert(Array.from({ length: 5 }, () => eventWith([])), { maxEvents: 2 });
    assert.ok(events.problems.some((p) => p.path === '/2' && /more than 2 events/.test(p.message)));

    const noisy = convert(eventWith(Array.from({ length: 50 }, () => 'x')), { maxProblems: 5 });
    assert.equal(noisy.problems.length, 6);
  });

  it('never throws and only returns valid STIX, whatever part of a real event is replaced (fuzz)', () => {
    const rand = prng(20240314);
    const junk: unknown[] = [null, 42, -1, 1.5, 'x', '', [], {}, true, 'A'.repeat(70_000), '\u0000\n\t', '99999999999999', [{ name: 'tlp:red' }], { name: 'tlp:ex:x' }, '1|2|3', "'\\", { toString: 1, valueOf: 1 }];
    for (let round = 0; round < 200; round++) {
      const doc = clone(EVENT) as unknown as Record<string, unknown>;
      // Collect every (parent, key) slot, then overwrite a few of them.
      const slots: [Record<string, unknown> | unknown[], string | number][] = [];
      const stack: unknown[] = [doc];
      while (stack.length > 0) {
        const v = stack.pop();
        if (Array.isArray(v)) v.forEach((x, i) => { slots.push([v, i]); stack.push(x); });
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { slots.push([v as Record<string, unknown>, k]); stack.push(x); }
      }
      for (let k = 0; k < 1 + rand.int(3); k++) {
        const [parent, key] = rand.pick(slots);
        (parent as any)[key] = rand.pick(junk);
      }
      const r = convert(doc);
      for (const o of r.objects) assert.deepEqual(validateStixObject(o).problems, [], `round ${round}: ${JSON.stringify(o).slice(0, 200)}`);
      for (const p of r.problems) assert.equal(typeof p.path, 'string');
    }
  });
});

describe('round trips', () => {
  const { objects } = convert();
  const meta = (o: Record<string, unknown>) => ({ tlp: tlpOf(o, 'GREEN'), date_added: '2024-04-01T00:00:00.000Z' });
  const write = (format: 'stix' | 'misp') => {
    const e = exporter(format, { bundleId: BUNDLE, now: OPTS.now });
    return e.header() + objects.map((o) => e.line(o, meta(o))).join('') + e.footer();
  };

  it('MISP event → STIX → STIX export: the bundle validates', () => {
    const bundle = JSON.parse(write('stix'));
    assert.deepEqual(validateStix(bundle).problems, []);
    assert.deepEqual(bundle.objects.slice(0, objects.length), objects);
  });

  it('MISP event → STIX → MISP export: the attribute values come back, to_ids ones as to_ids', () => {
    const out = JSON.parse(write('misp')).Event;
    const exported = out.Attribute as { value: string; to_ids: boolean }[];
    const simple = new Set(['ip-src', 'ip-dst', 'domain', 'hostname', 'url', 'md5', 'sha1', 'sha256', 'email-src', 'filename', 'mutex']);
    const source = [...EVENT.Event.Attribute, ...EVENT.Event.Object.flatMap((o: any) => o.Attribute)].filter((a: any) => !a.deleted && simple.has(a.type));
    assert.ok(source.length >= 15);
    for (const a of source) {
      const value = /^(md5|sha1|sha256)$/.test(a.type) ? a.value.toLowerCase() : a.value;
      assert.ok(exported.some((x) => x.value === value), `${a.type} ${value} did not come back`);
      if (a.to_ids) assert.ok(exported.some((x) => x.value === value && x.to_ids), `${a.type} ${value} lost to_ids`);
    }
    assert.ok(exported.some((x) => x.value === "[network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:dst_port = 8443]"));
    assert.deepEqual(out.Tag, [{ name: 'tlp:red' }]);
  });
});
