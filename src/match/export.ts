import { normalizeDomain, safeStixId } from '../intel/export/csv.js';
import { suricataMsg } from '../intel/export/suricata.js';
import { zeekExporter, type ZeekOptions } from '../intel/export/zeek.js';
import { parseStixTimestamp } from '../intel/timestamp.js';
import { TLP_LEVELS, type TlpLevel } from '../intel/tlp.js';
import type { CompiledIndicators, IndicatorInput } from './compile.js';
import { MatchError } from './errors.js';
import { formatNetwork, parseNetwork, type Network } from './ip.js';
import { normalizeEmail, normalizeHash, normalizeUrl } from './normalize.js';
import { lookupV4, lookupV6 } from './ranges.js';
import { KeyKind, lookupKey } from './table.js';
import { patternTerms, type IndexKind, type MatchTerm } from './terms.js';

/**
 * Sensor exports from the indicator list the matcher compiles — the same
 * input shape, the same terms (`patternTerms`), the same normal forms — so a
 * sensor and `accord match` agree on what is listed:
 *
 * - Suricata datasets (docs.suricata.io, rules/datasets): `type string` sets
 *   hold one base64 line per value (domains, e-mail addresses), `md5` and
 *   `sha256` sets one hex line, `ip` sets one address per line (IPv4 or IPv6;
 *   datasets hold no CIDR blocks). The md5/sha256 files double as
 *   `filemd5`/`filesha256` lists; a rules file using them all comes along.
 * - Suricata IP reputation (reputation/ipreputation/ip-reputation-format):
 *   `categories.txt` (`id,short name,description`, one category per TLP
 *   level) and `accord.list` (`ip-or-cidr,category,score`, score 1–127 from
 *   the STIX confidence, 100 → 127 when absent).
 * - A Zeek intel file, written by the intel exporters' `zeekExporter` (the
 *   REST export's format: Intel::ADDR, SUBNET, DOMAIN, URL without scheme,
 *   EMAIL, FILE_HASH).
 * - Plain blocklists, one normal value per line, per kind.
 *
 * Like the intel exporters, networks wider than /8 are not exported (an
 * indicator covering 1/256 of the address space is a mistake or sabotage).
 *
 * Incremental refresh: with `since`, additions are the current indicators
 * changed after `since` (`modified`, else `created`; neither counts as
 * changed) and removals those revoked after it or whose `valid_until` fell
 * in (since, now]. Removals go to `*.removed.*` files in the same formats;
 * given the compiled set of the same list, a value still asserted by another
 * current indicator is not removed. Suricata datasets apply removals with
 * `dataset-remove` (unix socket); Zeek needs `Intel::remove` for them.
 */

export type SensorFormat = 'suricata-datasets' | 'suricata-iprep' | 'zeek-intel' | 'blocklists';
export const SENSOR_FORMATS: readonly SensorFormat[] = ['suricata-datasets', 'suricata-iprep', 'zeek-intel', 'blocklists'];

/** Where the export goes: called with a relative file path and the next piece of its text, in order. */
export interface ExportWriter {
  write(file: string, text: string): void | Promise<void>;
}

export interface SensorExportOptions {
  /** Formats to write (default all). */
  formats?: readonly SensorFormat[];
  /** Expiry is judged at this time (default now). */
  now?: Date;
  /** Incremental: only changes after this time (a Date or a STIX timestamp). */
  since?: Date | string;
  /** The compiled set of the same list, to keep values still asserted by a current indicator out of removals. */
  compiled?: CompiledIndicators;
  /** Prefix of dataset names and list files (default `accord`; letters, digits, `-` and `_`). */
  prefix?: string;
  /** First sid of the dataset rules (default 9,500,000). */
  sidBase?: number;
  /** Options of the Zeek intel file (`source`, `objectUrl`). */
  zeek?: Omit<ZeekOptions, 'now'>;
}

export interface SensorExportSummary {
  indicators: number;
  added: number;
  removed: number;
  /** Indicators left out: their pattern has no terms the formats can list (general patterns), or is not STIX. */
  notListable: number;
  /** Terms left out: networks wider than /8. */
  tooWide: number;
  /** Lines written per file (headers not counted). */
  files: Record<string, number>;
}

const MIN_PREFIX = 8;
const DEFAULT_SID_BASE = 9_500_000;

