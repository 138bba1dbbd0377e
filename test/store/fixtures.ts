import type {
  ApiToken,
  Application,
  AuditEvent,
  Invitation,
  NewAuditEvent,
  Org,
  Pledge,
  SigningKey,
  Sponsorship,
  User,
  Vote,
} from '../../src/registry/types.js';

/**
 * Builders for the store contract. Every timestamp is an ISO-8601 UTC string
 * with non-zero milliseconds, so a backend that drops or rounds them fails.
 */

const BASE = Date.UTC(2024, 2, 5, 6, 7, 8, 9);

/** The `n`th test instant: one minute apart, always with milliseconds. */
export function at(n: number): string {
  return new Date(BASE + n * 60_000).toISOString();
}

export function makeOrg(n: number | string, over: Partial<Org> = {}): Org {
  return {
    id: `org-${n}`,
    slug: `org-${n}`,
    kind: 'signatory',
    name: `Organisation ${n}`,
    country: 'DE',
    sector: 'software',
    size_band: '250-999',
    website: `https://org-${n}.example`,
    psirt_contact: `psirt@org-${n}.example`,
    cvd_policy_url: `https://org-${n}.example/cvd`,
    security_txt_url: `https://org-${n}.example/.well-known/security.txt`,
    description: `Description of ${n}, with "quotes", ünïcödé and a\nnewline.`,
    status: 'member',
    joined_at: at(2),
    demo: false,
    created_at: at(0),
    updated_at: at(1),
    ...over,
  };
}

/** An organisation with every nullable field null. */
export function makeBareOrg(n: number | string, over: Partial<Org> = {}): Org {
  return makeOrg(n, {
    country: null,
    sector: null,
    size_band: null,
    website: null,
    psirt_contact: null,
    cvd_policy_url: null,
    security_txt_url: null,
    description: null,
    joined_at: null,
    status: 'applicant',
    ...over,
  });
}

export function makeUser(n: number | string, orgId: string, over: Partial<User> = {}): User {
  return {
    id: `user-${n}`,
    org_id: orgId,
    email: `user-${n}@example.org`,
    name: `User ${n}`,
    role: 'analyst',
    created_at: at(3),
    disabled_at: null,
    ...over,
  };
}

export function makeToken(n: number | string, userId: string, over: Partial<ApiToken> = {}): ApiToken {
  return {
    id: `token-${n}`,
    user_id: userId,
    name: `token ${n}`,
    prefix: `acc_${n}`,
    hash: `hash-of-token-${n}`,
    created_at: at(4),
    expires_at: at(1000),
    last_used_at: null,
    revoked_at: null,
    ...over,
  };
}

export function makeInvitation(n: number | string, orgId: string, over: Partial<Invitation> = {}): Invitation {
  return {
    id: `inv-${n}`,
    org_id: orgId,
    email: `invitee-${n}@example.org`,
    role: 'viewer',
    hash: `hash-of-invitation-${n}`,
    created_by: null,
    created_at: at(5),
    expires_at: at(500),
    accepted_at: null,
    revoked_at: null,
    user_id: null,
    ...over,
  };
}

export function makeKey(n: number | string, orgId: string, over: Partial<SigningKey> = {}): SigningKey {
  return {
    id: `key-${n}`,
    org_id: orgId,
    name: `release key ${n}`,
    public_key: `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA${n}\n-----END PUBLIC KEY-----\n`,
    algorithm: 'ed25519',
    key_id: `keyid-${n}`,
    created_at: at(6),
    revoked_at: null,
    purl_namespaces: null,
    ...over,
  };
}

export function makePledge(n: number | string, over: Partial<Pledge> = {}): Pledge {
  return {
    id: `pledge-${n}`,
    slug: `pledge-${n}`,
    title: `Pledge ${n}`,
    description: `We promise ${n}.`,
    kind: 'principle',
    created_at: at(7),
    ...over,
  };
}

export function makeApplication(n: number | string, over: Partial<Application> = {}): Application {
  return {
    id: `app-${n}`,
    org_name: `Applicant ${n}`,
    country: 'FR',
    sector: 'cloud',
    size_band: '50-249',
    website: `https://applicant-${n}.example`,
    contact_name: `Contact ${n}`,
    contact_email: `contact-${n}@applicant.example`,
    psirt_contact: `psirt@applicant-${n}.example`,
    cvd_policy_url: `https://applicant-${n}.example/cvd`,
    security_txt_url: `https://applicant-${n}.example/.well-known/security.txt`,
    motivation: 'We want to protect our customers.',
    pledges: ['strong-defense', 'no-offense'],
    status: 'submitted',
    submitted_at: at(10),
    voting_opened_at: null,
    voting_closes_at: null,
    decided_at: null,
    decided_by: null,
    decision_reason: null,
    org_id: null,
    demo: false,
    ...over,
  };
}

export function makeSponsorship(applicationId: string, orgId: string, userId: string, over: Partial<Sponsorship> = {}): Sponsorship {
  return { application_id: applicationId, org_id: orgId, user_id: userId, created_at: at(11), ...over };
}

export function makeVote(applicationId: string, orgId: string, userId: string, over: Partial<Vote> = {}): Vote {
  return { application_id: applicationId, org_id: orgId, user_id: userId, choice: 'yes', reason: null, cast_at: at(12), ...over };
}

export function makeAudit(n: number, over: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    at: at(20 + n),
    type: 'org.updated',
    actor_user_id: null,
    actor_org_id: null,
    subject_type: 'org',
    subject_id: `org-${n}`,
    reason: null,
    data: { n },
    ...over,
  };
}

/** The event `appendAudit` should have stored, given the id it returned. */
export function withId(id: number, e: NewAuditEvent): AuditEvent {
  return { id, ...e };
}
