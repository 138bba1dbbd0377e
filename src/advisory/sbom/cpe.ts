/**
 * CPE names as SBOMs carry them (NISTIR 7695, CPE 2.3 Naming): the formatted
 * string binding `cpe:2.3:part:vendor:product:version:update:edition:language:
 * sw_edition:target_sw:target_hw:other` (":" inside a value escaped with "\")
 * and the legacy CPE 2.2 URI binding `cpe:/part:vendor:product:version…`
 * (percent-encoded). Only what matching needs is kept: part, vendor, product
 * and version, unescaped and lowercased ("*" any, "-" not applicable).
 */
export interface Cpe {
  readonly part: string;
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
}

/** Splits on ":" not preceded by an escaping backslash. */
function splitFormatted(text: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (i + 1 >= text.length) return undefined;
      cur += text[i + 1];
      i++;
    } else if (c === ':') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses a CPE 2.3 formatted string or 2.2 URI; undefined if it is neither. */
export function parseCpe(text: string): Cpe | undefined {
  if (typeof text !== 'string' || text.length > 1024) return undefined;
  const lower = text.toLowerCase();
  if (lower.startsWith('cpe:2.3:')) {
    const parts = splitFormatted(lower);
    if (parts === undefined || parts.length !== 13) return undefined;
    const [, , part, vendor, product, version] = parts as [string, string, string, string, string, string];
    if (!/^[aoh*-]$/.test(part) || vendor === '' || product === '') return undefined;
    return { part, vendor, product, version: version === '' ? '*' : version };
  }
  if (lower.startsWith('cpe:/')) {
    const parts = lower.slice(5).split(':');
    if (parts.length < 3 || parts.length > 7) return undefined;
    let decoded: string[];
    try {
      decoded = parts.map((p) => decodeURIComponent(p));
    } catch {
      return undefined;
    }
    const [part, vendor, product, version] = decoded as [string, string, string, string | undefined];
    if (!/^[aoh]?$/.test(part) || vendor === '' || product === '') return undefined;
    return { part: part === '' ? '*' : part, vendor, product, version: version === undefined || version === '' ? '*' : version };
  }
  return undefined;
}

/** Whether a CPE version names one version (not "*" any or "-" not applicable). */
export function cpeVersionIsSpecific(version: string): boolean {
  return version !== '*' && version !== '-' && version !== '';
}