/** The `id,short name,description` lines of the IP reputation categories file: one category per TLP level. */
export function iprepCategories(prefix = 'accord'): string {
  const short = (l: TlpLevel): string => `${prefix.replace(/[^A-Za-z0-9]/g, '')}${l.replace('+', '').toLowerCase().replace(/^./, (c) => c.toUpperCase())}`;
  return TLP_LEVELS.map((l, i) => `${i + 1},${short(l)},Accord indicators marked TLP:${l}\n`).join('');
}

/** An IP reputation score (1–127) from a STIX confidence (0–100; absent: 127). */
export function iprepScore(confidence: number | undefined): number {
  if (typeof confidence !== 'number' || !Number.isFinite(confidence)) return 127;
  return Math.max(1, Math.min(127, Math.round((confidence * 127) / 100)));
}

/** The Suricata rules that use the dataset files (exact values: datasets do not walk parent domains). */
export function suricataDatasetRules(prefix = 'accord', sidBase = DEFAULT_SID_BASE): string {
  const rules: [string, string, string][] = [
    ['dns', 'dns.query', `${prefix}-domains, type string, load ${prefix}-domains.lst`],
    ['tls', 'tls.sni', `${prefix}-domains, type string, load ${prefix}-domains.lst`],
    ['http', 'http.host', `${prefix}-domains, type string, load ${prefix}-domains.lst`],
    ['ip', 'ip.src', `${prefix}-ip, type ip, load ${prefix}-ip.lst`],
    ['ip', 'ip.dst', `${prefix}-ip, type ip, load ${prefix}-ip.lst`],
  ];
  let out = `# Accord sensor export: rules for the ${prefix}-* datasets, sids ${sidBase}-${sidBase + rules.length + 1}\n`;
  rules.forEach(([proto, buffer, set], i) => {
    out += `alert ${proto} any any -> any any (msg:${suricataMsg(`ACCORD ${buffer} listed in ${prefix} intel`)}; ${buffer}; dataset:isset,${set}; sid:${sidBase + i}; rev:1;)\n`;
  });
  out += `alert http any any -> any any (msg:${suricataMsg(`ACCORD file MD5 listed in ${prefix} intel`)}; filemd5:${prefix}-md5.lst; sid:${sidBase + rules.length}; rev:1;)\n`;
  out += `alert http any any -> any any (msg:${suricataMsg(`ACCORD file SHA-256 listed in ${prefix} intel`)}; filesha256:${prefix}-sha256.lst; sid:${sidBase + rules.length + 1}; rev:1;)\n`;
  return out;
}

/** A term in its exported form: the normal value and, for addresses, the network. */
interface ExportValue {
  kind: IndexKind;
  value: string;
  net?: Network;
}

function exportValue(t: MatchTerm): ExportValue | undefined {
  switch (t.kind) {
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512': {
      const v = normalizeHash(t.value, t.kind === 'md5' ? 32 : t.kind === 'sha1' ? 40 : t.kind === 'sha256' ? 64 : 128);
      return v === undefined ? undefined : { kind: t.kind, value: v };
    }
    case 'ipv4':
    case 'ipv6':
    case 'ipv4-net':
    case 'ipv6-net': {
      const net = parseNetwork(t.value);
      return net ? { kind: t.kind, value: formatNetwork(net), net } : undefined;
    }
    case 'domain': {
      const v = normalizeDomain(t.value);
      return v === undefined ? undefined : { kind: t.kind, value: v };
    }
    case 'url': {
      const v = normalizeUrl(t.value);
      return v === undefined ? undefined : { kind: t.kind, value: v };
    }
    case 'email': {
      const v = normalizeEmail(t.value);
      return v === undefined ? undefined : { kind: t.kind, value: v };
    }
  }
}

