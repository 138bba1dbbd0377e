import type { buildServices } from './context.js';
import type { BootstrapResult } from './registry/bootstrap.js';
import type { Org, Principal, User } from './registry/types.js';

type Services = ReturnType<typeof buildServices>;

/** What `accord init --demo` created, printed with the init result so people can try each role. */
export interface DemoSummary {
  label: string;
  signatories: string[];
  tokens: { org: string; email: string; role: string; token: string }[];
  pending_application_id: string;
  voting_application_id: string;
}

const DEMO = [
  { slug: 'demo-northwind', name: 'Demo · Northwind Security', country: 'DE', sector: 'Security software', size_band: '1000-9999', cvd: true },
  { slug: 'demo-contoso-cloud', name: 'Demo · Contoso Cloud', country: 'US', sector: 'Cloud services', size_band: '10000+', cvd: true },
  { slug: 'demo-fabrikam', name: 'Demo · Fabrikam Devices', country: 'JP', sector: 'Hardware', size_band: '250-999', cvd: true },
  { slug: 'demo-tailspin', name: 'Demo · Tailspin Networks', country: 'BR', sector: 'Networking', size_band: '50-249', cvd: false },
  { slug: 'demo-adatum', name: 'Demo · Adatum Health IT', country: 'GB', sector: 'Healthcare software', size_band: '1-49', cvd: false },
] as const;

/**
 * Seeds clearly labelled demo data (every name starts with "Demo ·", every row
 * has `demo` set). Each pillar extends this as it lands.
 */
export async function seedDemo(s: Services, boot: BootstrapResult): Promise<DemoSummary> {
  const store = s.registry.store;
  const secretariat = (await store.getOrg(boot.secretariat_org_id))!;
  const adminUser = (await store.getUser(boot.admin_user_id))!;
  const admin: Principal = { kind: 'user', user: adminUser, org: secretariat, token_id: 'demo-seed' };
  const pledges = (await store.listPledges()).map((p) => p.slug);
  const members: { org: Org; user: User; token: string }[] = [];
  const tokens: DemoSummary['tokens'] = [];
  const year = s.registry.clock.now().getUTCFullYear();
  for (const [i, d] of DEMO.entries()) {
    const { org, user, token, analyst } = await store.transaction(async (tx) => {
      const org = await s.orgs.insert(tx, admin, {
        slug: d.slug,
        name: d.name,
        country: d.country,
        sector: d.sector,
        size_band: d.size_band,
        website: `https://${d.slug}.example`,
        psirt_contact: `psirt@${d.slug}.example`,
        cvd_policy_url: d.cvd ? `https://${d.slug}.example/security/cvd-policy` : null,
        security_txt_url: d.cvd ? `https://${d.slug}.example/.well-known/security.txt` : null,
        description: `Demo signatory for trying Accord. Not a real organisation.`,
        status: 'member',
        // Spread founding dates over past years so the progress report has history.
        joined_at: new Date(Date.UTC(year - (DEMO.length - i) + 1, 2 + i, 10)).toISOString(),
        demo: true,
      });
      for (const p of pledges.filter((p) => d.cvd || p !== 'cvd-policy')) await s.orgs.endorseIn(tx, admin, org.id, p);
      const created = await s.members.createUserWithToken(
        tx,
        admin,
        { org_id: org.id, email: `org-admin@${d.slug}.example`, name: `${d.name} org-admin`, role: 'org-admin', token_name: 'demo' },
        'demo',
      );
      const analyst = await s.members.createUserWithToken(
        tx,
        admin,
        { org_id: org.id, email: `analyst@${d.slug}.example`, name: `${d.name} analyst`, role: 'analyst', token_name: 'demo' },
        'demo',
      );
      return { org, user: created.user, token: created.token, analyst };
    });
    members.push({ org, user, token });
    tokens.push({ org: org.slug, email: user.email, role: user.role, token });
    tokens.push({ org: org.slug, email: analyst.user.email, role: analyst.user.role, token: analyst.token });
  }
  const principal = (m: (typeof members)[number]): Principal => ({ kind: 'user', user: m.user, org: m.org, token_id: 'demo-seed' });

  const pending = await s.applications.submit(
    {
      org_name: 'Demo · Woodgrove Payments',
      country: 'SG',
      sector: 'Financial services',
      size_band: '250-999',
      website: 'https://woodgrove.example',
      contact_name: 'Demo Applicant',
      contact_email: 'security@woodgrove.example',
      psirt_contact: 'psirt@woodgrove.example',
      cvd_policy_url: 'https://woodgrove.example/cvd',
      security_txt_url: null,
      motivation: 'Demo application: we want to share threat intelligence and coordinate disclosure with the coalition.',
      pledges,
    },
    { demo: true },
  );
  await s.applications.sponsor(principal(members[0]!), pending.id);

  const voting = await s.applications.submit(
    {
      org_name: 'Demo · Litware Industrial',
      country: 'FR',
      sector: 'Industrial control systems',
      size_band: '1000-9999',
      website: 'https://litware.example',
      contact_name: 'Demo Applicant',
      contact_email: 'cert@litware.example',
      psirt_contact: 'https://litware.example/security/report',
      cvd_policy_url: null,
      security_txt_url: null,
      motivation: 'Demo application in its voting phase.',
      pledges: pledges.filter((p) => p !== 'cvd-policy'),
    },
    { demo: true },
  );
  await s.applications.sponsor(principal(members[1]!), voting.id);
  await s.applications.sponsor(principal(members[2]!), voting.id);
  await s.applications.openVote(admin, voting.id, 'Demo: two sponsors, opening the vote.');
  await s.applications.vote(principal(members[0]!), voting.id, 'yes', 'Demo vote.');
  await s.applications.vote(principal(members[1]!), voting.id, 'yes', null);
  await s.applications.vote(principal(members[3]!), voting.id, 'abstain', null);

  return {
    label: 'Demo data: every name starts with "Demo ·"; none of it is real.',
    signatories: members.map((m) => m.org.slug),
    tokens,
    pending_application_id: pending.id,
    voting_application_id: voting.id,
  };
}
