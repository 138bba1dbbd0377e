/**
 * "Have I seen this?" over HTTP with the demo intel: an uploaded log matched
 * against what each caller may read (TLP per object: an anonymous caller
 * only CLEAR, the author's organisation its AMBER+STRICT), parent-domain
 * matching without substring false positives, the indicator list for
 * local matching, and sensor exports (full and incremental).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoToken, startHarness, type Harness } from './harness.js';
import { MAX_UPLOAD_HITS } from '../../src/http/routes/match.js';

const LOG = [
  JSON.stringify({ '@timestamp': '2026-11-20T10:00:00Z', source: { ip: '10.0.0.5' }, destination: { ip: '198.51.100.23', port: 443 } }),
  JSON.stringify({ timestamp: '2026-11-20T10:00:01Z', event_type: 'dns', src_ip: '10.0.0.6', dns: { rrname: 'a.b.update.notreallypetya.example' } }),
  JSON.stringify({ ts: 1763632802, 'id.orig_h': '10.0.0.7', 'id.resp_h': '203.0.113.77' }),
  JSON.stringify({ dns: { question: { name: 'xupdate.notreallypetya.example.org' } } }),
  '{"broken json',
  JSON.stringify({ file: { hash: { sha256: 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F' } } }),
].join('\n');

function parse(body: string): { hits: { line: number; field: string; value: string; kind: string; indicator: { tlp: string; name?: string } }[]; stats: { lines: number; hits: number; skipped: Record<string, number> } } {
  const lines = body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.pop() as { stats: never };
  return { hits: lines as never, stats: last.stats };
}

describe('match API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const upload = (token: string | null, body = LOG) => h.call('POST', '/api/v1/match', { token, payload: body, headers: { 'content-type': 'application/octet-stream' } });

  test('an anonymous upload sees only TLP:CLEAR indicators, with values exactly as logged', async () => {
    const r = await upload(null);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /application\/x-ndjson/);
    const { hits, stats } = parse(r.body);
    assert.deepEqual(hits.map((x) => [x.line, x.field, x.value, x.kind, x.indicator.tlp]), [[1, 'destination.ip', '198.51.100.23', 'ip', 'CLEAR']]);
    assert.equal(stats.lines, 6);
    assert.ok(Object.values(stats.skipped).reduce((a, b) => a + b, 0) >= 1, 'the broken line is counted as skipped');
  });

  test("the author's analyst also sees GREEN (parent domain), AMBER (hash, case-insensitive) and its AMBER+STRICT; no substring match", async () => {
    const r = await upload(demoToken(h.init, 'demo-northwind', 'analyst'));
    const { hits } = parse(r.body);
    const got = hits.map((x) => `${x.line} ${x.kind} ${x.value} ${x.indicator.tlp}`).sort();
    assert.deepEqual(got, [
      '1 ip 198.51.100.23 CLEAR',
      '2 domain a.b.update.notreallypetya.example GREEN',
      '3 ip 203.0.113.77 AMBER+STRICT',
      '6 hash AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F AMBER',
    ]);
    assert.ok(!hits.some((x) => x.line === 4), 'xupdate.notreallypetya.example.org is not a subdomain of a listed domain');
  });

  test("another organisation does not see Northwind's AMBER+STRICT indicator", async () => {
    const { hits } = parse((await upload(demoToken(h.init, 'demo-fabrikam', 'analyst'))).body);
    assert.ok(!hits.some((x) => x.indicator.tlp === 'AMBER+STRICT'));
    assert.ok(hits.some((x) => x.indicator.tlp === 'GREEN'));
  });

  test('the indicator list for local matching is TLP-filtered the same way', async () => {
    const anon = (await h.call('GET', '/api/v1/match/indicators')).body.trim().split('\n').map((l) => JSON.parse(l) as { tlp: string });
    assert.ok(anon.length >= 1);
    assert.ok(anon.every((i) => i.tlp === 'CLEAR'));
    const nw = (await h.call('GET', '/api/v1/match/indicators', { token: demoToken(h.init, 'demo-northwind', 'analyst') })).body.trim().split('\n').map((l) => JSON.parse(l) as { tlp: string });
    assert.ok(nw.some((i) => i.tlp === 'AMBER+STRICT'));
    const contoso = (await h.call('GET', '/api/v1/match/indicators', { token: demoToken(h.init, 'demo-contoso-cloud', 'analyst') })).body.trim().split('\n').map((l) => JSON.parse(l) as { tlp: string });
    assert.ok(!contoso.some((i) => i.tlp === 'RED' || i.tlp === 'AMBER+STRICT'), 'RED goes to the sharer and named recipients only');
  });

  test('sensor exports: the file list, one file streamed, incremental with since, and an unknown path', async () => {
    const token = demoToken(h.init, 'demo-northwind', 'analyst');
    const list = (await h.call('GET', '/api/v1/match/exports', { token })).json();
    const paths = list.files.map((f: { path: string }) => f.path);
    assert.ok(paths.includes('zeek/accord.intel'), paths.join(' '));
    const zeek = await h.call('GET', '/api/v1/match/exports/file?path=zeek/accord.intel', { token });
    assert.equal(zeek.statusCode, 200);
    assert.match(zeek.body, /^#fields\tindicator\tindicator_type/m);
    assert.match(zeek.body, /203\.0\.113\.77\tIntel::ADDR/);
    const anonZeek = (await h.call('GET', '/api/v1/match/exports/file?path=zeek/accord.intel')).body;
    assert.ok(!anonZeek.includes('203.0.113.77'), 'TLP holds in exports');
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const inc = (await h.call('GET', `/api/v1/match/exports?since=${encodeURIComponent(future)}`, { token })).json();
    assert.equal(inc.summary.added, 0, 'nothing changed after tomorrow');
    // A listed file nothing was written into (the demo has no MD5 indicators) is empty, not missing.
    const empty = list.files.find((f: { path: string; lines: number }) => f.lines === 0 && f.path.endsWith('.lst'));
    assert.ok(empty, 'the demo leaves some dataset empty');
    const emptyFile = await h.call('GET', `/api/v1/match/exports/file?path=${empty.path}`, { token });
    assert.equal(emptyFile.statusCode, 200, emptyFile.body);
    assert.equal(emptyFile.body, '');
    const missing = await h.call('GET', '/api/v1/match/exports/file?path=zeek/nope.intel', { token });
    assert.equal(missing.statusCode, 404);
    assert.equal((await h.call('GET', '/api/v1/match/exports/file?path=../etc/passwd', { token })).statusCode, 400);
  });

  test('hostile uploads: binary junk and a 5 MB line are skipped and counted, never a 500', async () => {
    const junk = Buffer.concat([Buffer.from([0, 1, 2, 255, 254, 10]), Buffer.alloc(5 * 1024 * 1024, 0x41), Buffer.from('\n198.51.100.23\n')]);
    const r = await h.call('POST', '/api/v1/match?format=text', { payload: junk.toString('latin1'), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    const { hits, stats } = parse(r.body);
    assert.equal(hits.length, 1);
    assert.ok(Object.values(stats.skipped).reduce((a, b) => a + b, 0) >= 1);
    // A log that hits on every line gets a bounded answer: the first MAX_UPLOAD_HITS hits, every hit counted.
    const many = await h.call('POST', '/api/v1/match?format=text', { payload: '198.51.100.23\n'.repeat(MAX_UPLOAD_HITS + 5), headers: { 'content-type': 'text/plain' } });
    assert.equal(many.statusCode, 200);
    const bounded = parse(many.body);
    assert.equal(bounded.hits.length, MAX_UPLOAD_HITS);
    assert.equal(bounded.stats.hits, MAX_UPLOAD_HITS + 5);
    assert.equal((bounded.stats as unknown as { truncated: boolean }).truncated, true);
    assert.equal((await h.call('POST', '/api/v1/match?format=nope', { payload: 'x', headers: { 'content-type': 'text/plain' } })).statusCode, 400);
  });
});
