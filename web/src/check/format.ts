/** "report.cdx.json" → "report", "pasted-sbom.txt" → "pasted-sbom": the stem of download names. */
export function baseName(name: string): string {
  const stem = name.replace(/\.(cdx|spdx|bom|sbom)?\.?(json|txt|jsonl|ndjson|log|csv|tsv|gz)$/i, '').replace(/\.(cdx|spdx)$/i, '');
  return stem.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'results';
}

/** 4.3 → "4 ms", 1234 → "1.2 s". */
export function duration(ms: number): string {
  if (ms < 1) return '< 1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** 12_345_678 → "12.3 M", 4_560 → "4,560". */
export function compact(n: number): string {
  if (n >= 10_000_000) return `${(n / 1_000_000).toFixed(1)} M`;
  if (n >= 100_000) return `${Math.round(n / 1000).toLocaleString('en')} k`;
  return n.toLocaleString('en');
}
