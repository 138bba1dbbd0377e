import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { compileIndicatorsSync, type IndicatorInput } from '../../../src/match/compile.js';
import { matchStream, type Hit, type MatchRun } from '../../../src/match/matcher.js';
import { MatcherPool, matchStreamParallel } from '../../../src/match/parallel.js';

const id = (n: number): string => `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

const INDICATORS: IndicatorInput[] = [
  { id: id(1), pattern: "[domain-name:value = 'evil.example']", pattern_type: 'stix', tlp: 'AMBER', name: 'Evil domain' },
  { id: id(2), pattern: "[domain-name:value = 'higan.org']", pattern_type: 'stix', tlp: 'GREEN' },
  { id: id(3), pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', tlp: 'RED' },
  { id: id(4), pattern: "[ipv4-addr:value ISSUBSET '203.0.113.0/24']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(5), pattern: "[ipv6-addr:value = '2001:db8::1']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(6), pattern: "[url:value = 'http://bad.example/x/y?z=1']", pattern_type: 'stix', tlp: 'AMBER+STRICT' },
  { id: id(7), pattern: `[file:hashes.'SHA-256' = '${SHA256}'] OR [file:hashes.MD5 = '${MD5}']`, pattern_type: 'stix', tlp: 'GREEN' },
  { id: id(8), pattern: "[email-addr:value = 'boss@phish.example']", pattern_type: 'stix', tlp: 'GREEN' },
  { id: id(9), pattern: "[network-traffic:dst_ref.value = '192.0.2.10' AND network-traffic:dst_port = 443]", pattern_type: 'stix', tlp: 'AMBER' },
  { id: id(10), pattern: "[domain-name:value MATCHES '^c2-[0-9]+\\\\.example$']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(11), pattern: "[domain-name:value = 'bücher.example']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(12), pattern: "[ipv6-addr:value ISSUBSET '2001:db8:1::/48']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(13), pattern: "[domain-name:value = 'revoked.example']", pattern_type: 'stix', tlp: 'CLEAR', revoked: true },
  { id: id(14), pattern: `[file:hashes.MD5 = '${'a'.repeat(32)}' AND file:hashes.'SHA-256' = '${'b'.repeat(64)}']`, pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(16), pattern: "[ipv4-addr:value ISSUBSET '192.0.2.128/25']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(17), pattern: "[ipv4-addr:value = '192.0.2.200'] OR [ipv4-addr:value ISSUBSET '192.0.2.192/26']", pattern_type: 'stix', tlp: 'CLEAR' },
  { id: id(15), pattern: "[email-message:from_ref.value = 'ceo@corp.example' AND email-message:to_refs[*].value LIKE '%@victim.example']", pattern_type: 'stix', tlp: 'CLEAR' },
];
const compiled = compileIndicatorsSync(INDICATORS, { shared: true });

async function* chunks(text: string | Buffer, size = 64): AsyncGenerator<Buffer> {
  const b = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  for (let i = 0; i < b.length; i += size) yield Buffer.from(b.subarray(i, i + size));
}

async function collect(run: MatchRun): Promise<Hit[]> {
  const out: Hit[] = [];
  for await (const h of run) out.push(h);
  return out;
}

const brief = (hits: Hit[]): [number, string, string, string, string][] => hits.map((h) => [h.line, h.field, h.value, h.indicator.id.slice(-2), h.kind]);

describe('matchStream', () => {
  it('domains: parent walk, never a partial label, case, trailing dot, IDN', async () => {
    const log = [
      { dns: { rrname: 'a.b.EVIL.example.' } },
      { dns: { rrname: 'notevil.example' } },
      { dns: { rrname: 'michigan.org' } },
      { dns: { rrname: 'www.higan.org' } },
      { dns: { rrname: 'xn--bcher-kva.example' } },
      { dns: { rrname: 'WWW.Bücher.Example' } },
      { 'destination.domain': 'evil.example.com' },
    ].map((o) => JSON.stringify(o)).join('\n');
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(log)))), [
      [1, 'dns.rrname', 'a.b.EVIL.example.', '01', 'domain'],
      [4, 'dns.rrname', 'www.higan.org', '02', 'domain'],
      [5, 'dns.rrname', 'xn--bcher-kva.example', '11', 'domain'],
      [6, 'dns.rrname', 'WWW.Bücher.Example', '11', 'domain'],
    ]);
  });

  it('addresses: exact, CIDR, IPv6, IPv4-mapped, bracketed; the value kept as observed', async () => {
    const log = [
      '{"src_ip":"198.51.100.7","dest_ip":"203.0.113.255"}',
      '{"src_ip":"::FFFF:198.51.100.7","dest_ip":"203.0.114.0"}',
      '{"source":{"ip":"2001:0db8:0000::0001"},"destination":{"ip":"2001:db8:1:ffff::9"}}',
      '{"client":{"ip":"[2001:db8::1]"},"server":{"ip":"2001:db8:2::1"}}',
      '{"dest_ip":"192.0.2.200"}',
      '{"dest_ip":"192.0.2.129"}',
    ].join('\n');
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(log)))), [
      [1, 'src_ip', '198.51.100.7', '03', 'ip'],
      [1, 'dest_ip', '203.0.113.255', '04', 'cidr'],
      [2, 'src_ip', '::FFFF:198.51.100.7', '03', 'ip'],
      [3, 'source.ip', '2001:0db8:0000::0001', '05', 'ip'],
      [3, 'destination.ip', '2001:db8:1:ffff::9', '12', 'cidr'],
      [4, 'client.ip', '[2001:db8::1]', '05', 'ip'],
      [5, 'dest_ip', '192.0.2.200', '17', 'ip'],
      [5, 'dest_ip', '192.0.2.200', '16', 'cidr'],
      [6, 'dest_ip', '192.0.2.129', '16', 'cidr'],
    ]);
  });

  it('URLs: normalised full URLs, hosts of URLs, host and path fields combined', async () => {
    const log = [
      '{"url":{"full":"HTTP://Bad.Example:80/x/%79?z=1#top"}}',
      '{"url":{"full":"http://bad.example/X/y?z=1"}}',
      '{"http":{"hostname":"BAD.example","url":"/x/y?z=1"}}',
      '{"host":"bad.example:80","uri":"/x/./y?z=1"}',
      '{"url":{"full":"https://cdn.evil.example/a"}}',
      '{"url":{"domain":"bad.example","original":"/x/y?z=1"}}',
    ].join('\n');
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(log)))), [
      [1, 'url.full', 'HTTP://Bad.Example:80/x/%79?z=1#top', '06', 'url'],
      [3, 'http.hostname+http.url', 'BAD.example/x/y?z=1', '06', 'url'],
      [4, 'host+uri', 'bad.example:80/x/./y?z=1', '06', 'url'],
      [5, 'url.full', 'https://cdn.evil.example/a', '01', 'domain'],
      [6, 'url.domain+url.original', 'bad.example/x/y?z=1', '06', 'url'],
    ]);
  });

  it('hashes and e-mail addresses, case-insensitively, by field or by shape', async () => {
    const log = [
      `{"fileinfo":{"sha256":"${SHA256.toUpperCase()}"}}`,
      `{"file":{"hash":{"md5":"${MD5}"}},"unknown_field":"${SHA256}"}`,
      '{"email":{"from":{"address":"Boss@Phish.Example"}}}',
      '{"smtp":{"rcpt_to":["<x@y.example>","\\"Boss\\" <BOSS@phish.example>"]}}',
    ].join('\n');
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(log)))), [
      [1, 'fileinfo.sha256', SHA256.toUpperCase(), '07', 'hash'],
      [2, 'file.hash.md5', MD5, '07', 'hash'],
      [2, 'unknown_field', SHA256, '07', 'hash'],
      [3, 'email.from.address', 'Boss@Phish.Example', '08', 'email'],
      [4, 'smtp.rcpt_to', '"Boss" <BOSS@phish.example>', '08', 'email'],
    ]);
  });

  it('general patterns: an AND across properties (anchored) and a MATCHES (evaluated per record)', async () => {
    const log = [
      '{"src_ip":"10.0.0.5","dest_ip":"192.0.2.10","dest_port":443}',
      '{"src_ip":"10.0.0.5","dest_ip":"192.0.2.10","dest_port":80}',
      '{"id.orig_h":"10.0.0.5","id.resp_h":"192.0.2.10","id.resp_p":443}',
      '{"dns":{"queries":[{"rrname":"www.example"},{"rrname":"C2-42.example"}]}}',
      '{"dns":{"rrname":"c2-x.example"}}',
      '{"tls":{"sni":"c2-42.example"},"dns":{"rrname":"c2-x.example"}}',
    ].join('\n');
    const run = matchStream(compiled, chunks(log));
    assert.deepEqual(brief(await collect(run)), [
      [1, 'dest_ip', '192.0.2.10', '09', 'pattern'],
      [3, 'id.resp_h', '192.0.2.10', '09', 'pattern'],
      [4, 'dns.queries.rrname', 'C2-42.example', '10', 'pattern'],
      [6, 'tls.sni', 'c2-42.example', '10', 'pattern'],
    ]);
    // Per-value results are remembered: the second c2-42.example and c2-x.example are not evaluated again.
    assert.equal(run.stats.generalEvaluations, 3 + 3, 'the AND where its address is seen (records 1-3), the MATCHES once per distinct domain');
  });

  it('general patterns on built objects: a file with two hashes, an e-mail message with sender and recipients', async () => {
    const log = [
      `{"fileinfo":{"md5":"${'A'.repeat(32)}","sha256":"${'b'.repeat(64)}"}}`,
      `{"fileinfo":{"md5":"${'a'.repeat(32)}","sha256":"${'c'.repeat(64)}"}}`,
      '{"smtp":{"mail_from":"<CEO@corp.example>","rcpt_to":["<x@other.example>","<y@victim.example>"]}}',
      '{"smtp":{"mail_from":"<ceo@corp.example>","rcpt_to":["<x@other.example>"]}}',
      '{"email":{"from":{"address":"someone@else.example"},"to":{"address":"y@victim.example"}}}',
    ].join('\n');
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(log)))), [
      [1, 'fileinfo.md5', 'A'.repeat(32), '14', 'pattern'],
      [3, 'smtp.mail_from', '<CEO@corp.example>', '15', 'pattern'],
    ]);
  });

  it('X.509 subjects: each common name, wildcards as their parent domain', async () => {
    const log = '{"tls":{"subject":"C=US, O=Evil, CN=*.evil.example","issuerdn":"CN=evil.example"}}\n{"certificate":{"subject":"CN=198.51.100.7,O=x"}}\n';
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(log)))), [
      [1, 'tls.subject', '*.evil.example', '01', 'domain'],
      [2, 'certificate.subject', '198.51.100.7', '03', 'ip'],
    ]);
  });

  it('carries each indicator’s TLP, name and pattern to its hits; revoked indicators never hit', async () => {
    const hits = await collect(matchStream(compiled, chunks('{"dns":{"rrname":"evil.example"},"src_ip":"198.51.100.7"}\n{"dns":{"rrname":"revoked.example"}}\n')));
    assert.deepEqual(hits.map((h) => h.indicator), [
      { id: id(1), pattern: "[domain-name:value = 'evil.example']", tlp: 'AMBER', name: 'Evil domain' },
      { id: id(3), pattern: "[ipv4-addr:value = '198.51.100.7']", tlp: 'RED' },
    ]);
  });

  it('numbers lines across chunks, CRLF, blank, skipped and dropped lines; counts what it read', async () => {
    const long = `{"pad":"${'x'.repeat(200)}"}`;
    const log = `\r\n{"dns":{"rrname":"evil.example"}}\r\nnot json\n${long}\n\n{"src_ip":"198.51.100.7"}`;
    const run = matchStream(compiled, chunks(log, 3), { maxLineBytes: 100 });
    assert.deepEqual(brief(await collect(run)), [[2, 'dns.rrname', 'evil.example', '01', 'domain'], [6, 'src_ip', '198.51.100.7', '03', 'ip']]);
    const s = run.stats;
    assert.equal(s.format, 'json');
    assert.equal(s.lines, 6);
    assert.equal(s.records, 2);
    assert.equal(s.bytes, Buffer.byteLength(log));
    assert.equal(s.hits, 2);
    assert.equal(s.linesWithHits, 2);
    assert.deepEqual(s.skipped, { tooLong: 1, invalidJson: 1, invalidUtf8: 0, notObject: 0, binary: 0, malformed: 0 });
    assert.ok(s.elapsedMs > 0 && s.bytesPerSecond > 0);
  });

  it('reads CSV, Zeek TSV and plain text the same way', async () => {
    const csv = 'src_ip,domain\n198.51.100.7,x.evil.example\n';
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(csv)))), [[2, 'src_ip', '198.51.100.7', '03', 'ip'], [2, 'domain', 'x.evil.example', '01', 'domain']]);
    const tsv = '#separator \\x09\n#fields\tid.resp_h\thost\turi\n#types\taddr\tstring\tstring\n203.0.113.1\tbad.example\t/x/y?z=1\n';
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(tsv)))), [[4, 'id.resp_h', '203.0.113.1', '04', 'cidr'], [4, 'host+uri', 'bad.example/x/y?z=1', '06', 'url']]);
    const text = 'Jan 1 gw: blocked boss@phish.example -> 203.0.113.9:443\n';
    assert.deepEqual(brief(await collect(matchStream(compiled, chunks(text)))), [[1, 'text', 'boss@phish.example', '08', 'email'], [1, 'text', '203.0.113.9', '04', 'cidr']]);
  });
});

describe('matchStreamParallel', () => {
  const pool = new MatcherPool(compiled, { workers: 2 });
  after(() => pool.close());

  /** A log of many lines with hits spread over it, so batches land on both workers. */
  function bigLog(lines: number): string {
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      if (i % 97 === 0) out.push(`{"dns":{"rrname":"h${i}.evil.example"},"src_ip":"10.0.${(i >> 8) & 255}.${i & 255}"}`);
      else if (i % 101 === 0) out.push(`{"src_ip":"203.0.113.${i % 256}","dest_ip":"192.0.2.10","dest_port":443}`);
      else if (i % 103 === 0) out.push('garbage line');
      else out.push(`{"dns":{"rrname":"h${i}.example.net"},"src_ip":"10.0.${(i >> 8) & 255}.${i & 255}","pad":"${'p'.repeat(i % 50)}"}`);
    }
    return out.join('\n');
  }

  it('gives the same hits, in the same order, with the same counts as matchStream', async () => {
    const log = bigLog(30000);
    const single = matchStream(compiled, chunks(log, 65536));
    const want = await collect(single);
    const par = pool.match(chunks(log, 65536), { batchBytes: 64 * 1024 });
    const got = await collect(par);
    assert.ok(want.length > 600);
    assert.deepEqual(got, want);
    for (const k of ['lines', 'records', 'bytes', 'hits', 'linesWithHits', 'generalEvaluations'] as const) assert.equal(par.stats[k], single.stats[k], k);
    assert.deepEqual(par.stats.skipped, single.stats.skipped);
    assert.equal(par.stats.workers, 2);
  });

  it('a run abandoned half-way leaves the pool clean for the next one', async () => {
    const log = bigLog(20000);
    let seen = 0;
    for await (const _h of pool.match(chunks(log, 65536), { batchBytes: 32 * 1024 })) if (++seen === 5) break;
    const want = await collect(matchStream(compiled, chunks(log, 65536)));
    const got = await collect(pool.match(chunks(log, 65536), { batchBytes: 32 * 1024 }));
    assert.deepEqual(got, want);
  });

  it('runs one log after another on the same pool, and CSV on the calling thread', async () => {
    const a = await collect(pool.match(chunks('{"src_ip":"198.51.100.7"}\n')));
    const b = await collect(pool.match(chunks('src_ip,note\n198.51.100.7,x\n')));
    assert.deepEqual(brief(a), [[1, 'src_ip', '198.51.100.7', '03', 'ip']]);
    assert.deepEqual(brief(b), [[2, 'src_ip', '198.51.100.7', '03', 'ip']]);
  });

  it('starts and stops its own pool (or none with workers: 0)', async () => {
    for (const workers of [0, 1]) {
      const run = matchStreamParallel(compiled, chunks('x\n{"src_ip":"198.51.100.7"}\n'), { workers, format: 'json' });
      assert.deepEqual(brief(await collect(run)), [[2, 'src_ip', '198.51.100.7', '03', 'ip']]);
      assert.equal(run.stats.lines, 2);
    }
  });
});