/** True when the compiled set still lists the value (for an address: exactly that network). */
function stillListed(c: CompiledIndicators, v: ExportValue): boolean {
  const t = c.tables;
  const hasLiveRef = (refs: Int32Array, from: number, to: number): boolean => {
    for (let i = from; i < to; i++) if (t.general[refs[i] as number] === 0) return true;
    return false;
  };
  if (v.net) {
    const n = v.net;
    const b = n.family === 4 ? lookupV4(t.ranges, n.words[0] as number) : lookupV6(t.ranges, n.words);
    for (let x = b; x >= 0; x = t.ranges.parent[x] as number) {
      if (t.ranges.prefix[x] === n.prefix && t.ranges.family[x] === n.family) {
        return hasLiveRef(t.ranges.refs, t.ranges.refOffsets[x] as number, t.ranges.refOffsets[x + 1] as number);
      }
    }
    return false;
  }
  const kind = { md5: KeyKind.MD5, sha1: KeyKind.SHA1, sha256: KeyKind.SHA256, sha512: KeyKind.SHA512, domain: KeyKind.DOMAIN, url: KeyKind.URL, email: KeyKind.EMAIL }[v.kind as 'md5'];
  const e = lookupKey(t.keys, kind, v.value);
  return e >= 0 && hasLiveRef(t.keys.refs, t.keys.refOffsets[e] as number, t.keys.refOffsets[e + 1] as number);
}

/** Buffers the pieces of each file and hands them to the writer in order, ~64 KiB at a time. */
class Files {
  private readonly buffers = new Map<string, string>();
  readonly lines: Record<string, number> = {};
  constructor(private readonly writer: ExportWriter) {}

  async add(file: string, text: string, counted = true): Promise<void> {
    const b = (this.buffers.get(file) ?? '') + text;
    if (counted) this.lines[file] = (this.lines[file] ?? 0) + 1;
    else this.lines[file] ??= 0;
    if (b.length >= 65536) {
      this.buffers.set(file, '');
      await this.writer.write(file, b);
    } else {
      this.buffers.set(file, b);
    }
  }

  async flush(): Promise<void> {
    for (const [file, b] of this.buffers) if (b !== '') await this.writer.write(file, b);
    this.buffers.clear();
  }
}

function changedAfter(ind: IndicatorInput, sinceMs: number): boolean {
  const t = parseStixTimestamp(ind.modified ?? ind.created ?? '');
  return t === undefined || t.epochMs > sinceMs;
}

