import type { AdvisoryInput } from '../../../src/advisory/model.js';

/**
 * A rich advisory: two vendors, three products (network firmware with a CPE, an npm
 * library described by an OSV range, a PyPI tool), two vulnerabilities with CVE, CWE
 * (names as in the CWE catalogue), CVSS 3.1 and 4.0, a fixed product with a vendor fix,
 * not-affected products with a VEX justification and with an impact statement, and two
 * revisions. Every call returns a fresh copy, so tests may mutate it.
 */
export function richAdvisoryInput(): AdvisoryInput {
  return structuredClone(RICH);
}

const RICH = {
  id: 'ACCORD-2026-0001',
  title: 'Remote code execution in EdgeGate firmware and unsafe deserialisation in json-stream',
  publisher: {
    name: 'Accord Coalition PSIRT',
    namespace: 'https://accord.example.org',
    category: 'coordinator',
    contactDetails: 'psirt@accord.example.org',
  },
  tlp: 'CLEAR',
  lang: 'en',
  summary: 'Two vulnerabilities found during a coordinated disclosure: an out-of-bounds write in EdgeGate and unsafe deserialisation in @acme/json-stream.',
  notes: [{ category: 'legal_disclaimer', title: 'Terms of use', text: 'Provided as is, without warranty of any kind.' }],
  references: [
    { url: 'https://accord.example.org/advisories/ACCORD-2026-0001', summary: 'This advisory', type: 'ADVISORY', self: true },
    { url: 'https://example.net/psirt/EN-2026-07', summary: 'Example Networks notice', type: 'ADVISORY' },
  ],
  products: [
    {
      key: 'edgegate',
      vendor: 'Example Networks',
      name: 'EdgeGate',
      cpe: 'cpe:2.3:o:example_networks:edgegate:*:*:*:*:*:*:*:*',
      versions: [{ version: '4.2.0' }, { version: '4.2.1' }, { version: '4.3.0' }],
    },
    {
      key: 'json-stream',
      vendor: 'Acme Software',
      name: '@acme/json-stream',
      purl: 'pkg:npm/%40acme/json-stream',
      versions: [{ version: '1.4.2' }],
      ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.4.2' }] }],
    },
    {
      key: 'acme-cli',
      vendor: 'Acme Software',
      name: 'acme-cli',
      purl: 'pkg:pypi/acme-cli',
      versions: [{ version: '2.0.0' }, { version: '2.1.0' }],
    },
  ],
  vulnerabilities: [
    {
      cve: 'CVE-2026-10001',
      title: 'Out-of-bounds write in the EdgeGate VPN parser',
      description: 'A crafted IKE packet makes the VPN parser write past a fixed buffer, letting an unauthenticated remote attacker run code.',
      cwe: { id: 'CWE-787', name: 'Out-of-bounds Write' },
      discoveryDate: '2026-01-05T09:00:00Z',
      products: [
        { product: 'edgegate', versions: ['4.2.0', '4.2.1'], status: 'known_affected' },
        { product: 'edgegate', versions: ['4.3.0'], status: 'fixed' },
        { product: 'acme-cli', status: 'known_not_affected', justification: 'component_not_present' },
      ],
      remediations: [
        {
          category: 'vendor_fix',
          details: 'Upgrade EdgeGate to 4.3.0.',
          url: 'https://example.net/downloads/edgegate/4.3.0',
          products: [{ product: 'edgegate', versions: ['4.2.0', '4.2.1'] }],
        },
        { category: 'workaround', details: 'Disable IKEv1 on external interfaces.', products: [{ product: 'edgegate', versions: ['4.2.1'] }] },
      ],
      cvss3: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8 },
      cvss4: { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', baseScore: 9.3 },
      acknowledgments: [{ name: 'Jane Finder', organization: 'Example Research', urls: ['https://research.example.com/jane'], type: 'FINDER' }],
      references: [{ url: 'https://example.net/psirt/EN-2026-07#edgegate', type: 'ADVISORY', summary: 'Vendor advisory' }],
    },
    {
      cve: 'CVE-2026-10002',
      title: 'Unsafe deserialisation in @acme/json-stream',
      description: 'json-stream revives objects with a __proto__ key, so untrusted input can pollute prototypes of the consuming application.',
      cwe: { id: 'CWE-502', name: 'Deserialization of Untrusted Data' },
      products: [
        { product: 'json-stream', status: 'known_affected' },
        { product: 'json-stream', versions: ['1.4.2'], status: 'fixed' },
        { product: 'acme-cli', versions: ['2.0.0', '2.1.0'], status: 'known_not_affected', impact: 'acme-cli parses only its own configuration file with json-stream, never network input.' },
        { product: 'edgegate', versions: ['4.3.0'], status: 'under_investigation' },
      ],
      remediations: [
        {
          category: 'vendor_fix',
          details: 'Upgrade @acme/json-stream to 1.4.2 or later.',
          url: 'https://github.com/acme/json-stream/releases/tag/v1.4.2',
          products: [{ product: 'json-stream' }],
        },
      ],
      cvss3: { vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' },
      acknowledgments: [{ name: 'Accord Coalition PSIRT', type: 'COORDINATOR' }],
      references: [{ url: 'https://github.com/acme/json-stream/commit/0123456789abcdef0123456789abcdef01234567', type: 'FIX', summary: 'Fix commit' }],
    },
  ],
  revisions: [
    { number: '1', date: '2026-02-01T12:00:00Z', summary: 'Initial public release.' },
    { number: '2', date: '2026-02-10T08:30:00+01:00', summary: 'Added CVSS v4.0 vector and the acme-cli VEX statements.' },
  ],
  status: 'final',
  initialReleaseDate: '2026-02-01T12:00:00Z',
  currentReleaseDate: '2026-02-10T07:30:00Z',
} satisfies AdvisoryInput;
