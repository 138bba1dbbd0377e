import type { RegistryLogEntry } from '../../../src/http/api-types.js';
import { decodeUtf8 } from '../verify/bytes.js';
import { parseReleaseEntry, type ReleaseEntry } from '../verify/release-statement.js';

/**
 * What a log entry's bytes say, for tables and detail pages. Entries are
 * public but written by many parties: decode defensively and fall back to
 * showing bytes rather than guessing.
 */
export type DecodedEntry =
  | { readonly type: 'registry'; readonly entry: RegistryLogEntry; readonly json: unknown }
  | { readonly type: 'release'; readonly release: ReleaseEntry; readonly json: unknown }
  | { readonly type: 'json'; readonly json: unknown }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'binary' };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRegistryEntry(v: unknown): v is RegistryLogEntry {
  return isObject(v) && v.type === 'accord.registry/v1' && isObject(v.event) && typeof v.event.type === 'string';
}

export function decodeEntry(data: Uint8Array): DecodedEntry {
  const text = decodeUtf8(data);
  if (text === undefined) return { type: 'binary' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { type: 'text', text };
  }
  if (isRegistryEntry(json)) return { type: 'registry', entry: json, json };
  if (isObject(json) && 'payloadType' in json) {
    try {
      return { type: 'release', release: parseReleaseEntry(data), json };
    } catch {
      return { type: 'json', json };
    }
  }
  return { type: 'json', json };
}

/** The kind an entry's content shows (entry bundles carry bytes only, no kind label). */
export function contentKind(d: DecodedEntry): string {
  return d.type === 'registry' || d.type === 'release' ? d.type : 'other';
}

/** A release entry's payload, decoded, for display next to the envelope. */
export function releaseStatementJson(d: DecodedEntry): unknown {
  return d.type === 'release' ? d.release.statement : undefined;
}

export const KIND_TONE: Record<string, string> = { registry: 'blue', release: 'green', advisory: 'purple', intel: 'amber', other: 'gray' };

export function kindTone(kind: string): string {
  return KIND_TONE[kind] ?? 'gray';
}

/** Pretty JSON for people: two-space indent; data that is not JSON shows as-is. */
export function prettyJson(v: unknown): string {
  return JSON.stringify(v, null, 2);
}