/** Writes the sensor files for a list of indicators (see the module comment). */
export async function exportSensorFiles(
  indicators: AsyncIterable<IndicatorInput> | Iterable<IndicatorInput>,
  writer: ExportWriter,
  options: SensorExportOptions = {},
): Promise<SensorExportSummary> {
  const formats = new Set(options.formats ?? SENSOR_FORMATS);
  for (const f of formats) if (!SENSOR_FORMATS.includes(f)) throw new MatchError('MATCH_OPTIONS_INVALID', `unknown sensor format ${JSON.stringify(String(f)).slice(0, 40)}`);
  const prefix = options.prefix ?? 'accord';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) throw new MatchError('MATCH_OPTIONS_INVALID', 'prefix must be 1-40 letters, digits, - or _');
  const nowMs = (options.now ?? new Date()).getTime();
  let sinceMs: number | undefined;
  if (options.since !== undefined) {
    sinceMs = options.since instanceof Date ? options.since.getTime() : parseStixTimestamp(options.since)?.epochMs;
    if (sinceMs === undefined || !Number.isFinite(sinceMs)) throw new MatchError('MATCH_OPTIONS_INVALID', 'since must be a date or a STIX timestamp');
  }
  const incremental = sinceMs !== undefined;
  const files = new Files(writer);
  const summary: SensorExportSummary = { indicators: 0, added: 0, removed: 0, notListable: 0, tooWide: 0, files: files.lines };
  const name = (base: string, removal: boolean): string => {
    if (!removal) return base;
    const dot = base.lastIndexOf('.');
    return `${base.slice(0, dot)}.removed${base.slice(dot)}`;
  };
  const ds = (set: string): string => `suricata/datasets/${prefix}-${set}.lst`;
  const zeekFile = `zeek/${prefix}.intel`;
  const iprepFile = `suricata/iprep/${prefix}.list`;
  const zeek = zeekExporter({ ...options.zeek });
  const zeekHeader = zeek.header();

  // Headers and fixed files first, so a full export always has every file the configuration loads.
  if (!incremental) {
    if (formats.has('suricata-datasets')) {
      for (const set of ['md5', 'sha256', 'domains', 'emails', 'ip']) await files.add(ds(set), '', false);
      await files.add(`suricata/datasets/${prefix}-datasets.rules`, suricataDatasetRules(prefix, options.sidBase), false);
    }
    if (formats.has('suricata-iprep')) {
      await files.add('suricata/iprep/categories.txt', iprepCategories(prefix), false);
      await files.add(iprepFile, '', false);
    }
    if (formats.has('zeek-intel')) await files.add(zeekFile, zeekHeader, false);
  }
  const zeekStarted = new Set<string>();

  const emit = async (ind: IndicatorInput, values: ExportValue[], removal: boolean, kept: ReadonlySet<string>): Promise<void> => {
    const tlpIndex = Math.max(0, TLP_LEVELS.indexOf(ind.tlp));
    for (const v of values) {
      if (v.net && v.net.prefix < MIN_PREFIX) {
        summary.tooWide++;
        continue;
      }
      if (formats.has('suricata-datasets')) {
        if (v.kind === 'md5' || v.kind === 'sha256') await files.add(name(ds(v.kind), removal), `${v.value}\n`);
        else if (v.kind === 'domain') await files.add(name(ds('domains'), removal), `${Buffer.from(v.value, 'utf8').toString('base64')}\n`);
        else if (v.kind === 'email') await files.add(name(ds('emails'), removal), `${Buffer.from(v.value, 'utf8').toString('base64')}\n`);
        else if (v.net && v.net.prefix === (v.net.family === 4 ? 32 : 128)) await files.add(name(ds('ip'), removal), `${v.value}\n`);
      }
      if (formats.has('suricata-iprep') && v.net) {
        await files.add(name(iprepFile, removal), `${v.value},${tlpIndex + 1},${iprepScore(ind.confidence)}\n`);
      }
      if (formats.has('blocklists')) {
        const list = v.net ? (v.net.prefix === (v.net.family === 4 ? 32 : 128) ? (v.net.family === 4 ? 'ipv4' : 'ipv6') : 'cidr') : v.kind === 'domain' ? 'domains' : v.kind === 'url' ? 'urls' : v.kind === 'email' ? 'emails' : v.kind;
        await files.add(name(`blocklists/${prefix}-${list}.txt`, removal), `${v.value}\n`);
      }
    }
    if (formats.has('zeek-intel') && safeStixId(ind.id)) {
      // The REST export's Zeek writer, fed the indicator as a STIX object (it skips revoked ones, so a removal is written as current).
      const text = zeek.line(
        { type: 'indicator', id: ind.id, pattern: ind.pattern, pattern_type: ind.pattern_type, ...(ind.name === undefined ? {} : { name: ind.name }) },
        { tlp: ind.tlp, date_added: ind.created ?? '' },
      );
      if (text !== '') {
        const file = name(zeekFile, removal);
        if (incremental && !zeekStarted.has(file)) {
          zeekStarted.add(file);
          await files.add(file, zeekHeader, false);
        }
        for (const l of text.split('\n')) {
          // A removal leaves out values another current indicator still asserts (URLs compared without their scheme, as Zeek writes them).
          if (l !== '' && !kept.has(l.slice(0, l.indexOf('\t')))) await files.add(file, `${l}\n`);
        }
      }
    }
  };

  for await (const ind of indicators) {
    summary.indicators++;
    const until = typeof ind.valid_until === 'string' ? parseStixTimestamp(ind.valid_until)?.epochMs : undefined;
    const expired = until !== undefined && until <= nowMs;
    const current = ind.revoked !== true && !expired;
    let removal = false;
    if (!current) {
      if (!incremental) continue;
      const newlyGone = ind.revoked === true ? changedAfter(ind, sinceMs as number) : (until as number) > (sinceMs as number);
      if (!newlyGone) continue;
      removal = true;
    } else if (incremental && !changedAfter(ind, sinceMs as number)) {
      continue;
    }
    if (ind.pattern_type !== 'stix' || typeof ind.pattern !== 'string') {
      summary.notListable++;
      continue;
    }
    const r = patternTerms(ind.pattern);
    if (!('terms' in r)) {
      summary.notListable++;
      continue;
    }
    let values = r.terms.map(exportValue).filter((v): v is ExportValue => v !== undefined);
    const kept = new Set<string>();
    if (removal && options.compiled) {
      const compiled = options.compiled;
      values = values.filter((v) => {
        if (!stillListed(compiled, v)) return true;
        kept.add(v.kind === 'url' ? v.value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '') : v.value);
        return false;
      });
      if (values.length === 0) continue;
    }
    if (values.length === 0) {
      summary.notListable++;
      continue;
    }
    if (removal) summary.removed++;
    else summary.added++;
    await emit(ind, values, removal, kept);
  }
  await files.flush();
  return summary;
}
