import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** Asserts an RFC 9457 problem with `status` (and `code`). */
export function problem(r: LightMyRequestResponse, status: number, code?: string): { code: string; detail: string; errors?: { path: string; message: string }[] } {
  assert.equal(r.statusCode, status, r.body.slice(0, 800));
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  const p = r.json();
  assert.equal(p.status, status);
  if (code) assert.equal(p.code, code, r.body.slice(0, 800));
  return p;
}

/** A report as the public form sends it. */
export function reportBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Heap overflow in the widget parser',
    description: 'A crafted header makes the widget parser write past its buffer. Steps to reproduce are attached.',
    products: [
      { name: 'Northwind Widget', vendor: 'Demo · Northwind Security', purl: 'pkg:npm/nw-widget@1.2.0' },
      { name: 'Contoso Edge', vendor: 'Demo · Contoso Cloud', cpe: 'cpe:2.3:a:contoso:edge:3.1:*:*:*:*:*:*:*' },
    ],
    wishes: { credit: 'R. Searcher', notes: 'Please coordinate with both vendors.' },
    reporter: { name: 'R. Searcher', email: 'r.searcher@example.org' },
    vendors: ['demo-northwind', 'demo-contoso-cloud'],
    ...over,
  };
}

/** A complete, valid advisory draft for the report above (what a coordinator would write in the editor). */
export function validDraft(cve = 'CVE-2026-31337'): Record<string, unknown> {
  return {
    title: 'Heap overflow in the Northwind Widget and Contoso Edge header parsers',
    publisher: { name: 'Accord secretariat', namespace: 'https://accord.example.org', category: 'coordinator' },
    tlp: 'CLEAR',
    lang: 'en',
    summary: 'A crafted header makes two parsers that share code write past a buffer.',
    notes: [],
    products: [
      {
        key: 'nw-widget',
        vendor: 'Demo · Northwind Security',
        name: 'nw-widget',
        purl: 'pkg:npm/nw-widget',
        versions: [{ version: '1.3.0' }],
        ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.3.0' }] }],
      },
      { key: 'contoso-edge', vendor: 'Demo · Contoso Cloud', name: 'Contoso Edge', cpe: 'cpe:2.3:a:contoso:edge:*:*:*:*:*:*:*:*', versions: [{ version: '3.1' }, { version: '3.2' }] },
    ],
    vulnerabilities: [
      {
        cve,
        title: 'Heap-based buffer overflow in the header parser',
        description: 'An over-long header field is copied into a fixed heap buffer.',
        cwe: { id: 'CWE-122', name: 'Heap-based Buffer Overflow' },
        products: [
          { product: 'nw-widget', status: 'known_affected' },
          { product: 'nw-widget', versions: ['1.3.0'], status: 'fixed' },
          { product: 'contoso-edge', versions: ['3.1'], status: 'known_affected' },
          { product: 'contoso-edge', versions: ['3.2'], status: 'fixed' },
        ],
        remediations: [
          { category: 'vendor_fix', details: 'Upgrade nw-widget to 1.3.0.', products: [{ product: 'nw-widget' }] },
          { category: 'vendor_fix', details: 'Upgrade Contoso Edge to 3.2.', products: [{ product: 'contoso-edge', versions: ['3.1'] }] },
        ],
        cvss3: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        acknowledgments: [{ name: 'R. Searcher', type: 'FINDER' }],
        references: [],
      },
    ],
  };
}
