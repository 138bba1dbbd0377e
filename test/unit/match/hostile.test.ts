import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileIndicatorsSync } from '../../../src/match/compile.js';
import { cutLines } from '../../../src/match/lines.js';
import { matchStream, type Hit, type MatchOptions, type MatchRun } from '../../../src/match/matcher.js';
import { readRecords, type LogFormat } from '../../../src/match/readers.js';

const compiled = compileIndicatorsSync([
  { id: 'indicator--00000000-0000-4000-8000-000000000001', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', tlp: 'GREEN' },
  { id: 'indicator--00000000-0000-4000-8000-000000000002', pattern: "[domain-name:value = 'evil.example']", pattern_type: 'stix', tlp: 'GREEN' },
  { id: 'indicator--00000000-0000-4000-8000-000000000003', pattern: "[domain-name:value LIKE '%.bad.example']", pattern_type: 'stix', tlp: 'GREEN' },
]);

async function* parts(...pieces: (Buffer | string)[]): AsyncGenerator<Buffer> {
  for (const p of pieces) yield Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
}

/** `total` bytes of `byte` in chunks of `chunk`, produced lazily (never held whole). */
async function* flood(total: number, chunk: number, byte = 0x78): AsyncGenerator<Buffer> {
  const piece = Buffer.alloc(chunk, byte);
  for (let sent = 0; sent < total; sent += chunk) yield piece.subarray(0, Math.min(chunk, total - sent));
}

async function collect(run: MatchRun): Promise<Hit[]> {
  const out: Hit[] = [];
  for await (const h of run) out.push(h);
  return out;
}

const MB = 1 << 20;

describe('hostile input', () => {
  it('a 5 MB line without a newline, in small chunks, is dropped without being buffered, and counted', async () => {
    async function* input(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"src_ip":"198.51.100.7"}\n{"pad":"');
      yield* flood(5 * MB, 64 * 1024);
      yield Buffer.from('"}\n{"dns":{"rrname":"evil.example"}}\n');
    }
    let biggest = 0;
    for await (const b of cutLines(input())) biggest = Math.max(biggest, b.buf.length);
    assert.ok(biggest <= 64 * 1024 + 64, `largest batch ${biggest} bytes`);

    const run = matchStream(compiled, input());
    const hits = await collect(run);
    assert.deepEqual(hits.map((h) => [h.line, h.value]), [[1, '198.51.100.7'], [3, 'evil.example']]);
    assert.equal(run.stats.skipped.tooLong, 1);
    assert.equal(run.stats.lines, 3);
    assert.equal(run.stats.bytes, 5 * MB + Buffer.byteLength('{"src_ip":"198.51.100.7"}\n{"pad":"') + Buffer.byteLength('"}\n{"dns":{"rrname":"evil.example"}}\n'));
  });

  it('a 5 MB line arriving in one chunk, and one that never ends, are both counted', async () => {
    const big = Buffer.alloc(5 * MB, 0x61);
    const run = matchStream(compiled, parts(big, '\n{"src_ip":"198.51.100.7"}\n'));
    assert.deepEqual((await collect(run)).map((h) => h.line), [2]);
    assert.equal(run.stats.skipped.tooLong, 1);

    const endless = matchStream(compiled, (async function* () {
      yield Buffer.from('{"src_ip":"198.51.100.7"}\n');
      yield* flood(3 * MB, 100_000);
    })());
    assert.deepEqual((await collect(endless)).map((h) => h.line), [1]);
    assert.equal(endless.stats.skipped.tooLong, 1);
    assert.equal(endless.stats.lines, 2);
  });

  it('binary junk, invalid UTF-8 and invalid JSON are skipped and counted by reason', async () => {
    const junk = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x80, 0x22, 0x7d]);
    const badUtf8 = Buffer.concat([Buffer.from('{"dns":{"rrname":"evil.example","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const run = matchStream(compiled, parts(
      '{"src_ip":"198.51.100.7"}\n', junk, '\n', badUtf8, '\n', '{"a":\n', '{]\n', '[1,2]\n', '"str"\n', 'null\n', '{"a":1}}\n', '{"dns":{"rrname":"evil.example"}}\n',
    ), { format: 'json' });
    assert.deepEqual((await collect(run)).map((h) => h.line), [1, 10]);
    assert.deepEqual(run.stats.skipped, { tooLong: 0, invalidUtf8: 2, invalidJson: 3, notObject: 3, binary: 0, malformed: 0 });
    assert.equal(run.stats.records, 2);
  });

  it('text input: control characters mark binary lines', async () => {
    const run = matchStream(compiled, parts('ok evil.example\n', Buffer.from([0x65, 0x76, 0x00, 0x31, 0x0a]), 'again 198.51.100.7\n'), { format: 'text' });
    assert.deepEqual((await collect(run)).map((h) => h.line), [1, 3]);
    assert.equal(run.stats.skipped.binary, 1);
  });

  it('deep nesting, huge objects, __proto__ keys and odd values neither crash nor pollute', async () => {
    const deep = `${'{"a":'.repeat(5000)}"198.51.100.7"${'}'.repeat(5000)}`;
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, i % 1000 === 0 ? 'evil.example' : i])));
    const proto = '{"__proto__":{"src_ip":"198.51.100.7"},"constructor":{"prototype":{"x":"evil.example"}}}';
    const odd = '{"src_ip":123,"dest_ip":["198.51.100.7",null,{"ip":"198.51.100.7"}],"dns":{"rrname":{"nested":"evil.example"}}}';
    const run = matchStream(compiled, parts(`${deep}\n${wide}\n${proto}\n${odd}\n`));
    const hits = await collect(run);
    assert.equal(({} as Record<string, unknown>).src_ip, undefined);
    assert.deepEqual([...new Set(hits.map((h) => h.line))], [2, 3, 4]);
    assert.equal(hits.filter((h) => h.line === 2).length, 20);
    assert.deepEqual(hits.filter((h) => h.line === 4).map((h) => h.field), ['dest_ip', 'dest_ip.ip', 'dns.rrname.nested']);
  });

  it('CSV: an unterminated quote is dropped once it grows past the limit, and reading resumes; Zeek data before a header is malformed', async () => {
    const csv = `domain,n\n"evil.example,1\n${'x,\n'.repeat(50)}evil.example,2\n`;
    const run = matchStream(compiled, parts(csv), { format: 'csv', maxLineBytes: 64 });
    const hits = await collect(run);
    assert.deepEqual(hits.map((h) => h.line), [53]);
    assert.ok(run.stats.skipped.malformed >= 1);

    const atEnd = matchStream(compiled, parts('domain,n\n"evil.example,1\n'), { format: 'csv' });
    assert.deepEqual(await collect(atEnd), []);
    assert.equal(atEnd.stats.skipped.malformed, 1);

    const tsv = matchStream(compiled, parts('198.51.100.7\tx\n#fields\tid.orig_h\n198.51.100.7\n'), { format: 'zeek-tsv' });
    assert.deepEqual((await collect(tsv)).map((h) => h.line), [3]);
    assert.equal(tsv.stats.skipped.malformed, 1);
  });

  it('random bytes in random chunkings never throw, in any format, and every line is counted', async () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const alphabet = Buffer.from('{}[]":,\\ \n\r\t0123456789abcdef.-@/%#x\u00ff', 'latin1');
    for (const format of ['json', 'zeek-tsv', 'csv', 'text', undefined] as (LogFormat | undefined)[]) {
      for (let round = 0; round < 20; round++) {
        const len = rnd(4000);
        const bytes = Buffer.alloc(len);
        for (let i = 0; i < len; i++) bytes[i] = rnd(4) === 0 ? rnd(256) : (alphabet[rnd(alphabet.length)] as number);
        const pieces: Buffer[] = [];
        for (let i = 0; i < len; ) {
          const n = 1 + rnd(300);
          pieces.push(bytes.subarray(i, i + n));
          i += n;
        }
        const options: MatchOptions = { maxLineBytes: 256, ...(format ? { format } : {}) };
        const run = matchStream(compiled, parts(...pieces), options);
        await collect(run);
        let newlines = 0;
        for (const b of bytes) if (b === 10) newlines++;
        const expected = newlines + (len > 0 && bytes[len - 1] !== 10 ? 1 : 0);
        assert.equal(run.stats.lines, expected, `${format} round ${round}`);
        assert.equal(run.stats.bytes, len);
        const records = readRecords(parts(...pieces), options);
        for await (const _r of records) void _r;
        assert.equal(records.lines, expected);
      }
    }
  });
});
