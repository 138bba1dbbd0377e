import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openMatchInput, readJsonLines } from '../../../src/cli/match-input.js';
import { compileIndicators, type IndicatorInput } from '../../../src/match/compile.js';
import { matchStream } from '../../../src/match/matcher.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-match-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function all(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

describe('match input', () => {
  it('opens a file in chunks of the read size, with its size and a byte count', async () => {
    const path = join(dir, 'log.jsonl');
    const text = '{"src_ip":"198.51.100.7"}\n'.repeat(1000);
    writeFileSync(path, text);
    const input = openMatchInput(path, { highWaterMark: 4096 });
    assert.equal(input.size, Buffer.byteLength(text));
    assert.equal(input.name, path);
    let largest = 0;
    const parts: Buffer[] = [];
    for await (const c of input.chunks) {
      largest = Math.max(largest, c.length);
      parts.push(c);
    }
    assert.equal(largest, 4096);
    assert.equal(Buffer.concat(parts).toString(), text);
    assert.equal(input.bytesRead, Buffer.byteLength(text));
  });

  it('decompresses .gz files (size unknown then)', async () => {
    const path = join(dir, 'log.jsonl.gz');
    const text = '{"dns":{"rrname":"evil.example"}}\n'.repeat(500);
    writeFileSync(path, gzipSync(text));
    const input = openMatchInput(path);
    assert.equal((await all(input.chunks)).toString(), text);
  });

  it('reads indicator JSON lines for the compiler, reporting bad lines', async () => {
    const path = join(dir, 'indicators.jsonl');
    const lines = [
      JSON.stringify({ id: 'indicator--00000000-0000-4000-8000-000000000001', pattern: "[domain-name:value = 'evil.example']", pattern_type: 'stix', tlp: 'GREEN', name: 'ünïcödé' }),
      'not json',
      '',
      JSON.stringify({ id: 'indicator--00000000-0000-4000-8000-000000000002', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', tlp: 'RED' }),
    ];
    writeFileSync(path, lines.join('\n'));
    const errors: number[] = [];
    // Tiny chunks split multi-byte characters: the decoder must carry them over.
    const compiled = await compileIndicators(readJsonLines(openMatchInput(path, { highWaterMark: 5 }).chunks, (line) => errors.push(line)) as AsyncIterable<IndicatorInput>);
    assert.deepEqual(errors, [2]);
    assert.equal(compiled.stats.compiled, 2);
    assert.equal(compiled.indicator(0).name, 'ünïcödé');
    const hits: string[] = [];
    for await (const h of matchStream(compiled, openMatchInput(join(dir, 'log.jsonl.gz')).chunks)) hits.push(h.value);
    assert.equal(hits.length, 500);
  });
});
