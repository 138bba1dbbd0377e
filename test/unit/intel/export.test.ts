import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EXPORT_FORMATS, exporter, exportFileExtension, isExportFormat, objectTerms, splitHttpUrl, suricataContent, suricataMsg, zeekField,
  type ExportFormat, type ExportOptions,
} from '../../../src/intel/export/index.js';
import { validateStix } from '../../../src/intel/stix.js';
import { deterministicScoId } from '../../../src/intel/stix/deterministic-id.js';
import { TLP2_MARKING_IDS, tlpOf, type TlpLevel } from '../../../src/intel/tlp.js';

// ---------------------------------------------------------------------------
// Fixtures: realistic indicators, observables, and hostile names and values.

const id = (type: string, n: number): string => `${type}--0d1f0e3c-5b6a-4c7d-8e9f-${String(n).padStart(12, '0')}`;
const MD5 = '93b237f85d608ff37d98a3a79943b3b0';
const SHA256 = '8c578499030b28881402851a38f651f182d4de82a26926f4f54e1aa2ec982047';
const AMBER = TLP2_MARKING_IDS.AMBER;
const RED = TLP2_MARKING_IDS.RED;

function indicator(n: number, pattern: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator', spec_version: '2.1', id: id('indicator', n), created: '2024-03-01T10:00:00.000Z', modified: '2024-03-02T10:00:00.000Z',
    name: `indicator ${n}`, indicator_types: ['malicious-activity'], pattern, pattern_type: 'stix', pattern_version: '2.1', valid_from: '2024-03-01T10:00:00Z',
    object_marking_refs: [AMBER], ...extra,
  };
}

function sco(props: Record<string, unknown>): Record<string, unknown> {
  return { type: props.type, spec_version: '2.1', id: deterministicScoId(props), ...props };
}

const INJECT_NAME = 'x"; sid:1; rev:1;) \nalert ip any any -> any any (msg:"pwned\\';
const HOSTILE_URL = 'http://evil.example/x";)\nalert ip any any -> any any (sid:1;)|00|';

const ipv4 = indicator(1, "[ipv4-addr:value = '198.51.100.1']", { name: 'C2 address', labels: ['c2', 'botnet'], confidence: 80, valid_until: '2030-01-01T00:00:00Z' });
const domain = indicator(2, "[domain-name:value = 'evil.example.com']", { name: 'Phishing domain', object_marking_refs: [RED] });
const quotedUrl = indicator(3, `[url:value = 'http://evil.example.com/a?b=\\'c\\'&d="e";f|g']`, { name: 'Landing page' });
const hashes = indicator(4, `[file:hashes.MD5 = '${MD5}' OR file:hashes.'SHA-256' = '${SHA256}']`, { name: 'Loader' });
const orPattern = indicator(5, "[ipv4-addr:value = '203.0.113.5' OR ipv4-addr:value = '203.0.113.6'] OR [domain-name:value IN ('a.example', 'b.example')]", { name: 'Fast flux' });
const nonEquality = indicator(6, "[network-traffic:dst_port > 1024 AND network-traffic:protocols[*] = 'tcp']", { name: 'High ports' });
const cidr = indicator(7, "[ipv4-addr:value ISSUBSET '192.0.2.0/24']", { name: 'Hosting range' });
const everything = indicator(8, "[ipv4-addr:value ISSUBSET '0.0.0.0/0']", { name: 'Everything' });
const injectName = indicator(9, "[domain-name:value = 'evil.example.org']", { name: INJECT_NAME });
const injectUrl = indicator(10, `[url:value = '${HOSTILE_URL.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`, { name: 'Hostile URL' });
const injectDomain = indicator(11, `[domain-name:value = 'evil.example"; content:"x']`, { name: 'Not a domain' });
const formula = indicator(12, `[file:name = '=HYPERLINK("http://x","y")' OR file:name = '#fields\tindicator\n-']`, { name: 'Formula\tname', labels: ['+cmd|/c calc', 'tlp:clear'] });
const revoked = indicator(13, "[ipv4-addr:value = '198.51.100.99']", { revoked: true });
const yara = indicator(14, 'rule x { strings: $a = "evil" condition: $a }', { pattern_type: 'yara', pattern_version: undefined, name: 'YARA rule' });
const expired = indicator(15, "[ipv4-addr:value = '198.51.100.77']", { valid_until: '2024-03-05T00:00:00Z' });
const ipSco = sco({ type: 'ipv4-addr', value: '198.51.100.2' });
const fileSco = sco({ type: 'file', name: 'loader.dll', hashes: { MD5, 'SHA-256': SHA256 } });
const identity = { type: 'identity', spec_version: '2.1', id: id('identity', 1), created: '2024-03-01T10:00:00.000Z', modified: '2024-03-01T10:00:00.000Z', name: 'ACME CERT', identity_class: 'organization' };
const relationship = {
  type: 'relationship', spec_version: '2.1', id: id('relationship', 1), created: '2024-03-01T10:00:00.000Z', modified: '2024-03-01T10:00:00.000Z',
  relationship_type: 'related-to', source_ref: ipv4.id, target_ref: domain.id,
};

