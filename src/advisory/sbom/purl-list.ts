import { SbomCollector } from './collect.js';
import type { ParsedSbom } from './model.js';

/**
 * A plain list of purls: one per line, blank lines and lines starting with
 * "#" ignored. Only whole-line comments exist, because "#" inside a purl
 * introduces its subpath. Each purl becomes a component referenced "line:N".
 */
export function readPurlList(text: string): ParsedSbom {
  const c = new SbomCollector();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const ref = `line:${i + 1}`;
    c.add({ ref, name: null, version: null, group: null, purl: line, cpe: null, path: ref });
  }
  return c.finish('purl-list', null);
}

/** Components from purls given directly (an API list rather than a document). */
export function readPurls(purls: readonly string[]): ParsedSbom {
  const c = new SbomCollector();
  purls.forEach((p, i) => {
    const ref = `purl:${i}`;
    c.add({ ref, name: null, version: null, group: null, purl: typeof p === 'string' ? p.trim() : String(p), cpe: null, path: ref });
  });
  return c.finish('purl-list', null);
}
