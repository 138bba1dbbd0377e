/**
 * What STIX 2.1 says about each object type: its category, its required
 * properties, the types its references may point to, and (for SCOs) its ID
 * contributing properties. Sources: the property tables of STIX 2.1 §4–§7
 * (oasis-tcs/cti-stix2 spec/stix-v2.1-errata01) and the `required` lists of
 * oasis-open/cti-stix2-json-schemas schemas/{sdos,sros,observables,common}.
 */

export type Category = 'sdo' | 'sro' | 'sco' | 'meta';

export const SDO_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator',
  'infrastructure', 'intrusion-set', 'location', 'malware', 'malware-analysis', 'note', 'observed-data',
  'opinion', 'report', 'threat-actor', 'tool', 'vulnerability',
]);
export const SRO_TYPES: ReadonlySet<string> = new Set(['relationship', 'sighting']);
export const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file',
  'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url',
  'user-account', 'windows-registry-key', 'x509-certificate',
]);
export const META_TYPES: ReadonlySet<string> = new Set(['language-content', 'marking-definition', 'extension-definition']);

/** The category of a type the specification defines; `undefined` for custom types. */
export function categoryOf(type: string): Category | undefined {
  if (SDO_TYPES.has(type)) return 'sdo';
  if (SRO_TYPES.has(type)) return 'sro';
  if (SCO_TYPES.has(type)) return 'sco';
  if (META_TYPES.has(type)) return 'meta';
  return undefined;
}

/** Type-specific required properties (common ones are handled per category). */
export const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'attack-pattern': ['name'],
  campaign: ['name'],
  'course-of-action': ['name'],
  grouping: ['context', 'object_refs'],
  identity: ['name'],
  incident: ['name'],
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  infrastructure: ['name'],
  'intrusion-set': ['name'],
  location: [],
  malware: ['is_family'],
  'malware-analysis': ['product'],
  note: ['content', 'object_refs'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed'],
  opinion: ['opinion', 'object_refs'],
  report: ['name', 'published', 'object_refs'],
  'threat-actor': ['name'],
  tool: ['name'],
  vulnerability: ['name'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  sighting: ['sighting_of_ref'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['is_multipart'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['protocols'],
  software: ['name'],
  url: ['value'],
  'language-content': ['object_ref', 'contents'],
  'extension-definition': ['name', 'schema', 'version', 'extension_types'],
};

/** A reference target rule: explicit types, or every type of some categories. */
export interface RefRule {
  types?: readonly string[];
  categories?: readonly Category[];
}

const SCO_ONLY: RefRule = { categories: ['sco'] };

/**
 * Embedded relationships and the types they may point at (the "Embedded
 * Relationships" tables of each object, §4–§7). Keys are top-level property
 * names; `created_by_ref` and `object_marking_refs` apply to every type.
 */
export const REF_RULES: Readonly<Record<string, Readonly<Record<string, RefRule>>>> = {
  '*': { created_by_ref: { types: ['identity'] }, object_marking_refs: { types: ['marking-definition'] } },
  malware: { sample_refs: { types: ['artifact', 'file'] }, operating_system_refs: { types: ['software'] } },
  'malware-analysis': {
    host_vm_ref: { types: ['software'] },
    operating_system_ref: { types: ['software'] },
    installed_software_refs: { types: ['software'] },
    sample_ref: { types: ['file', 'artifact', 'network-traffic'] },
    analysis_sco_refs: SCO_ONLY,
  },
  'observed-data': { object_refs: { categories: ['sco', 'sro'] } },
  relationship: { source_ref: { categories: ['sdo', 'sco'] }, target_ref: { categories: ['sdo', 'sco'] } },
  sighting: {
    sighting_of_ref: { categories: ['sdo'] },
    observed_data_refs: { types: ['observed-data'] },
    where_sighted_refs: { types: ['identity', 'location'] },
  },
  directory: { contains_refs: { types: ['file', 'directory'] } },
  'domain-name': { resolves_to_refs: { types: ['ipv4-addr', 'ipv6-addr', 'domain-name'] } },
  'email-addr': { belongs_to_ref: { types: ['user-account'] } },
  'email-message': {
    from_ref: { types: ['email-addr'] },
    sender_ref: { types: ['email-addr'] },
    to_refs: { types: ['email-addr'] },
    cc_refs: { types: ['email-addr'] },
    bcc_refs: { types: ['email-addr'] },
    raw_email_ref: { types: ['artifact'] },
  },
  file: { parent_directory_ref: { types: ['directory'] }, contains_refs: SCO_ONLY, content_ref: { types: ['artifact'] } },
  'ipv4-addr': { resolves_to_refs: { types: ['mac-addr'] }, belongs_to_refs: { types: ['autonomous-system'] } },
  'ipv6-addr': { resolves_to_refs: { types: ['mac-addr'] }, belongs_to_refs: { types: ['autonomous-system'] } },
  'network-traffic': {
    src_ref: { types: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'] },
    dst_ref: { types: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'] },
    src_payload_ref: { types: ['artifact'] },
    dst_payload_ref: { types: ['artifact'] },
    encapsulates_refs: { types: ['network-traffic'] },
    encapsulated_by_ref: { types: ['network-traffic'] },
  },
  process: {
    opened_connection_refs: { types: ['network-traffic'] },
    creator_user_ref: { types: ['user-account'] },
    image_ref: { types: ['file'] },
    parent_ref: { types: ['process'] },
    child_refs: { types: ['process'] },
  },
  'windows-registry-key': { creator_user_ref: { types: ['user-account'] } },
  'marking-definition': { object_marking_refs: { types: ['marking-definition'] } },
};

/** ID contributing properties of each SCO (the "ID Contributing Properties" row of §6.x). `process` has none (§6.13). */
export const ID_CONTRIBUTING: Readonly<Record<string, readonly string[]>> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
  process: [],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

/** Extensions the specification predefines, by the SCO type they extend (§6). */
export const PREDEFINED_EXTENSIONS: Readonly<Record<string, string>> = {
  'archive-ext': 'file',
  'ntfs-ext': 'file',
  'pdf-ext': 'file',
  'raster-image-ext': 'file',
  'windows-pebinary-ext': 'file',
  'http-request-ext': 'network-traffic',
  'icmp-ext': 'network-traffic',
  'socket-ext': 'network-traffic',
  'tcp-ext': 'network-traffic',
  'windows-process-ext': 'process',
  'windows-service-ext': 'process',
  'unix-account-ext': 'user-account',
};

/** §10.5 extension-type-enum. */
export const EXTENSION_TYPES: ReadonlySet<string> = new Set(['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension']);

/** §3.8: names no STIX content may use. */
export const RESERVED_PROPERTIES: readonly string[] = ['severity', 'username', 'phone_number', 'action'];

/** Properties every object of a category may carry, which therefore never count as "object specific". */
export const COMMON_PROPERTIES: ReadonlySet<string> = new Set([
  'type', 'spec_version', 'id', 'created_by_ref', 'created', 'modified', 'revoked', 'labels', 'confidence', 'lang',
  'external_references', 'object_marking_refs', 'granular_markings', 'defanged', 'extensions',
]);
