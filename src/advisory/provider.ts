import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';
import type { FieldProblem } from '../errors.js';
import { csafFilename, csafTlpLabel, type CsafDocument, type CsafTlpLabel } from './csaf.js';
import { AdvisoryError } from './errors.js';
import { normaliseTimestamp } from './identifiers.js';
import type { AdvisoryTlp, Publisher } from './model.js';

/**
 * Pure builders for a CSAF 2.0 provider (CSAF 2.0 §7.1, requirements 1–20): the
 * provider-metadata.json (req. 7), the year folders and file names (req. 2, 11),
 * index.txt (req. 12), changes.csv (req. 13), ROLIE feeds and the service document
 * (req. 15, 16), hash files (req. 18) and OpenPGP detached signatures and keys
 * (req. 19, 20). Serving them (TLS, no redirects, access control for AMBER and RED,
 * the well-known URL, security.txt) is the HTTP layer's part.
 */

export type ProviderRole = 'csaf_publisher' | 'csaf_provider' | 'csaf_trusted_provider';
export type FeedTlp = AdvisoryTlp | 'UNLABELED';

export const CSAF_JSON_SCHEMA_URL = 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json';
export const ROLIE_INFORMATION_TYPE = 'urn:ietf:params:rolie:category:information-type';

export interface ProviderMetadataOptions {
  /** Where this provider-metadata.json is served; must end in `/provider-metadata.json` (https). */
  canonicalUrl: string;
  publisher: Publisher;
  /** Default `csaf_provider`; `csaf_trusted_provider` requires an OpenPGP key (req. 19, 20). */
  role?: ProviderRole;
  /** When the metadata last changed (RFC 3339). */
  lastUpdated: string;
  /** One ROLIE feed per TLP label (req. 15); at least one of CLEAR (WHITE), GREEN or UNLABELED. */
  rolieFeeds?: { tlp: FeedTlp; url: string; summary?: string }[];
  /** Base URL of the directory distribution (req. 11–14). */
  directoryUrl?: string;
  pgpKeyFingerprint?: string;
  pgpKeyUrl?: string;
  /** Default true. */
  listOnAggregators?: boolean;
  /** Default true. */
  mirrorOnAggregators?: boolean;
}

export interface ProviderMetadata {
  canonical_url: string;
  distributions?: { directory_url?: string; rolie?: { feeds: { summary?: string; tlp_label: CsafTlpLabel | 'UNLABELED'; url: string }[] } }[];
  last_updated: string;
  list_on_CSAF_aggregators: boolean;
  metadata_version: '2.0';
  mirror_on_CSAF_aggregators: boolean;
  public_openpgp_keys?: { fingerprint?: string; url: string }[];
  publisher: { category: string; contact_details?: string; issuing_authority?: string; name: string; namespace: string };
  role: ProviderRole;
}

function httpsUrl(problems: FieldProblem[], path: string, url: string, suffix?: RegExp, hint?: string): void {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    /* reported below */
  }
  if (!u || u.protocol !== 'https:') problems.push({ path, message: 'must be an https URL (CSAF 2.0 req. 3)' });
  else if (suffix && !suffix.test(u.pathname)) problems.push({ path, message: hint ?? `must match ${suffix}` });
}

const feedLabel = (tlp: FeedTlp): CsafTlpLabel | 'UNLABELED' => (tlp === 'UNLABELED' ? 'UNLABELED' : csafTlpLabel(tlp));

