import type { RegistryDeps } from './deps.js';
import type { MemberService } from './member-service.js';
import type { OrgService } from './org-service.js';
import { randomUUID } from 'node:crypto';
import { RegistryError } from './errors.js';

/** The four principles of the accord, endorsed by every signatory on admission by default. */
export const PRINCIPLES = [
  { slug: 'strong-defense', title: 'Strong defense', description: 'Protect all our users and customers everywhere.' },
  { slug: 'no-offense', title: 'No offense', description: 'Oppose cyberattacks on innocent citizens and enterprises; protect products against tampering through development, design and distribution.' },
  { slug: 'capacity-building', title: 'Capacity building', description: 'Empower users, customers and developers to strengthen their cybersecurity protection.' },
  { slug: 'collective-action', title: 'Collective action', description: 'Partner with each other and with like-minded groups to enhance cybersecurity, including coordinated vulnerability disclosure and threat sharing.' },
] as const;

/** A commitment the secretariat tracks from the start, per the accord's CVD endorsement. */
export const CVD_POLICY_PLEDGE = {
  slug: 'cvd-policy',
  title: 'Publish a coordinated vulnerability disclosure policy',
  description: 'Publish and maintain a CVD policy that tells finders how to report vulnerabilities and what to expect.',
};

export interface BootstrapResult {
  secretariat_org_id: string;
  admin_user_id: string;
  admin_email: string;
  admin_token: string;
}

/**
 * Creates the secretariat, its first admin (with `adminToken` when given), and
 * the founding pledges. Refuses if the database already holds a secretariat.
 */
export async function bootstrap(
  deps: RegistryDeps,
  orgs: OrgService,
  members: MemberService,
  input: { adminEmail: string; adminName: string; adminToken?: string; coalitionName: string },
): Promise<BootstrapResult> {
  return deps.store.transaction(async (tx) => {
    if (await tx.getOrgBySlug('secretariat')) {
      throw new RegistryError('ALREADY_INITIALISED', 'This database already holds an Accord coalition; it was left unchanged.');
    }
    const org = await orgs.insert(tx, null, { slug: 'secretariat', name: input.coalitionName, status: 'member' }, 'secretariat');
    const { user, token } = await members.createUserWithToken(
      tx,
      null,
      { org_id: org.id, email: input.adminEmail, name: input.adminName, role: 'admin', token: input.adminToken, token_name: 'init' },
      'init',
    );
    await deps.events.coalitionInitialised(tx, org.id, user.id);
    const pledges = [...PRINCIPLES.map((p) => ({ ...p, kind: 'principle' as const })), { ...CVD_POLICY_PLEDGE, kind: 'commitment' as const }];
    const t0 = deps.clock.now().getTime();
    for (const [i, p] of pledges.entries()) {
      const { slug, title, description, kind } = p;
      // One millisecond apart, so "in the order they were defined" is the order above.
      await tx.insertPledge({ id: randomUUID(), slug, title, description, kind, created_at: new Date(t0 + i).toISOString() });
    }
    return { secretariat_org_id: org.id, admin_user_id: user.id, admin_email: user.email, admin_token: token };
  });
}
