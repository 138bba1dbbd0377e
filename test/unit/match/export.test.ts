import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileIndicatorsSync, type IndicatorInput } from '../../../src/match/compile.js';
import { exportSensorFiles, iprepScore, suricataDatasetRules, type SensorExportOptions } from '../../../src/match/export.js';

const id = (n: number): string => `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const MD5 = 'D41D8CD98F00B204E9800998ECF8427E';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

const base = (n: number, pattern: string, extra: Partial<IndicatorInput> = {}): IndicatorInput => ({
  id: id(n), pattern, pattern_type: 'stix', tlp: 'GREEN', modified: '2025-01-01T00:00:00Z', ...extra,
});

const LIST: IndicatorInput[] = [
  base(1, "[domain-name:value = 'Evil.Example.']", { name: 'Evil', tlp: 'AMBER', confidence: 50 }),
  base(2, `[file:hashes.MD5 = '${MD5}'] OR [file:hashes.'SHA-256' = '${SHA256}'] OR [file:hashes.'SHA-1' = '${SHA1}']`),
  base(3, "[ipv4-addr:value = '198.51.100.7']", { tlp: 'RED' }),
  base(4, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
  base(5, "[ipv6-addr:value = '2001:DB8::1']"),
  base(6, "[url:value = 'HTTP://Bad.Example:8080/x?y=1#f']"),
  base(7, "[email-addr:value = 'Boss@Phish.Example']"),
  base(8, "[ipv4-addr:value ISSUBSET '10.0.0.0/7']"),
  base(9, "[domain-name:value MATCHES 'x']"),
  base(10, "[domain-name:value = 'bücher.example']"),
  base(11, "[domain-name:value = 'gone.example']", { revoked: true }),
];

async function run(list: IndicatorInput[], options: SensorExportOptions = {}): Promise<{ files: Map<string, string>; summary: Awaited<ReturnType<typeof exportSensorFiles>> }> {
  const files = new Map<string, string>();
  const summary = await exportSensorFiles(list, { write: (f, t) => void files.set(f, (files.get(f) ?? '') + t) }, { now: new Date('2026-01-01T00:00:00Z'), ...options });
  return { files, summary };
}

describe('sensor exports', () => {
  it('writes Suricata datasets: hex for md5/sha256, base64 for string sets, plain addresses; and rules using them', async () => {
    const { files } = await run(LIST);
    assert.equal(files.get('suricata/datasets/accord-md5.lst'), `${MD5.toLowerCase()}\n`);
    assert.equal(files.get('suricata/datasets/accord-sha256.lst'), `${SHA256}\n`);
    assert.equal(files.get('suricata/datasets/accord-domains.lst'), `${b64('evil.example')}\n${b64('xn--bcher-kva.example')}\n`);
    assert.equal(files.get('suricata/datasets/accord-emails.lst'), `${b64('boss@phish.example')}\n`);
    assert.equal(files.get('suricata/datasets/accord-ip.lst'), '198.51.100.7\n2001:db8::1\n');
    const rules = files.get('suricata/datasets/accord-datasets.rules') as string;
    assert.equal(rules, suricataDatasetRules());
    assert.match(rules, /dns\.query; dataset:isset,accord-domains, type string, load accord-domains\.lst; sid:9500000; rev:1;\)/);
    assert.match(rules, /ip\.dst; dataset:isset,accord-ip, type ip, load accord-ip\.lst;/);
    assert.match(rules, /filemd5:accord-md5\.lst;/);
  });

  it('writes Suricata IP reputation: a category per TLP level, ip-or-cidr,category,score; wider than /8 left out', async () => {
    const { files, summary } = await run(LIST);
    assert.equal(files.get('suricata/iprep/categories.txt'), '1,accordClear,Accord indicators marked TLP:CLEAR\n2,accordGreen,Accord indicators marked TLP:GREEN\n3,accordAmber,Accord indicators marked TLP:AMBER\n4,accordAmberstrict,Accord indicators marked TLP:AMBER+STRICT\n5,accordRed,Accord indicators marked TLP:RED\n');
    assert.equal(files.get('suricata/iprep/accord.list'), '198.51.100.7,5,127\n203.0.113.0/24,2,127\n2001:db8::1,2,127\n');
    assert.equal(summary.tooWide, 1);
    assert.equal(iprepScore(50), 64);
    assert.equal(iprepScore(0), 1);
    assert.equal(iprepScore(undefined), 127);
  });

  it('writes the Zeek intel file with the REST export’s writer: types, URL without scheme, TLP and id in meta.desc', async () => {
    const { files } = await run(LIST, { zeek: { source: 'coalition' } });
    const lines = (files.get('zeek/accord.intel') as string).split('\n');
    assert.equal(lines[0], '#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url');
    assert.ok(lines.includes(`evil.example\tIntel::DOMAIN\tcoalition\tEvil (TLP:AMBER; ${id(1)})\t-`));
    assert.ok(lines.includes(`${MD5.toLowerCase()}\tIntel::FILE_HASH\tcoalition\t(TLP:GREEN; ${id(2)})\t-`));
    assert.ok(lines.includes(`${SHA1}\tIntel::FILE_HASH\tcoalition\t(TLP:GREEN; ${id(2)})\t-`));
    assert.ok(lines.includes(`198.51.100.7\tIntel::ADDR\tcoalition\t(TLP:RED; ${id(3)})\t-`));
    assert.ok(lines.includes(`203.0.113.0/24\tIntel::SUBNET\tcoalition\t(TLP:GREEN; ${id(4)})\t-`));
    assert.ok(lines.some((l) => l.startsWith('bad.example:8080/x?y=1\tIntel::URL\t')));
    assert.ok(lines.some((l) => l.startsWith('Boss@Phish.Example\tIntel::EMAIL\t')));
    assert.ok(!lines.some((l) => l.includes('gone.example') || l.includes('10.0.0.0/7')));
  });

  it('writes plain blocklists per kind in normal form', async () => {
    const { files, summary } = await run(LIST, { formats: ['blocklists'], prefix: 'coal' });
    assert.deepEqual([...files.keys()].sort(), ['blocklists/coal-cidr.txt', 'blocklists/coal-domains.txt', 'blocklists/coal-emails.txt', 'blocklists/coal-ipv4.txt', 'blocklists/coal-ipv6.txt', 'blocklists/coal-md5.txt', 'blocklists/coal-sha1.txt', 'blocklists/coal-sha256.txt', 'blocklists/coal-urls.txt']);
    assert.equal(files.get('blocklists/coal-urls.txt'), 'http://bad.example:8080/x?y=1\n');
    assert.equal(files.get('blocklists/coal-domains.txt'), 'evil.example\nxn--bcher-kva.example\n');
    assert.equal(files.get('blocklists/coal-cidr.txt'), '203.0.113.0/24\n');
    assert.deepEqual({ indicators: summary.indicators, added: summary.added, removed: summary.removed, notListable: summary.notListable }, { indicators: 11, added: 9, removed: 0, notListable: 1 });
  });

  it('incremental: additions changed after `since`, removals revoked after it or expired in (since, now], values still listed elsewhere kept', async () => {
    const since = '2025-06-01T00:00:00Z';
    const list: IndicatorInput[] = [
      base(1, "[domain-name:value = 'old.example']", { modified: '2025-01-01T00:00:00Z' }),
      base(2, "[domain-name:value = 'new.example']", { modified: '2025-07-01T00:00:00Z' }),
      base(3, "[domain-name:value = 'revoked.example']", { revoked: true, modified: '2025-07-01T00:00:00Z' }),
      base(4, "[domain-name:value = 'long-revoked.example']", { revoked: true, modified: '2025-02-01T00:00:00Z' }),
      base(5, "[ipv4-addr:value = '198.51.100.7']", { valid_until: '2025-09-01T00:00:00Z', modified: '2025-01-01T00:00:00Z' }),
      base(6, "[ipv4-addr:value = '198.51.100.8']", { valid_until: '2025-03-01T00:00:00Z', modified: '2025-01-01T00:00:00Z' }),
      base(7, "[domain-name:value = 'shared.example'] OR [domain-name:value = 'only-here.example']", { revoked: true, modified: '2025-08-01T00:00:00Z' }),
      base(8, "[domain-name:value = 'shared.example']", { modified: '2025-01-01T00:00:00Z' }),
      base(9, "[domain-name:value = 'no-date.example']", { modified: undefined }),
    ];
    const compiled = compileIndicatorsSync(list, { now: new Date('2026-01-01T00:00:00Z') });
    const { files, summary } = await run(list, { since, compiled, formats: ['blocklists', 'suricata-datasets', 'zeek-intel'] });
    assert.equal(files.get('blocklists/accord-domains.txt'), 'new.example\nno-date.example\n');
    assert.equal(files.get('blocklists/accord-domains.removed.txt'), 'revoked.example\nonly-here.example\n');
    assert.equal(files.get('blocklists/accord-ipv4.removed.txt'), '198.51.100.7\n');
    assert.equal(files.has('blocklists/accord-ipv4.txt'), false);
    assert.equal(files.get('suricata/datasets/accord-domains.removed.lst'), `${b64('revoked.example')}\n${b64('only-here.example')}\n`);
    assert.equal(files.get('suricata/datasets/accord-ip.removed.lst'), '198.51.100.7\n');
    assert.equal(files.has('suricata/datasets/accord-datasets.rules'), false, 'fixed files only in full exports');
    const zeekRemoved = files.get('zeek/accord.removed.intel') as string;
    assert.ok(zeekRemoved.startsWith('#fields\t'));
    assert.ok(zeekRemoved.includes('only-here.example\tIntel::DOMAIN') && !zeekRemoved.includes('shared.example'));
    assert.deepEqual({ added: summary.added, removed: summary.removed }, { added: 2, removed: 3 });
  });

  it('refuses unknown formats, bad prefixes and bad dates', async () => {
    await assert.rejects(run(LIST, { formats: ['snort' as never] }), { code: 'MATCH_OPTIONS_INVALID' });
    await assert.rejects(run(LIST, { prefix: '../x' }), { code: 'MATCH_OPTIONS_INVALID' });
    await assert.rejects(run(LIST, { since: 'yesterday' }), { code: 'MATCH_OPTIONS_INVALID' });
  });
});
