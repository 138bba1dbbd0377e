import { readCycloneDx } from './cyclonedx.js';
import { SbomError } from './errors.js';
import { MAX_SBOM_BYTES, type ParsedSbom } from './model.js';
import { readPurlList } from './purl-list.js';
import { readSpdx } from './spdx.js';

/**
 * Reads an SBOM of any supported format: CycloneDX 1.4–1.6 JSON, SPDX 2.3
 * JSON, or a plain purl list. The size is checked before anything is decoded
 * or parsed (a 100 MB run of whitespace costs one length check), the format
 * is told from the first non-blank character and the document's own markers
 * (`bomFormat`, `spdxVersion`).
 */
export function parseSbom(input: string | Uint8Array): ParsedSbom {
  const text = decodeBounded(input);
  let i = 0;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  if (i === text.length) throw new SbomError('SBOM_INVALID', 'The SBOM is empty.');
  const first = text[i]!;
  if (first === '{') return readJson(text);
  if (first === '<') throw new SbomError('SBOM_INVALID', 'XML SBOMs are not supported; send CycloneDX or SPDX as JSON.');
  if (text.slice(i, i + 4).toLowerCase() === 'pkg:' || first === '#') return readPurlList(text);
  throw new SbomError('SBOM_INVALID', 'Not a CycloneDX or SPDX JSON document, nor a list of purls (one per line).');
}

/** Size check, then UTF-8 decoding (refusing invalid UTF-8), then a leading BOM removed. */
function decodeBounded(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    // UTF-8 needs at least one byte per UTF-16 unit, so the length alone can refuse.
    if (input.length > MAX_SBOM_BYTES || (input.length * 3 > MAX_SBOM_BYTES && utf8Length(input) > MAX_SBOM_BYTES)) throw tooLarge();
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (!(input instanceof Uint8Array)) throw new SbomError('SBOM_INVALID', 'The SBOM must be text or bytes.');
  if (input.byteLength > MAX_SBOM_BYTES) throw tooLarge();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    throw new SbomError('SBOM_INVALID', 'The SBOM is not valid UTF-8.');
  }
  return text;
}

function tooLarge(): SbomError<'SBOM_TOO_LARGE'> {
  return new SbomError('SBOM_TOO_LARGE', `The SBOM is larger than ${MAX_SBOM_BYTES} bytes (50 MiB).`, { details: { limit: MAX_SBOM_BYTES } });
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function readJson(text: string): ParsedSbom {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // SyntaxError for bad JSON; RangeError if nesting exhausts the stack.
    throw new SbomError('SBOM_INVALID', `The SBOM is not valid JSON: ${(e as Error).message.slice(0, 200)}`, { cause: e });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new SbomError('SBOM_INVALID', 'The SBOM must be a JSON object.');
  const o = doc as Record<string, unknown>;
  if (o.bomFormat === 'CycloneDX') return readCycloneDx(o);
  if (typeof o.spdxVersion === 'string' && o.spdxVersion.startsWith('SPDX-')) return readSpdx(o);
  throw new SbomError('SBOM_INVALID', 'A JSON SBOM must be CycloneDX ("bomFormat": "CycloneDX") or SPDX ("spdxVersion": "SPDX-2.3").');
}