const ALL: Record<string, unknown>[] = [
  ipv4, domain, quotedUrl, hashes, orPattern, nonEquality, cidr, everything, injectName, injectUrl, injectDomain, formula, revoked, yara, expired, ipSco, fileSco, identity, relationship,
];

const NOW = new Date('2024-04-01T00:00:00Z');

function run(format: ExportFormat, objects: Record<string, unknown>[] = ALL, options: ExportOptions = {}): string {
  const e = exporter(format, options);
  let out = e.header();
  for (const o of objects) out += e.line(o, { tlp: tlpOf(o, 'GREEN'), date_added: '2024-03-03T00:00:00.000Z' });
  return out + e.footer();
}

// ---------------------------------------------------------------------------

describe('export: terms of an object', () => {
  it('compiles a disjunction of equalities (OR, IN, OR-ed observations) to one term per value', () => {
    const t = objectTerms(orPattern);
    assert.equal(t?.source, 'indicator');
    assert.deepEqual(t?.terms.map((x) => [x.kind, x.value]), [['ipv4', '203.0.113.5'], ['ipv4', '203.0.113.6'], ['domain', 'a.example'], ['domain', 'b.example']]);
  });

  it('reads ISSUBSET on an address as the network, with its prefix', () => {
    assert.deepEqual(objectTerms(cidr)?.terms.map((x) => [x.kind, x.value, x.prefix]), [['ipv4-net', '192.0.2.0/24', 24]]);
  });

  it('says why an indicator has no terms', () => {
    assert.equal(objectTerms(nonEquality)?.unsupported, 'pattern-shape');
    assert.equal(objectTerms(yara)?.unsupported, 'pattern-type');
    assert.equal(objectTerms(indicator(99, '[ipv4-addr:value = '))?.unsupported, 'pattern-invalid');
  });

  it('lists an SCO\'s values and hashes; nothing for SDOs and SROs', () => {
    assert.deepEqual(objectTerms(fileSco)?.terms.map((x) => [x.kind, x.pathText, x.value]), [['filename', 'name', 'loader.dll'], ['md5', 'hashes.MD5', MD5], ['sha256', "hashes.'SHA-256'", SHA256]]);
    assert.equal(objectTerms(identity), undefined);
    assert.equal(objectTerms(relationship), undefined);
  });

  it('does not call a malformed hash a hash', () => {
    const t = objectTerms({ type: 'file', id: 'file--x', hashes: { MD5: 'not-hex' } });
    assert.deepEqual(t?.terms.map((x) => x.kind), [undefined]);
  });
});