/** Builds provider-metadata.json (CSAF 2.0 §7.1.7); throws `AdvisoryError` ADVISORY_INVALID on a requirement it would break. */
export function providerMetadata(o: ProviderMetadataOptions): ProviderMetadata {
  const problems: FieldProblem[] = [];
  const role = o.role ?? 'csaf_provider';
  httpsUrl(problems, '/canonicalUrl', o.canonicalUrl, /\/provider-metadata\.json$/, 'must end in /provider-metadata.json');
  httpsUrl(problems, '/publisher/namespace', o.publisher.namespace);
  const lastUpdated = normaliseTimestamp(o.lastUpdated);
  if (!lastUpdated) problems.push({ path: '/lastUpdated', message: 'must be an RFC 3339 date-time with a time zone' });
  const feeds = (o.rolieFeeds ?? []).map((f, i) => {
    httpsUrl(problems, `/rolieFeeds/${i}/url`, f.url, /\.json$/, 'must end in .json');
    return { ...(f.summary ? { summary: f.summary } : {}), tlp_label: feedLabel(f.tlp), url: f.url };
  });
  const labels = feeds.map((f) => f.tlp_label);
  labels.forEach((l, i) => {
    if (labels.indexOf(l) !== i) problems.push({ path: `/rolieFeeds/${i}/tlp`, message: `a second feed for TLP:${l}; all documents of one TLP label belong in one feed (req. 15)` });
  });
  if (feeds.length > 0 && !labels.some((l) => l === 'WHITE' || l === 'GREEN' || l === 'UNLABELED')) {
    problems.push({ path: '/rolieFeeds', message: 'needs a TLP:CLEAR (WHITE), TLP:GREEN or unlabeled feed (req. 15)' });
  }
  if (o.directoryUrl !== undefined) httpsUrl(problems, '/directoryUrl', o.directoryUrl);
  if (role !== 'csaf_publisher' && feeds.length === 0 && o.directoryUrl === undefined) {
    problems.push({ path: '/rolieFeeds', message: `a ${role} distributes through ROLIE feeds (req. 15–17) or a directory (req. 11–14); give rolieFeeds or directoryUrl` });
  }
  if (o.pgpKeyFingerprint !== undefined && !/^[0-9a-fA-F]{40,}$/.test(o.pgpKeyFingerprint)) problems.push({ path: '/pgpKeyFingerprint', message: 'must be the hex fingerprint (40 or more hex digits)' });
  if (o.pgpKeyFingerprint !== undefined && o.pgpKeyUrl === undefined) problems.push({ path: '/pgpKeyUrl', message: 'is required with a fingerprint' });
  if (o.pgpKeyUrl !== undefined) httpsUrl(problems, '/pgpKeyUrl', o.pgpKeyUrl);
  if (role === 'csaf_trusted_provider' && o.pgpKeyUrl === undefined) problems.push({ path: '/pgpKeyUrl', message: 'a csaf_trusted_provider signs its documents and publishes the key (req. 19, 20)' });
  if (problems.length > 0) throw new AdvisoryError('ADVISORY_INVALID', `provider-metadata.json cannot be built: ${problems[0]!.path}: ${problems[0]!.message}`, { details: { errors: problems } });

  const distributions: NonNullable<ProviderMetadata['distributions']> = [];
  if (o.directoryUrl !== undefined) distributions.push({ directory_url: o.directoryUrl });
  if (feeds.length > 0) distributions.push({ rolie: { feeds } });
  const p = o.publisher;
  return {
    canonical_url: o.canonicalUrl,
    ...(distributions.length > 0 ? { distributions } : {}),
    last_updated: lastUpdated!,
    list_on_CSAF_aggregators: o.listOnAggregators ?? true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: o.mirrorOnAggregators ?? true,
    ...(o.pgpKeyUrl !== undefined
      ? { public_openpgp_keys: [{ ...(o.pgpKeyFingerprint ? { fingerprint: o.pgpKeyFingerprint.toUpperCase() } : {}), url: o.pgpKeyUrl }] }
      : {}),
    publisher: {
      category: p.category,
      ...(p.contactDetails ? { contact_details: p.contactDetails } : {}),
      ...(p.issuingAuthority ? { issuing_authority: p.issuingAuthority } : {}),
      name: p.name,
      namespace: p.namespace,
    },
    role,
  };
}

/** The file name of a ROLIE feed for a TLP label, e.g. `csaf-feed-tlp-white.json`. */
export function rolieFeedFilename(tlp: FeedTlp): string {
  return `csaf-feed-tlp-${feedLabel(tlp).toLowerCase()}.json`;
}

/** `<year of initial_release_date>/<CSAF file name>` (req. 11 and 2): where a document lives below the provider's base URL. */
export function csafDocumentPath(doc: Pick<CsafDocument, 'document'>): string {
  const t = doc.document.tracking;
  const year = /^(\d{4})-/.exec(t.initial_release_date)?.[1];
  if (!year) throw new AdvisoryError('ADVISORY_INVALID', `initial_release_date ${JSON.stringify(t.initial_release_date)} has no year`);
  return `${year}/${csafFilename(t.id)}`;
}

