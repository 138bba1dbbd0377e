/** Terminal output helpers shared by the commands. */

/** Prints `rows` as an aligned table with `columns` (header from the key names). */
export function printTable(rows: Record<string, unknown>[], columns: string[], out: NodeJS.WritableStream = process.stdout): void {
  if (rows.length === 0) {
    out.write('(none)\n');
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (v.length > widths[i]! ? v.slice(0, widths[i]! - 1) + '…' : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd() + '\n';
  out.write(line(columns.map((c) => c.toUpperCase())));
  for (const r of rows) out.write(line(columns.map((c) => cell(r[c]))));
}

/** Prints one value as JSON (machine output). */
export function printJson(value: unknown, out: NodeJS.WritableStream = process.stdout): void {
  out.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints `key: value` lines for one object. */
export function printRecord(obj: Record<string, unknown>, out: NodeJS.WritableStream = process.stdout): void {
  const keys = Object.keys(obj);
  const w = Math.max(...keys.map((k) => k.length));
  for (const k of keys) {
    const v = obj[k];
    out.write(`${k.padEnd(w)}  ${v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
  }
}
