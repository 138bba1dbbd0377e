import { uuidV5 } from './stix/deterministic-id.js';

/** The UUIDv5 namespace of the STIX identities Accord gives organisations (stable across servers for the same org id). */
export const ACCORD_IDENTITY_NAMESPACE = '3a4e1f8c-8a0c-5d43-9d4e-6a2b7c1f0e51';

/** The STIX `identity` id that stands for an organisation (used as created_by_ref and where_sighted_refs). */
export function identityIdOfOrg(orgId: string): string {
  return `identity--${uuidV5(ACCORD_IDENTITY_NAMESPACE, orgId)}`;
}

/** The STIX identity object of an organisation. */
export function identityOfOrg(org: { id: string; name: string; created_at: string }): Record<string, unknown> {
  const created = org.created_at;
  return { type: 'identity', spec_version: '2.1', id: identityIdOfOrg(org.id), created, modified: created, name: org.name, identity_class: 'organization' };
}
