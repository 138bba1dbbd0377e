import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat, readRecords, splitCsv, type LogFormat, type LogRecord } from '../../../src/match/readers.js';

/** Chunks of at most `size` bytes (readers must not care where chunks end). */
async function* chunks(text: string | Buffer, size = 7): AsyncGenerator<Buffer> {
  const b = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function records(text: string | Buffer, format?: LogFormat, size?: number): Promise<{ recs: LogRecord[]; stream: ReturnType<typeof readRecords> }> {
  const stream = readRecords(chunks(text, size), format ? { format } : {});
  const recs: LogRecord[] = [];
  for await (const r of stream) recs.push(r);
  return { recs, stream };
}

describe('JSON lines', () => {
  it('ECS: nested and flattened names, semantic fields, ports; unknown values only when indicator-shaped', async () => {
    const line = JSON.stringify({
      '@timestamp': '2025-01-01T00:00:00.000Z',
      source: { ip: '10.0.0.5', port: 51515 },
      'destination.ip': '198.51.100.7',
      destination: { port: 443, domain: 'Evil.Example.' },
      url: { full: 'http://evil.example/x', original: '/x' },
      dns: { question: { name: 'c2.evil.example' } },
      file: { hash: { sha256: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855' } },
      email: { from: { address: 'Boss@Evil.Example' }, to: { address: ['a@b.example', 'c@d.example'] } },
      http: { request: { referrer: 'http://ref.example/' } },
      host: { ip: ['192.0.2.1'] },
      user_agent: { original: 'curl/8.5.0 (evil.example)' },
      labels: { note: 'see other.example', count: 3 },
    });
    const { recs } = await records(`${line}\n`);
    assert.equal(recs.length, 1);
    assert.equal(recs[0]!.line, 1);
    assert.deepEqual(recs[0]!.fields, [
      ['source.ip', '10.0.0.5'], ['source.port', '51515'], ['destination.ip', '198.51.100.7'], ['destination.port', '443'], ['destination.domain', 'Evil.Example.'],
      ['url.full', 'http://evil.example/x'], ['url.original', '/x'], ['dns.question.name', 'c2.evil.example'],
      ['file.hash.sha256', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'],
      ['email.from.address', 'Boss@Evil.Example'], ['email.to.address', 'a@b.example'], ['email.to.address', 'c@d.example'],
      ['http.request.referrer', 'http://ref.example/'], ['host.ip', '192.0.2.1'],
    ]);
  });

  it('Zeek JSON: dotted names, arrays, host and uri', async () => {
    const line = JSON.stringify({ ts: 1700000000.1, uid: 'CAbc', 'id.orig_h': '10.0.0.5', 'id.orig_p': 5353, 'id.resp_h': '2001:db8::1', 'id.resp_p': 80, host: 'evil.example', uri: '/a?b=c', rcptto: ['x@evil.example'], mailfrom: '<y@evil.example>', query: 'q.evil.example', md5: 'd41d8cd98f00b204e9800998ecf8427e' });
    const { recs } = await records(line);
    assert.deepEqual(recs[0]!.fields, [
      ['id.orig_h', '10.0.0.5'], ['id.orig_p', '5353'], ['id.resp_h', '2001:db8::1'], ['id.resp_p', '80'], ['host', 'evil.example'], ['uri', '/a?b=c'],
      ['rcptto', 'x@evil.example'], ['mailfrom', '<y@evil.example>'], ['query', 'q.evil.example'], ['md5', 'd41d8cd98f00b204e9800998ecf8427e'],
    ]);
  });

  it('Suricata EVE: dns.rrname and dns.queries[].rrname, http, tls, fileinfo, smtp; escaped values decoded', async () => {
    const lines = [
      '{"timestamp":"2025-01-01T00:00:00.000000+0000","event_type":"dns","src_ip":"10.0.0.5","src_port":53000,"dest_ip":"192.0.2.53","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"a.evil.example","queries":[{"rrname":"b.evil.example","rrtype":"A"},{"rrname":"c.evil.example"}]}}',
      '{"event_type":"http","http":{"hostname":"evil.example","url":"\\/x\\/y","http_user_agent":"Mozilla\\/5.0","http_refer":"http:\\/\\/ref.example\\/"},"tls":{"sni":"sni.evil.example","subject":"CN=sni.evil.example","issuerdn":"CN=R3"}}',
      '{"event_type":"fileinfo","fileinfo":{"filename":"\\/x.exe","md5":"d41d8cd98f00b204e9800998ecf8427e","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"smtp":{"mail_from":"<a@evil.example>","rcpt_to":["<b@evil.example>"]}}',
    ].join('\r\n');
    const { recs } = await records(lines);
    assert.deepEqual(recs.map((r) => r.line), [1, 2, 3]);
    assert.deepEqual(recs[0]!.fields, [
      ['src_ip', '10.0.0.5'], ['src_port', '53000'], ['dest_ip', '192.0.2.53'], ['dest_port', '53'], ['proto', 'UDP'],
      ['dns.rrname', 'a.evil.example'], ['dns.queries.rrname', 'b.evil.example'], ['dns.queries.rrname', 'c.evil.example'],
    ]);
    assert.deepEqual(recs[1]!.fields, [['http.hostname', 'evil.example'], ['http.url', '/x/y'], ['http.http_refer', 'http://ref.example/'], ['tls.sni', 'sni.evil.example'], ['tls.subject', 'CN=sni.evil.example']]);
    assert.deepEqual(recs[2]!.fields, [
      ['fileinfo.md5', 'd41d8cd98f00b204e9800998ecf8427e'], ['fileinfo.sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['smtp.mail_from', '<a@evil.example>'], ['smtp.rcpt_to', '<b@evil.example>'],
    ]);
  });

  it('known names below an unknown wrapper still count (EVE exported as suricata.eve.*)', async () => {
    const { recs } = await records('{"suricata":{"eve":{"src_ip":"10.0.0.5","http":{"hostname":"evil.example","url":"/a/b","http_user_agent":"bot evil.example"}}}}');
    // `url` is a path (only its name says so) and the user agent is skipped (only its name says so).
    assert.deepEqual(recs[0]!.fields, [['suricata.eve.src_ip', '10.0.0.5'], ['suricata.eve.http.hostname', 'evil.example'], ['suricata.eve.http.url', '/a/b']]);
  });
});

describe('Zeek TSV', () => {
  it('reads the header lines, unset and empty fields, sets, \\x escapes, a changed separator', async () => {
    const log = [
      '#separator \\x09',
      '#set_separator\t,',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      '#path\tdns',
      '#fields\tts\tuid\tid.orig_h\tid.resp_h\tquery\tanswers\tnote',
      '#types\ttime\tstring\taddr\taddr\tstring\tvector[string]\tstring',
      '1700000000.000000\tC1\t10.0.0.5\t192.0.2.53\ta.evil.example\t198.51.100.7,b.evil.example\tsee\\x20c.evil.example',
      '1700000001.000000\tC2\t10.0.0.6\t-\t-\t(empty)\t-',
      '#close\t2025-01-01-00-00-00',
      '#separator \\x7c',
      '#fields|id.orig_h|host|uri',
      '#types|addr|string|string',
      '10.0.0.7|evil.example|/p\\x7cq',
    ].join('\n');
    const { recs, stream } = await records(log, undefined, 5);
    assert.equal(stream.format, 'zeek-tsv');
    assert.deepEqual(recs.map((r) => [r.line, r.fields]), [
      [8, [['id.orig_h', '10.0.0.5'], ['id.resp_h', '192.0.2.53'], ['query', 'a.evil.example'], ['answers', '198.51.100.7'], ['answers', 'b.evil.example']]],
      [9, [['id.orig_h', '10.0.0.6']]],
      [14, [['id.orig_h', '10.0.0.7'], ['host', 'evil.example'], ['uri', '/p|q']]],
    ]);
    assert.equal(stream.lines, 14);
  });
});

describe('CSV', () => {
  it('splits RFC 4180 records', () => {
    assert.deepEqual(splitCsv('a,"b,c","d ""e""",,f', ','), ['a', 'b,c', 'd "e"', '', 'f']);
    assert.equal(splitCsv('a,"open', ','), undefined);
  });

  it('reads every column by its header, or by shape; a quoted field may span lines', async () => {
    const csv = 'time,src_ip,Destination,comment,url\n2025-01-01,10.0.0.5,"198.51.100.7","see evil.example, ok",\n2025-01-02,10.0.0.6,evil.example,"line one\nline two",http://evil.example/x\n';
    const { recs, stream } = await records(csv);
    assert.equal(stream.format, 'csv');
    assert.deepEqual(recs, [
      { line: 2, fields: [['src_ip', '10.0.0.5'], ['Destination', '198.51.100.7']] },
      { line: 3, fields: [['src_ip', '10.0.0.6'], ['Destination', 'evil.example'], ['url', 'http://evil.example/x']] },
    ]);
  });

  it('uses a semicolon or tab when the header does', async () => {
    const { recs } = await records('domain;note\nEvil.Example;x\n');
    assert.deepEqual(recs, [{ line: 2, fields: [['domain', 'Evil.Example']] }]);
  });
});

describe('plain text', () => {
  it('extracts IPs, domains, URLs, hashes and e-mail addresses as written', async () => {
    const text = 'Jan  1 00:00:00 gw sshd[1]: Failed password for root from 198.51.100.7 port 22\nfetch http://evil.example/a.exe md5=D41D8CD98F00B204E9800998ECF8427E by boss@evil.example via cdn.evil.example.\n';
    const { recs, stream } = await records(text);
    assert.equal(stream.format, 'text');
    assert.deepEqual(recs, [
      { line: 1, fields: [['text', '198.51.100.7']] },
      { line: 2, fields: [['text', 'http://evil.example/a.exe'], ['text', 'D41D8CD98F00B204E9800998ECF8427E'], ['text', 'boss@evil.example'], ['text', 'cdn.evil.example']] },
    ]);
  });
});

describe('format detection', () => {
  const cases: [string, LogFormat][] = [
    ['{"a":1}\n', 'json'],
    ['\ufeff  \n{"a":1}', 'json'],
    ['#separator \\x09\n#fields\tts', 'zeek-tsv'],
    ['#fields\tts\tuid\n', 'zeek-tsv'],
    ['timestamp,src_ip,dst_ip\n1,2,3', 'csv'],
    ['"source.ip";"url"\n', 'csv'],
    ['Jan  1 00:00:00 host sshd[1]: message, with a comma\n', 'text'],
    ['198.51.100.7\nevil.example\n', 'text'],
  ];
  for (const [head, want] of cases) it(`${JSON.stringify(head.slice(0, 30))} → ${want}`, () => assert.equal(detectFormat(Buffer.from(head)), want));

  it('can be forced', async () => {
    const { recs, stream } = await records('{"not":"json" but text 198.51.100.7}\n', 'text');
    assert.equal(stream.format, 'text');
    assert.deepEqual(recs, [{ line: 1, fields: [['text', '198.51.100.7']] }]);
  });
});
