import type { MatchHit, MatchStats } from '../../../src/http/api-types.js';

export type HitKind = MatchHit['kind'];

/** Kinds in the order charts and filters list them. */
export const HIT_KINDS: readonly HitKind[] = ['ip', 'cidr', 'domain', 'url', 'hash', 'email', 'pattern'];

export const KIND_LABELS: Record<HitKind, string> = {
  ip: 'IP address',
  cidr: 'IP range',
  domain: 'Domain',
  url: 'URL',
  hash: 'File hash',
  email: 'E-mail',
  pattern: 'Pattern',
};

/** Tones shared by the kind badges and the chart's bars (`tone-*`, `fill-*`). */
export const KIND_TONE: Record<HitKind, string> = {
  ip: 'blue',
  cidr: 'blue',
  domain: 'purple',
  url: 'purple',
  hash: 'gray',
  email: 'amber',
  pattern: 'green',
};

export const KIND_HINTS: Record<HitKind, string> = {
  ip: 'An IPv4 or IPv6 address equal to an indicator’s',
  cidr: 'An address inside an indicator’s network',
  domain: 'The domain or one of its subdomains',
  url: 'The URL after normalisation (scheme and host lower-cased, default port dropped)',
  hash: 'An MD5, SHA-1, SHA-256 or SHA-512 file hash',
  email: 'An e-mail address',
  pattern: 'A STIX pattern evaluated on the whole record',
};

/** Why lines were skipped (src/match/lines.ts SkipCounts). */
export const SKIP_LABELS: Record<string, string> = {
  tooLong: 'longer than 1 MiB',
  invalidUtf8: 'not valid UTF-8',
  invalidJson: 'not valid JSON',
  notObject: 'JSON but not an object',
  binary: 'binary (control characters)',
  malformed: 'malformed for the format',
};

export const LOG_FORMATS = [
  { value: 'auto', label: 'Detect from the content', hint: 'JSON lines, Zeek TSV, CSV or plain text, detected from the first lines.' },
  { value: 'jsonl', label: 'JSON lines (ECS, Zeek JSON, Suricata EVE)', hint: 'One JSON object per line; fields such as source.ip, dns.question.name, url.full, id.resp_h, dest_ip, tls.sni.' },
  { value: 'zeek', label: 'Zeek TSV', hint: 'A Zeek log with its #separator and #fields header lines.' },
  { value: 'csv', label: 'CSV with a header row', hint: 'Column names are the fields; a firewall or proxy export.' },
  { value: 'text', label: 'Plain text', hint: 'Any text: addresses, domains, URLs, hashes and e-mail addresses are found by their shape.' },
] as const;

export type LogFormat = (typeof LOG_FORMATS)[number]['value'];

/** What the server said the format was (`stats.format`), for people. */
export const DETECTED_FORMAT: Record<string, string> = { json: 'JSON lines', 'zeek-tsv': 'Zeek TSV', csv: 'CSV', text: 'plain text' };

export interface MatchResult {
  hits: MatchHit[];
  stats: MatchStats | null;
  /** Response lines that were not JSON (none unless the server misbehaves). */
  unreadable: number;
}

/** Reads POST /api/v1/match's NDJSON: hit lines, then one `{"stats": …}` line. */
export function parseMatchResponse(text: string): MatchResult {
  const hits: MatchHit[] = [];
  let stats: MatchStats | null = null;
  let unreadable = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      unreadable++;
      continue;
    }
    if (typeof v !== 'object' || v === null) {
      unreadable++;
      continue;
    }
    if ('stats' in v) stats = (v as { stats: MatchStats }).stats;
    else if (isHit(v)) hits.push(v);
    else unreadable++;
  }
  return { hits, stats, unreadable };
}

function isHit(v: object): v is MatchHit {
  const h = v as Partial<MatchHit>;
  return typeof h.line === 'number' && typeof h.field === 'string' && typeof h.value === 'string' && typeof h.indicator === 'object' && h.indicator !== null && typeof h.indicator.id === 'string';
}
