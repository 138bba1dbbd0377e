import type { Context } from './context.js';
import { buildApp } from './http/app.js';

/** What `init --demo` put in disclosure, for the summary. */
export interface DemoDisclosure {
  /** The finished multi-vendor case and its published advisory. */
  published: { case_id: string; case_number: string; tracking_id: string };
  /** The open case under embargo. */
  embargoed: { case_id: string; case_number: string; embargo_end: string };
  /** The anonymous reporter's secret case link of the finished case (a demo: shown so the reporter view can be tried). */
  reporter_link: string;
}

type Token = { org: string; email: string; role: string; token: string };

/**
 * Two clearly labelled demo cases through the real REST paths: a finished
 * multi-vendor case (anonymous report, two signatory vendors, an embargo
 * agreed and ended early once fixes shipped, an advisory approved by both
 * vendors and published, so it is in the CSAF provider and the log) and an
 * open case under embargo with a partly shared status picture and a thread.
 */
export async function publishDemoDisclosure(ctx: Context, tokens: readonly Token[], adminToken: string): Promise<DemoDisclosure> {
  const app = await buildApp(ctx, { logger: false, webRoot: null });
  try {
    const tok = (org: string) => tokens.find((t) => t.org === org && t.role === 'org-admin')!.token;
    const call = async (auth: { token?: string; link?: string } | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
      const headers: Record<string, string> = {};
      if (auth?.token) headers.authorization = `Bearer ${auth.token}`;
      if (auth?.link) headers['x-accord-case-link'] = auth.link;
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const r = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
      if (r.statusCode >= 300) throw new Error(`demo disclosure: ${method} ${url} answered ${r.statusCode}: ${r.body.slice(0, 500)}`);
      return r.json() as Record<string, unknown>;
    };
    const admin = { token: adminToken };
    const nw = { token: tok('demo-northwind') };
    const contoso = { token: tok('demo-contoso-cloud') };
    const fabrikam = { token: tok('demo-fabrikam') };
    const inDays = (d: number) => new Date(ctx.clock.now().getTime() + d * 86_400_000).toISOString();

    // 1. The finished case.
    const r1 = await call(null, 'POST', '/api/v1/reports', {
      title: 'Demo · Heap overflow in the shared HTTP header parser',
      description:
        'Demo case. An over-long header field overflows a fixed heap buffer in a header parser that Northwind Widget and Contoso Edge both embed. A 9 KiB header crashes the process; a crafted one overwrites the adjacent allocation.',
      products: [
        { name: 'nw-widget', vendor: 'Demo · Northwind Security', purl: 'pkg:npm/nw-widget@1.2.0', versions: '1.0.0 – 1.2.x' },
        { name: 'Contoso Edge', vendor: 'Demo · Contoso Cloud', cpe: 'cpe:2.3:a:contoso:edge:3.1:*:*:*:*:*:*:*', versions: '3.1' },
      ],
      wishes: { credit: 'R. Searcher (demo)', notes: 'Happy to wait for fixes; please credit me.' },
      reporter: { name: 'R. Searcher (demo)', email: 'r.searcher@researcher.example' },
      vendors: ['demo-northwind', 'demo-contoso-cloud'],
      attachments: [{ filename: 'poc-header.txt', media_type: 'text/plain', content_base64: Buffer.from(`GET / HTTP/1.1\r\nX-Long: ${'A'.repeat(64)}…\r\n`).toString('base64') }],
    });
    const c1 = String(r1.case_id);
    const link = String(r1.link_secret);
    const v1 = await call(admin, 'POST', `/api/v1/cases/${c1}/vulnerabilities`, {
      title: 'Heap-based buffer overflow in the header parser',
      description: 'An over-long header field is copied into a fixed heap buffer without a length check.',
      cve: 'CVE-2026-31337',
      cwe: { id: 'CWE-122', name: 'Heap-based Buffer Overflow' },
      cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    });
    for (const who of [nw, contoso]) {
      await call(who, 'PUT', `/api/v1/cases/${c1}/report-state`, { state: 'valid' });
      await call(who, 'PUT', `/api/v1/cases/${c1}/report-state`, { state: 'accepted' });
    }
    await call(admin, 'POST', `/api/v1/cases/${c1}/embargo/propose`, { end_at: inDays(45) });
    await call(nw, 'POST', `/api/v1/cases/${c1}/embargo/accept`);
    await call(contoso, 'POST', `/api/v1/cases/${c1}/embargo/accept`);
    await call(nw, 'PUT', `/api/v1/cases/${c1}/vulnerabilities/${String(v1.id)}/status`, { status: 'fixed', versions: '1.3.0', statement: 'Fixed in nw-widget 1.3.0.', shared: true });
    await call(contoso, 'PUT', `/api/v1/cases/${c1}/vulnerabilities/${String(v1.id)}/status`, { status: 'fixed', versions: '3.2', statement: 'Fixed in Contoso Edge 3.2.', shared: true });
    await call({ link }, 'POST', `/api/v1/cases/${c1}/messages`, { body: 'Thanks both. I confirm 1.3.0 and 3.2 no longer crash with my proof of concept.' });
    await call(admin, 'POST', `/api/v1/cases/${c1}/facts`, { fact: 'fix_deployed' });
    await call(admin, 'POST', `/api/v1/cases/${c1}/messages`, { body: 'Both fixes are out and deployed; ending the embargo early and publishing the advisory.' });
    await call(admin, 'POST', `/api/v1/cases/${c1}/embargo/terminate`);
    await call(admin, 'POST', `/api/v1/cases/${c1}/advisory`);
    const draft = {
      title: 'Demo · Heap overflow in the nw-widget and Contoso Edge header parsers',
      publisher: { name: 'Accord secretariat', namespace: ctx.config.publicUrl.startsWith('https://') ? ctx.config.publicUrl : 'https://accord.example', category: 'coordinator' },
      tlp: 'CLEAR',
      lang: 'en',
      summary: 'Demo advisory. A crafted over-long HTTP header makes a header parser shared by two products write past a heap buffer; fixed in nw-widget 1.3.0 and Contoso Edge 3.2.',
      notes: [{ category: 'legal_disclaimer', title: 'Demo data', text: 'This advisory is demo data of an Accord installation; the products and the CVE are fictitious.' }],
      products: [
        { key: 'nw-widget', vendor: 'Demo · Northwind Security', name: 'nw-widget', purl: 'pkg:npm/nw-widget', versions: [{ version: '1.3.0' }], ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.3.0' }] }] },
        { key: 'contoso-edge', vendor: 'Demo · Contoso Cloud', name: 'Contoso Edge', cpe: 'cpe:2.3:a:contoso:edge:*:*:*:*:*:*:*:*', versions: [{ version: '3.1' }, { version: '3.2' }] },
      ],
      vulnerabilities: [
        {
          cve: 'CVE-2026-31337',
          title: 'Heap-based buffer overflow in the header parser',
          description: 'An over-long header field is copied into a fixed heap buffer without a length check, letting a remote attacker crash the service or corrupt memory.',
          cwe: { id: 'CWE-122', name: 'Heap-based Buffer Overflow' },
          products: [
            { product: 'nw-widget', status: 'known_affected' },
            { product: 'nw-widget', versions: ['1.3.0'], status: 'fixed' },
            { product: 'contoso-edge', versions: ['3.1'], status: 'known_affected' },
            { product: 'contoso-edge', versions: ['3.2'], status: 'fixed' },
          ],
          remediations: [
            { category: 'vendor_fix', details: 'Upgrade nw-widget to 1.3.0 or later.', products: [{ product: 'nw-widget' }] },
            { category: 'vendor_fix', details: 'Upgrade Contoso Edge to 3.2.', products: [{ product: 'contoso-edge', versions: ['3.1'] }] },
          ],
          cvss3: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          acknowledgments: [{ name: 'R. Searcher (demo)', type: 'FINDER' }],
          references: [],
        },
      ],
    };
    const saved = await call(admin, 'PUT', `/api/v1/cases/${c1}/advisory`, { draft, revision: 1 });
    for (const who of [nw, contoso]) await call(who, 'POST', `/api/v1/cases/${c1}/advisory/approve`, { revision: saved.draft_revision });
    const pub = await call(admin, 'POST', `/api/v1/cases/${c1}/advisory/publish`, {});
    const tracking = String((pub.advisory as Record<string, unknown>).tracking_id);
    await call(admin, 'POST', `/api/v1/cases/${c1}/close`);

    // 2. The open case under embargo, reported by a signatory's PSIRT.
    const r2 = await call(fabrikam, 'POST', '/api/v1/reports', {
      title: 'Demo · Authentication bypass in the device management API',
      description: 'Demo case. The management API accepts a session cookie signed with a default key shared across firmware builds; any device with the default key can be managed remotely.',
      products: [
        { name: 'Contoso Device Manager', vendor: 'Demo · Contoso Cloud', versions: '2.x' },
        { name: 'Tailspin Edge Router', vendor: 'Demo · Tailspin Networks', cpe: 'cpe:2.3:o:tailspin:edge_router:5.0:*:*:*:*:*:*:*' },
      ],
      wishes: { credit: 'Fabrikam PSIRT (demo)', publish_after: inDays(60).slice(0, 10) },
      vendors: ['demo-contoso-cloud', 'demo-tailspin'],
    });
    const c2 = String(r2.case_id);
    const tailspin = { token: tok('demo-tailspin') };
    const v2 = await call(admin, 'POST', `/api/v1/cases/${c2}/vulnerabilities`, {
      title: 'Session cookies signed with a shared default key',
      description: 'Firmware builds ship one default cookie-signing key.',
      cwe: { id: 'CWE-798', name: 'Use of Hard-coded Credentials' },
      cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L' },
    });
    await call(contoso, 'PUT', `/api/v1/cases/${c2}/report-state`, { state: 'valid' });
    await call(contoso, 'PUT', `/api/v1/cases/${c2}/report-state`, { state: 'accepted' });
    const end = inDays(38);
    await call(admin, 'POST', `/api/v1/cases/${c2}/embargo/propose`, { end_at: end });
    await call(contoso, 'POST', `/api/v1/cases/${c2}/embargo/accept`);
    await call(tailspin, 'POST', `/api/v1/cases/${c2}/embargo/accept`);
    await call(contoso, 'PUT', `/api/v1/cases/${c2}/vulnerabilities/${String(v2.id)}/status`, { status: 'affected', versions: '2.0 – 2.4', statement: 'Fix in 2.5, due in four weeks.', shared: true });
    await call(tailspin, 'PUT', `/api/v1/cases/${c2}/vulnerabilities/${String(v2.id)}/status`, { status: 'under_investigation', shared: false });
    await call(fabrikam, 'POST', `/api/v1/cases/${c2}/messages`, { body: 'We can share a test device with both vendors if that helps reproduce.' });
    await call(contoso, 'POST', `/api/v1/cases/${c2}/messages`, { body: 'Reproduced on 2.3. Working on key rotation in 2.5.' });

    return {
      published: { case_id: c1, case_number: String(r1.number), tracking_id: tracking },
      embargoed: { case_id: c2, case_number: String(r2.number), embargo_end: end },
      reporter_link: link,
    };
  } finally {
    await app.close();
  }
}
