import type { FieldProblem } from '../errors.js';
import { holdsNul } from '../nul.js';
import type { StatusDetail } from './ports.js';
import { detailOf } from './prepare.js';

/**
 * A TAXII 2.1 envelope as POSTed (§3.7, §5.4): `{"objects": [ … ]}`, with
 * `more` and `next` tolerated. Parsed from the body's text wherever the text
 * goes (the preparation worker, for big bodies), so the server's thread
 * never builds the objects of an envelope it only hands on.
 */

/** Why a body is not an envelope: what ValidationError takes. Plain data, so a worker can send it. */
export interface EnvelopeRefusal {
  problems: FieldProblem[];
  message?: string;
}

export type ParsedEnvelope = { objects: unknown[] } | { refused: EnvelopeRefusal };

export function parseEnvelope(text: string): ParsedEnvelope {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { refused: { problems: [{ path: '', message: 'the body is not valid JSON' }], message: 'The body is not valid JSON.' } };
  }
  if (holdsNul(body)) return { refused: { problems: [{ path: '', message: 'must not contain NUL characters' }] } };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { refused: { problems: [{ path: '', message: 'the body must be a TAXII envelope: {"objects": [ … ]}' }] } };
  }
  const extra = Object.keys(body).filter((k) => k !== 'objects' && k !== 'more' && k !== 'next');
  if (extra.length > 0) return { refused: { problems: extra.slice(0, 10).map((k) => ({ path: `/${k.slice(0, 40)}`, message: 'is not a property of an envelope' })) } };
  const objects = (body as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) return { refused: { problems: [{ path: '/objects', message: 'must be a list of STIX objects' }] } };
  return { objects };
}

/** The chunks of a list, `chunkSize` at a time. */
export function chunksOf<T>(items: readonly T[], chunkSize: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += chunkSize) out.push(items.slice(start, start + chunkSize));
  return out;
}

/** An envelope's text as ingestion takes it: each object's id and version (the status), and the objects in chunks. */
export function splitEnvelope(text: string, chunkSize: number): { details: StatusDetail[]; chunks: unknown[][] } | { refused: EnvelopeRefusal } {
  const parsed = parseEnvelope(text);
  if ('refused' in parsed) return parsed;
  return { details: parsed.objects.map(detailOf), chunks: chunksOf(parsed.objects, chunkSize) };
}