describe('export: stix', () => {
  const BUNDLE = 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d';

  it('writes a bundle that validates, with every object unchanged and the TLP 2.0 markings it references', () => {
    const out = run('stix', ALL, { bundleId: BUNDLE });
    const bundle = JSON.parse(out);
    assert.deepEqual(validateStix(bundle).problems, []);
    assert.equal(bundle.id, BUNDLE);
    assert.deepEqual(bundle.objects.slice(0, ALL.length), ALL.map((o) => JSON.parse(JSON.stringify(o))));
    const markings = bundle.objects.slice(ALL.length).map((o: any) => o.id).sort();
    assert.deepEqual(markings, [AMBER, RED].sort());
  });

  it('keeps the non-equality indicator that other formats skip', () => {
    assert.ok(JSON.parse(run('stix')).objects.some((o: any) => o.id === nonEquality.id));
  });

  it('writes an empty bundle without an objects property (§8: no empty lists)', () => {
    const bundle = JSON.parse(run('stix', []));
    assert.equal('objects' in bundle, false);
    assert.deepEqual(validateStix(bundle).problems, []);
    assert.match(bundle.id, /^bundle--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('does not repeat a marking definition the stream already carried, and can leave them out', () => {
    const amberDef = JSON.parse(run('stix', [ipv4])).objects[1];
    const withDef = JSON.parse(run('stix', [amberDef, ipv4]));
    assert.equal(withDef.objects.length, 2);
    assert.equal(JSON.parse(run('stix', [ipv4], { includeTlpMarkings: false })).objects.length, 1);
  });
});

/** RFC 4180 reader for the tests. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
    i++;
  }
  assert.equal(quoted, false, 'unterminated quote');
  assert.equal(cell, '', 'last row not terminated by CRLF');
  return rows;
}

describe('export: csv', () => {
  const rows = parseCsv(run('csv'));
  const header = rows[0] as string[];
  const body = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])) as Record<string, string>);

  it('has the documented columns and the same number of cells in every row', () => {
    assert.deepEqual(header, ['type', 'value', 'stix_id', 'object_type', 'tlp', 'labels', 'valid_from', 'valid_until', 'date_added', 'confidence']);
    for (const r of rows) assert.equal(r.length, header.length);
  });

  it('writes one row per equality term and per observable value', () => {
    assert.deepEqual(body.filter((r) => r.stix_id === orPattern.id).map((r) => `${r.type}=${r.value}`), ['ipv4=203.0.113.5', 'ipv4=203.0.113.6', 'domain=a.example', 'domain=b.example']);
    const ip = body.find((r) => r.stix_id === ipv4.id) as Record<string, string>;
    assert.deepEqual(ip, {
      type: 'ipv4', value: '198.51.100.1', stix_id: ipv4.id, object_type: 'indicator', tlp: 'AMBER', labels: 'c2;botnet',
      valid_from: '2024-03-01T10:00:00Z', valid_until: '2030-01-01T00:00:00Z', date_added: '2024-03-03T00:00:00.000Z', confidence: '80',
    });
    assert.deepEqual(body.filter((r) => r.stix_id === fileSco.id).map((r) => `${r.type}=${r.value}`), ['filename=loader.dll', `md5=${MD5}`, `sha256=${SHA256}`]);
    assert.equal(body.find((r) => r.stix_id === ipSco.id)?.valid_from, '');
    assert.equal(body.find((r) => r.stix_id === domain.id)?.tlp, 'RED');
  });

  it('quotes per RFC 4180: quotes, commas and newlines survive', () => {
    assert.equal(body.find((r) => r.stix_id === quotedUrl.id)?.value, `http://evil.example.com/a?b='c'&d="e";f|g`);
    assert.equal(body.find((r) => r.stix_id === injectUrl.id)?.value, HOSTILE_URL);
  });

  it('neutralises formula injection with a leading quote', () => {
    const f = body.filter((r) => r.stix_id === formula.id);
    assert.equal(f[0]?.value, `'=HYPERLINK("http://x","y")`);
    assert.equal(f[0]?.labels, `'+cmd|/c calc;tlp:clear`);
    for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
  });

  it('skips non-equality patterns, other pattern types, revoked objects, SDOs and SROs', () => {
    for (const o of [nonEquality, yara, revoked, identity, relationship]) assert.equal(body.some((r) => r.stix_id === o.id), false, String(o.id));
  });
});

/** Splits a Suricata rule into action, header and options, honouring quotes and backslash escapes; throws on anything else. */
function parseRule(line: string): { header: string; options: [string, string | undefined][] } {
  const m = /^alert (ip|dns|http) ([^()"]+) \((.*)\)$/.exec(line);
  assert.ok(m, `not a rule: ${line}`);
  const body = m[3] as string;
  const options: [string, string | undefined][] = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ') i++;
    const key = /^[a-z0-9._]+/.exec(body.slice(i))?.[0];
    assert.ok(key, `option name expected at ${i} in ${line}`);
    i += key.length;
    let value: string | undefined;
    if (body[i] === ':') {
      i++;
      if (body[i] === '"') {
        i++;
        value = '';
        while (body[i] !== '"') {
          assert.ok(i < body.length, `unterminated string in ${line}`);
          if (body[i] === '\\') i++;
          assert.notEqual(body[i], undefined);
          value += body[i];
          i++;
        }
        i++;
      } else {
        const end = body.indexOf(';', i);
        value = body.slice(i, end);
        assert.doesNotMatch(value, /["()]/);
        i = end;
      }
    }
    assert.equal(body[i], ';', `';' expected after ${key} in ${line}`);
    i++;
    options.push([key, value]);
  }
  return { header: `${m[1]} ${m[2]}`, options };
}

describe('export: suricata', () => {
  const out = run('suricata');
  const lines = out.split('\n').filter((l) => l !== '');
  const rules = lines.filter((l) => !l.startsWith('#')).map((l) => ({ line: l, ...parseRule(l) }));
  const rulesOf = (o: Record<string, unknown>) => rules.filter((r) => r.options.some(([k, v]) => k === 'metadata' && v?.includes(String(o.id))));
  const opt = (r: { options: [string, string | undefined][] }, k: string) => r.options.filter(([key]) => key === k).map(([, v]) => v);

  it('writes only comments and well-formed rules, one sid each, msg first, metadata last', () => {
    for (const r of rules) {
      assert.equal(r.options[0]?.[0], 'msg');
      assert.equal(opt(r, 'sid').length, 1);
      assert.equal(r.options.at(-1)?.[0], 'metadata');
      for (const [k] of r.options) assert.ok(['msg', 'sid', 'rev', 'metadata', 'dns.query', 'content', 'nocase', 'bsize', 'flow', 'http.host', 'http.uri'].includes(k), k);
    }
    assert.ok(lines.every((l) => l.startsWith('#') || l.startsWith('alert ')));
  });

  it('writes ip, dns and http rules for addresses, networks, domains and URLs', () => {
    assert.equal(rulesOf(ipv4)[0]?.header, 'ip any any <> 198.51.100.1 any');
    assert.equal(rulesOf(cidr)[0]?.header, 'ip any any <> 192.0.2.0/24 any');
    const d = rulesOf(domain)[0];
    assert.deepEqual(d?.options.slice(1, 5), [['dns.query', undefined], ['content', 'evil.example.com'], ['nocase', undefined], ['bsize', '16']]);
    assert.match(opt(d!, 'metadata')[0] ?? '', /^stix_id indicator--\S+, tlp red$/);
    assert.equal(rulesOf(orPattern).length, 4);
    const u = rulesOf(quotedUrl)[0];
    assert.deepEqual(opt(u!, 'content'), ['evil.example.com', `/a?b='c'&d=|22|e|22 3B|f|7C|g`]);
  });

  it('keeps user content from injecting rule syntax', () => {
    // The name is flattened to one line and comes back intact through the msg parser.
    const n = rulesOf(injectName);
    assert.equal(n.length, 1);
    assert.equal(opt(n[0]!, 'msg')[0], `ACCORD ${INJECT_NAME.replace(/\s+/g, ' ')} [domain]`);
    const u = rulesOf(injectUrl);
    assert.equal(u.length, 1);
    assert.deepEqual(opt(u[0]!, 'content')[1], '/x|22 3B 29 0A|alert|20|ip|20|any|20|any|20|-|3E 20|any|20|any|20 28|sid|3A|1|3B 29 7C|00|7C|');
    assert.equal(rulesOf(injectDomain).length, 0);
    assert.equal(rules.filter((r) => opt(r, 'sid')[0] === '1').length, 0);
  });

  it('skips what it cannot express: non-equality patterns, hashes (noted), file names, yara, revoked, observables, networks wider than /8', () => {
    for (const o of [nonEquality, hashes, formula, yara, revoked, ipSco, fileSco, everything]) assert.equal(rulesOf(o).length, 0, String(o.name ?? o.id));
    assert.ok(lines.includes(`# accord: filemd5 list entry (no rule; filemd5/filesha1/filesha256 need a hash list file): ${MD5} ${hashes.id}`));
    assert.ok(lines.some((l) => l.startsWith('#') && l.includes(String(everything.id)) && l.includes('wider than /8')));
    assert.equal(out.includes(String(nonEquality.id)), false);
    assert.ok(lines.at(-1)?.startsWith(`# ${rules.length} rules`));
  });

  it('gives stable, distinct sids from 9,000,000 up, or from the sidBase given', () => {
    const sids = rules.map((r) => Number(opt(r, 'sid')[0]));
    assert.equal(new Set(sids).size, sids.length);
    for (const s of sids) assert.ok(s >= 9_000_000 && s < 9_000_000 + 2 ** 31);
    assert.equal(run('suricata'), out);
    // Order does not matter for a sid (barring a collision).
    const alone = parseRule(run('suricata', [domain]).split('\n')[1] as string);
    assert.deepEqual(opt(alone, 'sid'), opt(rulesOf(domain)[0]!, 'sid'));
    const shifted = parseRule(run('suricata', [domain], { sidBase: 100 }).split('\n')[1] as string);
    assert.equal(Number(opt(shifted, 'sid')[0]) - 100, Number(opt(alone, 'sid')[0]) - 9_000_000);
    assert.throws(() => exporter('suricata', { sidBase: 2 ** 32 }), RangeError);
  });

  it('skips expired indicators when told the time', () => {
    assert.equal(rulesOf(expired).length, 1);
    assert.equal(run('suricata', [expired], { now: NOW }).includes('alert'), false);
  });

  it('escapes msg and content text', () => {
    assert.equal(suricataMsg('a;b"c\\d\r\ne\u2028f'), '"a\\;b\\"c\\\\d e f"');
    assert.equal(suricataMsg('x'.repeat(500)).length, 202);
    assert.equal(suricataContent('a:b|c"d;e\\f é'), '"a|3A|b|7C|c|22|d|3B|e|5C|f|20 C3 A9|"');
  });
});

/** Zeek's util::get_unescaped_string, for the `\xHH` escapes Zeek's ASCII reader decodes. */
const zeekUnescape = (s: string): string => s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describe('export: zeek', () => {
  const out = run('zeek', ALL, { source: 'acme\tcert', objectUrl: (i) => `https://accord.example/intel/${i}` });
  const lines = out.split('\n').filter((l) => l !== '');
  const items = lines.slice(1).map((l) => l.split('\t'));
  const itemsOf = (o: Record<string, unknown>) => items.filter((f) => zeekUnescape(f[3] ?? '').includes(String(o.id)));

  it('writes the #fields header and five tab-separated fields per line', () => {
    assert.equal(lines[0], '#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url');
    for (const f of items) assert.equal(f.length, 5);
    assert.ok(lines.slice(1).every((l) => !l.startsWith('#')));
    assert.ok(items.every((f) => f[2] === 'acme\\x09cert'));
  });

  it('maps terms to Intel types; URLs lose their scheme', () => {
    assert.deepEqual(itemsOf(ipv4).map((f) => [f[0], f[1]]), [['198.51.100.1', 'Intel::ADDR']]);
    assert.deepEqual(itemsOf(cidr).map((f) => [f[0], f[1]]), [['192.0.2.0/24', 'Intel::SUBNET']]);
    assert.deepEqual(itemsOf(domain).map((f) => [f[0], f[1]]), [['evil.example.com', 'Intel::DOMAIN']]);
    assert.deepEqual(itemsOf(quotedUrl).map((f) => [f[0], f[1]]), [[`evil.example.com/a?b='c'&d="e";f|g`, 'Intel::URL']]);
    assert.deepEqual(itemsOf(hashes).map((f) => [f[0], f[1]]), [[MD5, 'Intel::FILE_HASH'], [SHA256, 'Intel::FILE_HASH']]);
    assert.equal(itemsOf(orPattern).length, 4);
    const ip = itemsOf(ipv4)[0] as string[];
    assert.equal(zeekUnescape(ip[3] as string), `C2 address (TLP:AMBER; ${ipv4.id})`);
    assert.equal(ip[4], `https://accord.example/intel/${ipv4.id}`);
  });

  it('escapes tabs, newlines, backslashes and a leading # so a field cannot break the format', () => {
    const f = itemsOf(formula);
    assert.deepEqual(f.map((x) => [zeekUnescape(x[0] as string), x[1]]), [['=HYPERLINK("http://x","y")', 'Intel::FILE_NAME'], ['#fields\tindicator\n-', 'Intel::FILE_NAME']]);
    assert.ok(f[1]?.[0]?.startsWith('\\x23'));
    assert.equal(zeekUnescape(f[0]?.[3] as string), `Formula\tname (TLP:AMBER; ${formula.id})`);
    assert.deepEqual(itemsOf(injectUrl).map((x) => zeekUnescape(x[0] as string)), [HOSTILE_URL.slice('http://'.length)]);
    assert.equal(zeekUnescape(itemsOf(injectName)[0]?.[3] as string), `${INJECT_NAME} (TLP:AMBER; ${injectName.id})`);
    assert.equal(zeekField('-'), '\\x2d');
    assert.equal(zeekField('(empty)'), '\\x28empty)');
    assert.equal(zeekField(''), '-');
    assert.equal(zeekField('a\\x41'), 'a\\x5cx41');
  });

  it('skips non-equality patterns, yara, revoked, observables, non-domains and networks wider than /8', () => {
    for (const o of [nonEquality, yara, revoked, ipSco, fileSco, injectDomain, everything, identity]) assert.equal(itemsOf(o).length, 0, String(o.name ?? o.id));
  });
});

describe('export: misp', () => {
  const event = JSON.parse(run('misp', ALL, { now: NOW, uuid: '11111111-2222-4333-8444-555555555555', info: 'Weekly export', threatLevelId: 2 })).Event;
  const attrs = event.Attribute as Record<string, any>[];
  const comments = (o: Record<string, unknown>) => attrs.filter((a) => a.comment === o.name);

  it('writes a MISP event with its fields, attributes and the most restrictive TLP as event tag', () => {
    assert.equal(event.uuid, '11111111-2222-4333-8444-555555555555');
    assert.equal(event.info, 'Weekly export');
    assert.equal(event.date, '2024-04-01');
    assert.equal(event.threat_level_id, '2');
    assert.equal(event.distribution, '0');
    assert.deepEqual(event.Tag, [{ name: 'tlp:red' }]);
  });

  it('maps indicator terms to to_ids attributes with their TLP and labels as tags', () => {
    const ip = comments(ipv4);
    assert.deepEqual(ip.map((a) => [a.type, a.category, a.value, a.to_ids]), [['ip-dst', 'Network activity', '198.51.100.1', true]]);
    assert.deepEqual(ip[0]?.Tag, [{ name: 'tlp:amber' }, { name: 'c2' }, { name: 'botnet' }]);
    assert.equal(ip[0]?.first_seen, '2024-03-01T10:00:00Z');
    assert.equal(ip[0]?.timestamp, String(Date.parse('2024-03-02T10:00:00Z') / 1000));
    assert.deepEqual(comments(domain)[0]?.Tag, [{ name: 'tlp:red' }]);
    assert.deepEqual(comments(hashes).map((a) => [a.type, a.value]), [['md5', MD5], ['sha256', SHA256]]);
    assert.deepEqual(comments(orPattern).map((a) => a.type), ['ip-dst', 'ip-dst', 'domain', 'domain']);
    assert.deepEqual(comments(quotedUrl).map((a) => a.value), [`http://evil.example.com/a?b='c'&d="e";f|g`]);
  });

  it('keeps a pattern it cannot split as one stix2-pattern attribute, and rules as their own types', () => {
    assert.deepEqual(comments(nonEquality).map((a) => [a.type, a.value, a.to_ids]), [['stix2-pattern', nonEquality.pattern, true]]);
    assert.deepEqual(comments(yara).map((a) => [a.type, a.value]), [['yara', yara.pattern]]);
  });

  it('exports observables with to_ids false and drops labels that would contradict the TLP', () => {
    const sco = attrs.filter((a) => a.value === '198.51.100.2');
    assert.deepEqual(sco.map((a) => [a.type, a.to_ids]), [['ip-dst', false]]);
    assert.ok(comments(formula).every((a) => a.Tag.every((t: { name: string }) => t.name !== 'tlp:clear')));
  });

  it('skips revoked objects, SDOs and SROs', () => {
    assert.equal(attrs.some((a) => a.value === '198.51.100.99'), false);
    assert.equal(attrs.length, new Set(attrs.map((a) => a.uuid)).size);
  });

  it('gives attributes stable uuids, and an empty export is still a valid event', () => {
    const again = JSON.parse(run('misp', ALL, { now: NOW })).Event;
    assert.deepEqual(again.Attribute.map((a: any) => a.uuid), attrs.map((a) => a.uuid));
    const empty = JSON.parse(run('misp', [identity], { now: NOW })).Event;
    assert.deepEqual(empty.Attribute, []);
    assert.equal('Tag' in empty, false);
    assert.deepEqual(JSON.parse(run('misp', [], { tlp: 'GREEN' as TlpLevel })).Event.Tag, [{ name: 'tlp:green' }]);
  });
});

describe('export: the factory', () => {
  it('lists the formats, their file extensions and content types', () => {
    assert.deepEqual([...EXPORT_FORMATS], ['stix', 'csv', 'suricata', 'zeek', 'misp']);
    const ext = EXPORT_FORMATS.map((f) => [f, exporter(f).extension(), exportFileExtension(f), exporter(f).contentType]);
    assert.deepEqual(ext, [
      ['stix', 'json', 'json', 'application/stix+json;version=2.1'],
      ['csv', 'csv', 'csv', 'text/csv; charset=utf-8; header=present'],
      ['suricata', 'rules', 'rules', 'text/plain; charset=utf-8'],
      ['zeek', 'intel', 'intel', 'text/plain; charset=utf-8'],
      ['misp', 'json', 'json', 'application/json'],
    ]);
    assert.equal(isExportFormat('zeek'), true);
    assert.equal(isExportFormat('snort'), false);
    assert.throws(() => exporter('snort' as ExportFormat), TypeError);
  });

  it('never throws on hostile objects, and every format stays well-formed', () => {
    const hostile: Record<string, unknown>[] = [
      {}, { type: 'indicator' }, { type: 'indicator', id: 42, pattern: 7, pattern_type: 'stix' }, { type: 'indicator', id: 'indicator--x', pattern: "[ipv4-addr:value = '1.2.3.4']", pattern_type: 'stix' },
      { type: 'file', hashes: [] }, { type: 'file', hashes: { MD5: 5 } }, { type: 'ipv4-addr', value: 'not-an-ip' }, { type: 'url', value: { toString: 1 } }, { type: 'indicator', id: { toString: 1 }, pattern: "[domain-name:value = 'x.example']", pattern_type: 'stix', name: { toString: 1 } },
      { type: 'indicator', id: id('indicator', 77), pattern: `[ipv4-addr:value = '1.2.3.4']`, pattern_type: 'stix', name: { a: 1 }, labels: 'x', valid_until: 'soon' },
    ];
    for (const f of EXPORT_FORMATS) {
      const text = run(f, hostile, { bundleId: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', now: NOW });
      if (f === 'stix' || f === 'misp') JSON.parse(text);
      if (f === 'suricata') for (const l of text.split('\n').filter((x) => x && !x.startsWith('#'))) parseRule(l);
    }
  });
});

describe('export: URLs', () => {
  it('splits http(s) URLs into host, port and path, and refuses other schemes', () => {
    assert.deepEqual(splitHttpUrl('HTTP://User:pw@Evil.Example:8080/a/b?c=d#frag'), { scheme: 'http', host: 'evil.example', port: 8080, path: '/a/b?c=d' });
    assert.deepEqual(splitHttpUrl('evil.example?x=1'), { scheme: undefined, host: 'evil.example', path: '/?x=1' });
    assert.deepEqual(splitHttpUrl('https://[2001:db8::1]:8443'), { scheme: 'https', host: '[2001:db8::1]', port: 8443, path: '/' });
    for (const bad of ['ftp://evil.example/x', 'http:///nohost', 'http://evil.example:99999/', 'http://[::1/']) assert.equal(splitHttpUrl(bad), undefined, bad);
  });

  it('writes Zeek URLs as HTTP::build_url does: the port unless 80, no scheme', () => {
    const urls = ['http://a.example/x', 'http://a.example:8080/x', 'https://a.example/x', 'http://a.example:80/x'];
    const out = run('zeek', urls.map((u, i) => indicator(200 + i, `[url:value = '${u}']`)));
    assert.deepEqual(out.split('\n').slice(1, -1).map((l) => l.split('\t')[0]), ['a.example/x', 'a.example:8080/x', 'a.example:443/x', 'a.example/x']);
  });
});

describe('export: suricata limits', () => {
  it('keeps rules under Suricata\'s 8192-byte limit and moves a colliding sid to the next free one', () => {
    const long = indicator(300, `[url:value = 'http://a.example/${'"'.repeat(3000)}']`);
    const out = run('suricata', [long, long]);
    assert.equal(out.split('\n').filter((l) => l.startsWith('alert')).length, 0);
    assert.match(out, /too long for a Suricata rule; skipped/);
    // The same indicator twice: same term, so the second takes the next sid.
    const twice = run('suricata', [ipv4, ipv4]).split('\n').filter((l) => l.startsWith('alert')).map((l) => Number(/sid:(\d+)/.exec(l)?.[1]));
    assert.equal(twice[1], (twice[0] as number) + 1);
  });
});
