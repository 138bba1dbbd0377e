/**
 * Benchmark: the indicator matcher against `LC_ALL=C grep -F -c -f values.txt`
 * on the same JSON-lines log, whole process, side by side in one run.
 *
 * Generates deterministically into /tmp/accord-bench-match/ (reused when the
 * sizes match): N indicators (mixed hashes, domains, URLs, IPv4/IPv6
 * addresses, CIDRs and a few general patterns), `values.txt` with the same
 * values one per line, and a log of EVE/ECS/Zeek-style JSON lines of about
 * SIZE bytes in which ~0.5% of lines carry an indicator value.
 *   node --import tsx bench/match-logs.ts [SIZE_MB=1024] [N=1000000] [--workers K] [--no-grep]
 *
 * grep and Accord do not compute the same thing: grep counts lines holding any
 * value as a substring (so `10.1.2.3` also hits `110.1.2.35`, and a CIDR only
 * hits its own text); Accord reports each field whose value matches an
 * indicator after normalisation (CIDR containment, parent domains, URL
 * normalisation). The figures compare throughput, not results.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { IndicatorInput } from '../src/match/compile.js';
import type { MatchRun } from '../src/match/matcher.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && (args[i - 1] === '--workers')));
const SIZE_MB = Number(positional[0] ?? 1024);
const N = Number(positional[1] ?? 1_000_000);
const WORKERS = Number(flag('--workers') ?? Math.min(availableParallelism(), 2));
const RUN_GREP = !args.includes('--no-grep');
const DIR = '/tmp/accord-bench-match';

// ---------------------------------------------------------------------------
// Deterministic data

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const WORDS = ['cdn', 'api', 'mail', 'update', 'login', 'secure', 'static', 'img', 'files', 'portal', 'track', 'auth', 'shop', 'news', 'cloud', 'data'];
const TLDS = ['com', 'net', 'org', 'io', 'example', 'info', 'biz', 'xyz', 'co.uk', 'de'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[(r() * 16) | 0];
  return s;
}
function word(r: () => number, min: number, max: number): string {
  const n = min + ((r() * (max - min + 1)) | 0);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[(r() * (i === 0 ? 26 : 36)) | 0];
  return s;
}
function domain(r: () => number): string {
  return `${word(r, 5, 12)}.${TLDS[(r() * TLDS.length) | 0]}`;
}
function ipv4(r: () => number): string {
  return `${1 + ((r() * 222) | 0)}.${(r() * 256) | 0}.${(r() * 256) | 0}.${1 + ((r() * 254) | 0)}`;
}
function ipv6(r: () => number): string {
  return `2001:db8:${hex(r, 4).replace(/^0+(?=.)/, '')}:${hex(r, 3).replace(/^0+(?=.)/, '')}::${hex(r, 3).replace(/^0+(?=.)/, '')}`;
}
function uuid(i: number): string {
  const h = i.toString(16).padStart(12, '0');
  return `indicator--5e1c0b6a-7d2f-4c3e-9a8b-${h}`;
}

interface GenIndicator {
  kind: 'sha256' | 'md5' | 'sha1' | 'domain' | 'url' | 'ipv4' | 'ipv6' | 'cidr' | 'general';
  value: string;
  pattern: string;
}

function genIndicator(r: () => number, i: number): GenIndicator {
  const x = r();
  if (x < 0.22) { const v = hex(r, 64); return { kind: 'sha256', value: v, pattern: `[file:hashes.'SHA-256' = '${v}']` }; }
  if (x < 0.32) { const v = hex(r, 32); return { kind: 'md5', value: v, pattern: `[file:hashes.MD5 = '${v}']` }; }
  if (x < 0.36) { const v = hex(r, 40); return { kind: 'sha1', value: v, pattern: `[file:hashes.'SHA-1' = '${v}']` }; }
  if (x < 0.62) { const v = r() < 0.3 ? `${WORDS[(r() * WORDS.length) | 0]}.${domain(r)}` : domain(r); return { kind: 'domain', value: v, pattern: `[domain-name:value = '${v}']` }; }
  if (x < 0.74) {
    const v = `${r() < 0.7 ? 'http' : 'https'}://${domain(r)}/${word(r, 3, 10)}/${word(r, 4, 12)}.php?id=${(r() * 1e6) | 0}`;
    return { kind: 'url', value: v, pattern: `[url:value = '${v}']` };
  }
  if (x < 0.90) { const v = ipv4(r); return { kind: 'ipv4', value: v, pattern: `[ipv4-addr:value = '${v}']` }; }
  if (x < 0.93) { const v = ipv6(r); return { kind: 'ipv6', value: v, pattern: `[ipv6-addr:value = '${v}']` }; }
  if (x < 0.99996 || i < 0) {
    const p = 20 + ((r() * 9) | 0);
    const a = ipv4(r).split('.').map(Number) as [number, number, number, number];
    const n = ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;
    const base = (n & (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0)) >>> 0;
    const v = `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${p}`;
    return { kind: 'cidr', value: v, pattern: r() < 0.5 ? `[ipv4-addr:value ISSUBSET '${v}']` : `[ipv4-addr:value = '${v}']` };
  }
  // A few general patterns: most anchored on an address (AND with a port), some MATCHES on domains (evaluated on every record).
  if (r() < 0.9) {
    const v = ipv4(r);
    return { kind: 'general', value: v, pattern: `[network-traffic:dst_ref.value = '${v}' AND network-traffic:dst_port = 443]` };
  }
  const w = word(r, 6, 8);
  return { kind: 'general', value: w, pattern: `[domain-name:value MATCHES '^${w}[0-9]+\\\\.example$']` };
}

function generate(): { indicators: string; values: string; log: string } {
  mkdirSync(DIR, { recursive: true });
  const indicators = join(DIR, `indicators-${N}.jsonl`);
  const values = join(DIR, `values-${N}.txt`);
  const log = join(DIR, `log-${SIZE_MB}mb-${N}.jsonl`);
  const sample: GenIndicator[] = [];
  if (!existsSync(indicators) || !existsSync(values)) {
    const r = rng(1);
    let ind = '';
    let vals = '';
    const fi = openSync(indicators, 'w');
    const fv = openSync(values, 'w');
    for (let i = 0; i < N; i++) {
      const g = genIndicator(r, i);
      ind += `${JSON.stringify({ id: uuid(i), pattern: g.pattern, pattern_type: 'stix', tlp: TLPS[i % 5], name: `bench ${g.kind} ${i}` })}\n`;
      if (g.kind !== 'general') vals += `${g.value}\n`;
      if (ind.length > 1 << 22) { writeSync(fi, ind); writeSync(fv, vals); ind = ''; vals = ''; }
    }
    writeSync(fi, ind); writeSync(fv, vals);
    closeSync(fi); closeSync(fv);
  }
  if (!existsSync(log) || statSync(log).size < SIZE_MB * 1048576) {
    // Hits are drawn from the indicators (every 997th) so the log needs no second pass over the file.
    const r = rng(7);
    const ri = rng(1);
    for (let i = 0; i < N && sample.length < 4000; i++) {
      const g = genIndicator(ri, i);
      if (i % 251 === 0 && g.kind !== 'general') sample.push(g);
    }
    const fd = openSync(log, 'w');
    const target = SIZE_MB * 1048576;
    let written = 0;
    let buf = '';
    let n = 0;
    const ts = Date.UTC(2025, 0, 1);
    while (written < target) {
      const hit = r() < 0.005 ? sample[(r() * sample.length) | 0] : undefined;
      buf += `${logLine(r, n++, ts, hit)}\n`;
      if (buf.length > 1 << 22) { written += Buffer.byteLength(buf); writeSync(fd, buf); buf = ''; }
    }
    writeSync(fd, buf);
    closeSync(fd);
  }
  return { indicators, values, log };
}

function logLine(r: () => number, n: number, ts: number, hit: GenIndicator | undefined): string {
  const t = new Date(ts + n * 13).toISOString();
  const src = `10.${(r() * 256) | 0}.${(r() * 256) | 0}.${(r() * 256) | 0}`;
  let dst = ipv4(r);
  let host = `${WORDS[(r() * WORDS.length) | 0]}.${domain(r)}`;
  const url = `/${word(r, 3, 9)}/${word(r, 3, 12)}.html`;
  let sha256 = hex(r, 64);
  let md5 = hex(r, 32);
  if (hit) {
    if (hit.kind === 'ipv4' || hit.kind === 'ipv6') dst = hit.value;
    else if (hit.kind === 'cidr') dst = hit.value.split('/')[0] as string;
    else if (hit.kind === 'domain') host = hit.value;
    else if (hit.kind === 'sha256') sha256 = hit.value;
    else if (hit.kind === 'md5' || hit.kind === 'sha1') md5 = hit.value;
  }
  const flow = 1_000_000_000_000 + n * 7;
  const sp = 1024 + ((r() * 60000) | 0);
  const shape = hit?.kind === 'url' ? 6 : (r() * 6) | 0;
  switch (shape) {
    case 0:
      return `{"timestamp":"${t}","flow_id":${flow},"in_iface":"eth0","event_type":"dns","src_ip":"${src}","src_port":${sp},"dest_ip":"${dst}","dest_port":53,"proto":"UDP","dns":{"type":"query","id":${(r() * 65536) | 0},"rrname":"${host}","rrtype":"A","tx_id":0}}`;
    case 1:
      return `{"timestamp":"${t}","flow_id":${flow},"in_iface":"eth0","event_type":"http","src_ip":"${src}","src_port":${sp},"dest_ip":"${dst}","dest_port":80,"proto":"TCP","tx_id":0,"http":{"hostname":"${host}","url":"${url}","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":${(r() * 100000) | 0}}}`;
    case 2:
      return `{"timestamp":"${t}","flow_id":${flow},"in_iface":"eth0","event_type":"tls","src_ip":"${src}","src_port":${sp},"dest_ip":"${dst}","dest_port":443,"proto":"TCP","tls":{"subject":"CN=${host}","issuerdn":"C=US, O=Let's Encrypt, CN=R3","serial":"04:${hex(r, 2)}:${hex(r, 2)}","fingerprint":"${hex(r, 2)}:${hex(r, 2)}:${hex(r, 2)}","sni":"${host}","version":"TLS 1.2","notbefore":"2024-11-01T00:00:00","notafter":"2025-01-30T00:00:00"}}`;
    case 3:
      return `{"timestamp":"${t}","flow_id":${flow},"in_iface":"eth0","event_type":"fileinfo","src_ip":"${dst}","src_port":80,"dest_ip":"${src}","dest_port":${sp},"proto":"TCP","http":{"hostname":"${host}","url":"${url}"},"app_proto":"http","fileinfo":{"filename":"${url}","magic":"PE32 executable (GUI) Intel 80386, for MS Windows","gaps":false,"state":"CLOSED","md5":"${md5}","sha256":"${sha256}","stored":false,"size":${(r() * 1e7) | 0},"tx_id":0}}`;
    case 4:
      return `{"@timestamp":"${t}","event":{"kind":"event","category":["network"],"type":["connection"],"dataset":"zeek.conn"},"source":{"ip":"${src}","port":${sp}},"destination":{"ip":"${dst}","port":443,"domain":"${host}"},"network":{"transport":"tcp","bytes":${(r() * 1e6) | 0}},"observer":{"name":"sensor-${(r() * 20) | 0}"},"ecs":{"version":"8.11.0"}}`;
    case 5:
      return `{"ts":${(ts + n * 13) / 1000},"uid":"C${word(r, 17, 17)}","id.orig_h":"${src}","id.orig_p":${sp},"id.resp_h":"${dst}","id.resp_p":53,"proto":"udp","trans_id":${(r() * 65536) | 0},"query":"${host}","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["${ipv4(r)}"],"TTLs":[300.0],"rejected":false}`;
    default:
      return `{"@timestamp":"${t}","event":{"kind":"event","dataset":"proxy"},"source":{"ip":"${src}"},"url":{"full":"${hit?.kind === 'url' ? hit.value : `http://${host}${url}`}"},"user_agent":{"original":"curl/8.5.0"},"http":{"request":{"method":"GET"},"response":{"status_code":200}}}`;
  }
}

// ---------------------------------------------------------------------------
// Runs

function cpuSecs(since: NodeJS.CpuUsage): string {
  const u = process.cpuUsage(since);
  return ((u.user + u.system) / 1e6).toFixed(1);
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

async function main(): Promise<void> {
  const tg = performance.now();
  const files = generate();
  if (args.includes('--generate-only')) return;
  const { compileIndicators } = await import('../src/match/compile.js');
  const { matchStream } = await import('../src/match/matcher.js');
  const { MatcherPool } = await import('../src/match/parallel.js');
  const { openMatchInput, readJsonLines } = await import('../src/cli/match-input.js');
  const logBytes = statSync(files.log).size;
  const logMiB = logBytes / 1048576;
  console.log(`data: ${files.log} (${mb(logBytes)} MiB), ${N} indicators (${files.values}); generation/reuse ${((performance.now() - tg) / 1000).toFixed(1)} s`);
  const rows: string[][] = [];
  console.log(`load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`);

  // Warm the page cache so neither side pays for the first read.
  spawnSync('cat', [files.log], { stdio: ['ignore', 'ignore', 'inherit'] });

  if (RUN_GREP) {
    const grep = (target: string): { secs: number; cpu: string; out: string; peakMiB: string; status: number | null; err: string } => {
      const t0 = process.hrtime.bigint();
      const g = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'grep', '-F', '-c', '-f', files.values, target], { env: { ...process.env, LC_ALL: 'C' }, encoding: 'utf8', maxBuffer: 1 << 20 });
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const [peakKb, user, sys] = (g.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number) as [number, number, number];
      return { secs, cpu: Number.isFinite(user) ? (user + sys).toFixed(1) : '?', out: g.stdout.trim(), peakMiB: Number.isFinite(peakKb) ? (peakKb / 1024).toFixed(0) : '?', status: g.status, err: g.stderr };
    };
    const build = grep('/dev/null');
    const full = grep(files.log);
    if (full.status !== 0 && full.status !== 1) console.log(`grep exited ${full.status}: ${full.err.slice(0, 500)}`);
    rows.push(['grep: pattern build only (grep -F -f values.txt /dev/null)', `${build.secs.toFixed(2)} s (cpu ${build.cpu} s)`, '', '', `peak RSS ${build.peakMiB} MiB`]);
    rows.push(['grep -F -c -f values.txt log (LC_ALL=C)', `${full.secs.toFixed(2)} s (cpu ${full.cpu} s)`, `${(logMiB / full.secs).toFixed(1)} MiB/s (scan alone ${(logMiB / Math.max(full.secs - build.secs, 1e-9)).toFixed(1)})`, `${full.out} lines matched (substrings)`, `peak RSS ${full.peakMiB} MiB`]);
  }

  global.gc?.();
  const heap0 = process.memoryUsage();
  const tc = performance.now();
  const cc = process.cpuUsage();
  const compiled = await compileIndicators(readJsonLines(openMatchInput(files.indicators).chunks) as AsyncIterable<IndicatorInput>, { shared: true });
  const compileSecs = (performance.now() - tc) / 1000;
  const compileCpu = cpuSecs(cc);
  const peakCompile = process.resourceUsage().maxRSS * 1024;
  global.gc?.();
  const heap1 = process.memoryUsage();
  const set = compiled.stats;
  rows.push([
    'accord compile (read + parse + index)',
    `${compileSecs.toFixed(2)} s (cpu ${compileCpu} s)`,
    `${Math.round(set.total / compileSecs)} indicators/s`,
    `${set.compiled} compiled, ${set.general} general (${set.anchored} anchored)`,
    `tables ${mb(compiled.byteLength())} MiB + metadata heap ${mb(heap1.heapUsed - heap0.heapUsed)} MiB; RSS after ${mb(heap1.rss)} MiB, peak ${mb(peakCompile)} MiB`,
  ]);

  const matchRow = async (label: string, open: () => MatchRun): Promise<void> => {
    const tm = performance.now();
    const c0 = process.cpuUsage();
    const run = open();
    let hits = 0;
    for await (const _hit of run) hits++;
    const secs = (performance.now() - tm) / 1000;
    const cpu = cpuSecs(c0);
    const st = run.stats;
    rows.push([
      label,
      `${secs.toFixed(2)} s (cpu ${cpu} s, all threads)`,
      `${(logMiB / secs).toFixed(1)} MiB/s`,
      `${hits} hits in ${st.linesWithHits} of ${st.lines} lines; ${st.generalEvaluations} general evaluations`,
      `${Math.round(st.lines / secs)} lines/s; RSS ${mb(process.memoryUsage().rss)} MiB, peak ${mb(process.resourceUsage().maxRSS * 1024)} MiB`,
    ]);
  };
  if (WORKERS > 0) {
    // Worker start-up (module loading; slower under tsx than from dist/) is counted in the match time.
    let pool: InstanceType<typeof MatcherPool> | undefined;
    await matchRow(`accord match, ${WORKERS} worker threads (start-up included)`, () => {
      pool = new MatcherPool(compiled, { workers: WORKERS });
      return pool.match(openMatchInput(files.log).chunks);
    });
    await pool?.close();
  }
  if (WORKERS === 0 || args.includes('--single')) await matchRow('accord match, calling thread only', () => matchStream(compiled, openMatchInput(files.log).chunks));

  // The machine may be shared: the load average says how much the wall times are worth.
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`);
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length), 4));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(['run', 'time', 'rate', 'result', 'memory']));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

await main();
