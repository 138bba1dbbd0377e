/**
 * Benchmark: STIX pattern parsing and equality compilation, in process.
 * A fixed mix of real-world shapes: single equality (most indicators), OR-ed
 * values, hashes, AND with LIKE/MATCHES, observation operators with
 * qualifiers. Patterns are built before the clock starts.
 *   node --import tsx bench/pattern-parse.ts [N]
 */
import { compileEquality, parsePattern } from '../src/intel/pattern/index.js';

const N = Number(process.argv[2] ?? 500_000);
const shapes = [
  (i: number) => `[ipv4-addr:value = '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}']`,
  (i: number) => `[domain-name:value = 'h${i}.example.com']`,
  (i: number) => `[url:value = 'http://h${i}.example.com/path?q=${i}']`,
  (i: number) => `[file:hashes.'SHA-256' = '${i.toString(16).padStart(64, 'a')}']`,
  (i: number) => `[domain-name:value = 'a${i}.example'] OR [ipv4-addr:value = '192.0.2.${i & 255}']`,
  (i: number) => `[email-message:from_ref.value MATCHES '.+@evil${i}\\\\.example$' AND email-message:subject LIKE '%invoice%']`,
  (i: number) => `([ipv4-addr:value = '198.51.100.${i & 255}'] FOLLOWEDBY [domain-name:value = 'c2-${i}.example']) WITHIN 600 SECONDS`,
  (i: number) => `[network-traffic:dst_port IN (80, 443, ${1024 + (i % 60000)}) AND network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24'] REPEATS 3 TIMES`,
];
// Weights close to real feeds: ~85% single equality, ~10% OR-ed values, ~5% the rest.
const mix = [0, 0, 0, 1, 1, 2, 3, 0, 1, 0, 2, 3, 0, 1, 0, 2, 4, 0, 1, 5, 6, 7];
const patterns = Array.from({ length: N }, (_, i) => shapes[mix[i % mix.length]!]!(i));
let chars = 0;
for (const p of patterns) chars += p.length;

for (let i = 0; i < 20_000; i++) parsePattern(patterns[i]!); // warm-up
let t0 = performance.now();
for (const p of patterns) parsePattern(p);
let secs = (performance.now() - t0) / 1000;
console.log(`parse: ${N} patterns (avg ${Math.round(chars / N)} chars) in ${secs.toFixed(2)} s = ${Math.round(N / secs)} patterns/s`);
t0 = performance.now();
let compiled = 0;
for (const p of patterns) if (compileEquality(parsePattern(p))) compiled++;
secs = (performance.now() - t0) / 1000;
console.log(`parse + compileEquality: ${Math.round(N / secs)} patterns/s; ${((compiled / N) * 100).toFixed(1)}% compile to hash lookups`);