/** index.txt (req. 12): every document's path, one per line, sorted, each line ending in a newline. */
export function indexTxt(paths: Iterable<string>): string {
  return [...new Set(paths)]
    .sort()
    .map((p) => `${p}\n`)
    .join('');
}

const csvField = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** changes.csv (req. 13): `"path","current_release_date"` lines, no header, newest first (ties by path). */
export function changesCsv(entries: Iterable<{ path: string; currentReleaseDate: string }>): string {
  return [...entries]
    .map((e) => ({ ...e, t: Date.parse(e.currentReleaseDate) }))
    .sort((a, b) => b.t - a.t || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${csvField(e.path)},${csvField(e.currentReleaseDate)}\n`)
    .join('');
}

export interface RolieLink {
  rel: 'self' | 'hash' | 'signature';
  href: string;
}
export interface RolieEntry {
  id: string;
  title: string;
  link: RolieLink[];
  published: string;
  updated: string;
  summary?: { content: string };
  content: { type: 'application/json'; src: string };
  format: { schema: string; version: '2.0' };
}
export interface RolieFeed {
  feed: {
    id: string;
    title: string;
    link: RolieLink[];
    category: { scheme: string; term: string }[];
    updated: string;
    entry: RolieEntry[];
  };
}

export interface RolieEntryInput {
  doc: CsafDocument;
  /** The document's URL. */
  url: string;
  /** Hash files published next to it (listed as `rel: hash` links, req. 15/18). */
  hashes?: ('sha256' | 'sha512')[];
  /** Whether a `.asc` signature is published next to it (`rel: signature`, req. 15/19). */
  signed?: boolean;
}

/** One ROLIE entry for a CSAF document (the shape of CSAF 2.0 §7.1.15's example). */
export function rolieEntry(input: RolieEntryInput): RolieEntry {
  const d = input.doc.document;
  const summary = d.notes?.find((n) => n.category === 'summary')?.text;
  return {
    id: d.tracking.id,
    title: d.title,
    link: [
      { rel: 'self', href: input.url },
      ...(input.hashes ?? []).map((h): RolieLink => ({ rel: 'hash', href: `${input.url}.${h}` })),
      ...(input.signed ? [{ rel: 'signature' as const, href: `${input.url}.asc` }] : []),
    ],
    published: d.tracking.initial_release_date,
    updated: d.tracking.current_release_date,
    ...(summary ? { summary: { content: summary } } : {}),
    content: { type: 'application/json', src: input.url },
    format: { schema: CSAF_JSON_SCHEMA_URL, version: '2.0' },
  };
}

export interface RolieFeedOptions {
  /** The feed's id, e.g. `accord-csaf-feed-tlp-white`. */
  id: string;
  title: string;
  /** The feed's own URL (`rel: self`). */
  feedUrl: string;
  /** The feed's TLP label; every document must carry it (a CLEAR feed must never list an AMBER document). */
  tlp: FeedTlp;
  /** Default: the newest entry's `updated`. */
  updated?: string;
  entries: RolieEntryInput[];
}

/** A ROLIE feed (RFC 8322 JSON, CSAF 2.0 §7.1.15), entries newest first; refuses documents of another TLP label. */
export function rolieFeed(o: RolieFeedOptions): RolieFeed {
  const want = feedLabel(o.tlp);
  const problems: FieldProblem[] = [];
  o.entries.forEach((e, i) => {
    const label = e.doc.document.distribution?.tlp?.label ?? 'UNLABELED';
    if (label !== want) problems.push({ path: `/entries/${i}`, message: `${e.doc.document.tracking.id} is TLP:${label}, not TLP:${want} like the feed` });
  });
  if (o.updated !== undefined && !normaliseTimestamp(o.updated)) problems.push({ path: '/updated', message: 'must be an RFC 3339 date-time with a time zone' });
  if (o.updated === undefined && o.entries.length === 0) problems.push({ path: '/updated', message: 'is required for a feed without entries' });
  if (problems.length > 0) throw new AdvisoryError('ADVISORY_INVALID', `The ROLIE feed cannot be built: ${problems[0]!.path}: ${problems[0]!.message}`, { details: { errors: problems } });
  const entry = o.entries
    .map(rolieEntry)
    .sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    feed: {
      id: o.id,
      title: o.title,
      link: [{ rel: 'self', href: o.feedUrl }],
      category: [{ scheme: ROLIE_INFORMATION_TYPE, term: 'csaf' }],
      updated: o.updated !== undefined ? normaliseTimestamp(o.updated)! : entry[0]!.updated,
      entry,
    },
  };
}

/** A ROLIE service document listing the feeds (CSAF 2.0 §7.1.16, optional). */
export function rolieServiceDocument(workspaceTitle: string, feeds: { title: string; url: string }[]) {
  return {
    service: {
      workspace: [
        {
          title: workspaceTitle,
          collection: feeds.map((f) => ({ title: f.title, href: f.url, categories: { category: [{ scheme: ROLIE_INFORMATION_TYPE, term: 'csaf' }] } })),
        },
      ],
    },
  };
}

/** The content of `<file>.sha256` / `<file>.sha512` (req. 18): `<hex>  <filename>\n`, as sha256sum writes it. */
export function hashFileContent(bytes: Uint8Array | string, filename: string, algorithm: 'sha256' | 'sha512'): string {
  return `${createHash(algorithm).update(bytes).digest('hex')}  ${filename}\n`;
}

// ---------------------------------------------------------------------------------------------
// OpenPGP (req. 19, 20). Keys are EdDSA over Ed25519 (v4, "curve25519Legacy" in openpgp.js v6)
// because GnuPG and the Go CSAF tools verify those; RFC 9580's new Ed25519 keys are not yet
// understood everywhere.

export interface ProviderKey {
  armoredPrivateKey: string;
  armoredPublicKey: string;
  /** Upper-case hex, as provider-metadata.json shows it. */
  fingerprint: string;
}

/** Generates an unencrypted OpenPGP signing key for the provider (store it as a secret). */
export async function generateProviderKey(name: string, email: string, options: { date?: Date } = {}): Promise<ProviderKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email }],
    format: 'armored',
    ...(options.date ? { date: options.date } : {}),
  });
  const key = await openpgp.readKey({ armoredKey: publicKey });
  return { armoredPrivateKey: privateKey, armoredPublicKey: publicKey, fingerprint: key.getFingerprint().toUpperCase() };
}

async function readPrivate(armored: string): Promise<openpgp.PrivateKey> {
  try {
    return await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (e) {
    throw new AdvisoryError('ADVISORY_KEY_INVALID', `The OpenPGP private key is unreadable: ${(e as Error).message}`, { cause: e });
  }
}

/** An armored detached OpenPGP signature of `bytes` (the `.asc` file, req. 19). */
export async function signDetached(bytes: Uint8Array | string, armoredPrivateKey: string): Promise<string> {
  const signingKeys = await readPrivate(armoredPrivateKey);
  const message = await openpgp.createMessage({ binary: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes });
  return openpgp.sign({ message, signingKeys, detached: true, format: 'armored' });
}

/**
 * Verifies an armored detached signature over `bytes` with an armored public key. Returns
 * false when the signature does not match; throws `AdvisoryError` ADVISORY_KEY_INVALID
 * when the key or the signature cannot be read.
 */
export async function verifyDetached(bytes: Uint8Array | string, armoredSignature: string, armoredPublicKey: string): Promise<boolean> {
  let verificationKeys: openpgp.Key;
  let signature: openpgp.Signature;
  try {
    verificationKeys = await openpgp.readKey({ armoredKey: armoredPublicKey });
    signature = await openpgp.readSignature({ armoredSignature });
  } catch (e) {
    throw new AdvisoryError('ADVISORY_KEY_INVALID', `The OpenPGP key or signature is unreadable: ${(e as Error).message}`, { cause: e });
  }
  const message = await openpgp.createMessage({ binary: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes });
  const result = await openpgp.verify({ message, signature, verificationKeys, format: 'binary' });
  if (result.signatures.length === 0) return false;
  try {
    for (const s of result.signatures) await s.verified;
    return true;
  } catch {
    return false;
  }
}
