/**
 * JSON schemas shared by routes: they validate input (unknown fields are
 * refused), shape output (fields not listed are never sent — token hashes
 * cannot leak by accident) and feed the OpenAPI document.
 */
import { ORG_STATUSES, ROLES, SIZE_BANDS, VOTE_CHOICES, APPLICATION_STATUSES } from '../registry/types.js';

const str = (max = 200) => ({ type: 'string', maxLength: max }) as const;
const nstr = (max = 200) => ({ type: ['string', 'null'], maxLength: max }) as const;
const ts = { type: 'string', format: 'date-time' } as const;
const nts = { type: ['string', 'null'], format: 'date-time' } as const;

export const slugParam = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' } as const;
export const idParam = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' } as const;

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

const profileProps = {
  name: str(200),
  country: { type: ['string', 'null'], pattern: '^[A-Z]{2}$' },
  sector: nstr(100),
  size_band: { type: ['string', 'null'], enum: [...SIZE_BANDS, null] },
  website: nstr(2048),
  psirt_contact: nstr(2048),
  cvd_policy_url: nstr(2048),
  security_txt_url: nstr(2048),
  description: nstr(4000),
} as const;

export const orgSchema = {
  $id: 'Org',
  type: 'object',
  properties: {
    id: { type: 'string' },
    slug: { type: 'string' },
    kind: { type: 'string', enum: ['secretariat', 'signatory'] },
    ...profileProps,
    status: { type: 'string', enum: ORG_STATUSES },
    joined_at: nts,
    demo: { type: 'boolean' },
    created_at: ts,
    updated_at: ts,
  },
} as const;

export const keySchema = {
  $id: 'SigningKey',
  type: 'object',
  properties: {
    id: { type: 'string' },
    org_id: { type: 'string' },
    name: { type: 'string' },
    public_key: { type: 'string' },
    algorithm: { type: 'string' },
    key_id: { type: 'string' },
    created_at: ts,
    revoked_at: nts,
    purl_namespaces: { type: ['array', 'null'], items: { type: 'string' }, description: 'purl namespace patterns the key may sign; null: the default pkg:*/<slug>' },
  },
} as const;

export const signatorySchema = {
  $id: 'Signatory',
  type: 'object',
  properties: {
    org: { $ref: 'Org#' },
    pledges: {
      type: 'array',
      items: { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' }, endorsed_at: ts } },
    },
    keys: { type: 'array', items: { $ref: 'SigningKey#' } },
  },
} as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  properties: {
    id: { type: 'string' },
    org_id: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', enum: ROLES },
    created_at: ts,
    disabled_at: nts,
  },
} as const;

export const tokenSchema = {
  $id: 'TokenInfo',
  type: 'object',
  properties: {
    id: { type: 'string' },
    user_id: { type: 'string' },
    name: { type: 'string' },
    prefix: { type: 'string' },
    created_at: ts,
    expires_at: nts,
    last_used_at: nts,
    revoked_at: nts,
  },
} as const;

export const invitationSchema = {
  $id: 'Invitation',
  type: 'object',
  properties: {
    id: { type: 'string' },
    org_id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    created_by: { type: ['string', 'null'] },
    created_at: ts,
    expires_at: ts,
    accepted_at: nts,
    revoked_at: nts,
    user_id: { type: ['string', 'null'] },
  },
} as const;

export const pledgeSchema = {
  $id: 'Pledge',
  type: 'object',
  properties: {
    id: { type: 'string' },
    slug: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    kind: { type: 'string' },
    created_at: ts,
  },
} as const;

const applicationInputProps = {
  org_name: { type: 'string', minLength: 1, maxLength: 200 },
  country: { type: 'string', pattern: '^[A-Z]{2}$' },
  sector: { type: 'string', minLength: 1, maxLength: 100 },
  size_band: { type: 'string', enum: SIZE_BANDS },
  website: { type: 'string', minLength: 1, maxLength: 2048 },
  contact_name: { type: 'string', minLength: 1, maxLength: 200 },
  contact_email: { type: 'string', minLength: 3, maxLength: 254 },
  psirt_contact: nstr(2048),
  cvd_policy_url: nstr(2048),
  security_txt_url: nstr(2048),
  motivation: { type: 'string', minLength: 1, maxLength: 8000 },
  pledges: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 64 } },
} as const;

export const applicationInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['org_name', 'country', 'sector', 'size_band', 'website', 'contact_name', 'contact_email', 'motivation', 'pledges'],
  properties: applicationInputProps,
} as const;

export const applicationSchema = {
  $id: 'Application',
  type: 'object',
  properties: {
    id: { type: 'string' },
    ...applicationInputProps,
    status: { type: 'string', enum: APPLICATION_STATUSES },
    submitted_at: ts,
    voting_opened_at: nts,
    voting_closes_at: nts,
    decided_at: nts,
    decided_by: { type: ['string', 'null'] },
    decision_reason: { type: ['string', 'null'] },
    org_id: { type: ['string', 'null'] },
    demo: { type: 'boolean' },
  },
} as const;

export const voteSchema = {
  $id: 'Vote',
  type: 'object',
  properties: {
    application_id: { type: 'string' },
    org_id: { type: 'string' },
    user_id: { type: 'string' },
    choice: { type: 'string', enum: VOTE_CHOICES },
    reason: { type: ['string', 'null'] },
    cast_at: ts,
    hidden: { type: 'boolean' },
  },
} as const;

export const tallySchema = {
  $id: 'Tally',
  type: ['object', 'null'],
  properties: {
    eligible: { type: 'integer' },
    cast: { type: 'integer' },
    yes: { type: 'integer' },
    no: { type: 'integer' },
    abstain: { type: 'integer' },
    quorum_met: { type: 'boolean' },
    majority_met: { type: 'boolean' },
    admitted: { type: 'boolean' },
  },
} as const;

export const votingRuleSchema = {
  $id: 'VotingRule',
  type: 'object',
  additionalProperties: false,
  required: ['sponsors_needed', 'quorum', 'majority', 'voting_days'],
  properties: {
    sponsors_needed: { type: 'integer', minimum: 0, maximum: 50 },
    quorum: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    majority: { type: 'number', minimum: 0.5, maximum: 1 },
    voting_days: { type: 'integer', minimum: 1, maximum: 90 },
  },
} as const;

export const auditEventSchema = {
  $id: 'AuditEvent',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: ts,
    type: { type: 'string' },
    actor_user_id: { type: ['string', 'null'] },
    actor_org_id: { type: ['string', 'null'] },
    subject_type: { type: 'string' },
    subject_id: { type: 'string' },
    reason: { type: ['string', 'null'] },
    data: { type: 'object', additionalProperties: true },
  },
} as const;

export const profilePatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: profileProps,
} as const;

export const orgCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['slug', 'name'],
  properties: { slug: slugParam, ...profileProps, name: { type: 'string', minLength: 1, maxLength: 200 }, status: { type: 'string', enum: ORG_STATUSES } },
} as const;

export const paging = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
} as const;

/** Every shared schema, registered with `app.addSchema` so routes can `$ref` them. */
export const sharedSchemas = [
  problemSchema,
  orgSchema,
  keySchema,
  signatorySchema,
  userSchema,
  tokenSchema,
  invitationSchema,
  pledgeSchema,
  applicationSchema,
  voteSchema,
  tallySchema,
  votingRuleSchema,
  auditEventSchema,
];

export const ref = (id: string) => ({ $ref: `${id}#` });
export const pageOf = (id: string) =>
  ({ type: 'object', properties: { items: { type: 'array', items: ref(id) }, next: { type: ['string', 'null'] } } }) as const;
