/**
 * Shapes of the intel REST API (src/http/routes/intel.ts) as the console reads
 * them. Collections, grants, sharing groups and TLP levels come from
 * src/http/api-types.ts (the port's own types); the response envelopes that
 * only the routes build are spelled out here.
 */
import type { Collection, CollectionGrant, SharingGroup, TlpLevel } from '../../../src/http/api-types.js';

export type { CollectionGrant, SharingGroup, TlpLevel };

/** A STIX 2.1 object as shared: only the properties the console reads are named. */
export interface StixObject {
  type: string;
  id: string;
  spec_version?: string;
  created?: string;
  modified?: string;
  created_by_ref?: string;
  name?: string;
  description?: string;
  value?: string;
  pattern?: string;
  pattern_type?: string;
  valid_from?: string;
  valid_until?: string;
  labels?: string[];
  revoked?: boolean;
  [property: string]: unknown;
}

/** One version of an object: the items of GET /api/v1/intel/objects and the object detail's head. */
export interface IntelSummary {
  id: string;
  type: string;
  /** The version (the object's `modified`, or `created`). */
  version: string;
  /** When this server added the version (RFC 3339, microseconds). */
  date_added: string;
  tlp: TlpLevel;
  author_org_id: string;
  collection_id: string;
  revoked: boolean;
  object: StixObject;
}

/** GET /api/v1/intel/objects: newest first; `next` is the cursor of the following page. */
export interface IntelSearchPage {
  items: IntelSummary[];
  next: string | null;
}

/** How the latest version sits in the transparency log; `salt` is null for TLP:CLEAR (logged in the clear). */
export interface IntelLedgerRef {
  index: number;
  /** `clear` or `intel` (a salted commitment). */
  kind: string;
  salt: string | null;
  entry_url: string;
  proof_url: string;
}

/** GET /api/v1/intel/objects/:id */
export interface IntelObjectView extends IntelSummary {
  versions: IntelSummary[];
  /** Objects that refer to this one (relationships, sightings, reports) that the caller may read. */
  related: IntelSummary[];
  /** Null until the ledger feed has logged the version. */
  ledger: IntelLedgerRef | null;
}

/** POST /api/v1/intel/objects/:id/sightings */
export interface SightingInput {
  count?: number;
  first_seen?: string;
  last_seen?: string;
  description?: string;
  tlp?: TlpLevel;
}

/** GET /api/v1/intel/activity?days=N: one row per day, type and TLP with at least one object. */
export interface IntelActivity {
  items: { day: string; type: string; tlp: TlpLevel; count: number }[];
}

/** The items of GET /api/v1/intel/collections. */
export interface IntelCollection extends Collection {
  /** Only the secretariat sees the grants; others get an empty list. */
  grants: CollectionGrant[];
  can_read: boolean;
  can_write: boolean;
  /** Path of the TAXII 2.1 collection on this server. */
  taxii_url: string;
}

export interface CollectionInput {
  title: string;
  description?: string | null;
  alias?: string | null;
  default_tlp?: TlpLevel;
  public_read?: boolean;
}

/** An upload's progress (TAXII 2.1 §4.3.1 status resource, failures only). */
export interface IntelStatus {
  id: string;
  status: 'pending' | 'complete';
  collection_id: string;
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  failures: { id: string; version: string; message?: string }[];
}


/** POST /api/v1/intel/groups (members are organisation slugs). */
export interface SharingGroupInput {
  slug: string;
  name: string;
  description?: string | null;
  members?: string[];
}
