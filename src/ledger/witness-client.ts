import { verifyCosignatures } from './cosignature.js';
import type { Cosignature } from './cosignature.js';
import { LedgerError } from './errors.js';
import { formatSignatureLine, parseNote } from './note.js';
import type { NoteSignature } from './note.js';
import type { NoteVerifier } from './note-verifier.js';
import { decodeUtf8, parseDecimal } from './text-codec.js';
import { formatAddCheckpointRequest, TLOG_SIZE_CONTENT_TYPE, WitnessError, WitnessOldSizeError } from './witness.js';

/**
 * The log's side of c2sp.org/tlog-witness: send a checkpoint with its
 * consistency proof to a witness's add-checkpoint endpoint and get its
 * cosignature lines back. The transport is the caller's `fetch`, so this module
 * holds no global state and tests can substitute it.
 */

/** The part of the WHATWG `fetch` this client uses. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Largest response body read from a witness; cosignature lines are ~130 bytes each. */
export const MAX_WITNESS_RESPONSE = 64 * 1024;
/** Longest timeout accepted, so a misconfiguration cannot hang a log for hours. */
export const MAX_WITNESS_TIMEOUT_MS = 10 * 60 * 1000;

export interface RequestCosignatureOptions {
  /** The witness's submission prefix (`https://witness.example/w1`); `/add-checkpoint` is appended. */
  readonly url: string;
  /** The signed checkpoint note. */
  readonly checkpointNote: string;
  /** The size the log believes the witness last cosigned (0 the first time). */
  readonly oldSize: number;
  /** Consistency proof from `oldSize` to the checkpoint's size (empty from 0). */
  readonly consistencyProof: readonly Uint8Array[];
  readonly fetch: FetchLike;
  /** Bound on the whole exchange, body included. */
  readonly timeoutMs: number;
  /** The witness's cosigner keys: when given, only their lines are kept, they must verify, and one at least must be there. */
  readonly verifiers?: readonly NoteVerifier[];
  /** Cancels the request (reported as `WITNESS_UNAVAILABLE`). */
  readonly signal?: AbortSignal;
}

export interface CosignatureResponse {
  /** The signature lines as received, without their newlines. */
  readonly lines: readonly string[];
  readonly signatures: readonly NoteSignature[];
  /** With `verifiers`: the cosignatures that verified, with their timestamps. */
  readonly cosignatures?: readonly Cosignature[];
}

const TIMED_OUT = Symbol('timed out');

/** Rejects when `signal` aborts, even if the fetch given ignores its signal. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function readCapped(response: Response, limit: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new WitnessError('WITNESS_RESPONSE_INVALID', `the witness's response is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A short, printable excerpt of an error body for messages (the body is the witness's, not ours). */
function excerpt(body: Uint8Array): string {
  const text = (decodeUtf8(body.subarray(0, 200)) ?? '').replace(/[^\x20-\x7e]+/g, ' ').trim();
  return text.length > 0 ? `: ${text}` : '';
}

function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function checkOptions(o: RequestCosignatureOptions): string {
  if (typeof o.fetch !== 'function') throw new WitnessError('WITNESS_CONFIG_INVALID', 'a fetch function is required');
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0 || o.timeoutMs > MAX_WITNESS_TIMEOUT_MS) {
    throw new WitnessError('WITNESS_CONFIG_INVALID', `the timeout must be between 0 and ${MAX_WITNESS_TIMEOUT_MS} ms`);
  }
  let url: URL;
  try {
    url = new URL(o.url);
  } catch (cause) {
    throw new WitnessError('WITNESS_CONFIG_INVALID', `not a URL: ${JSON.stringify(o.url)}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WitnessError('WITNESS_CONFIG_INVALID', 'a witness URL is http(s)');
  if (url.search !== '' || url.hash !== '') throw new WitnessError('WITNESS_CONFIG_INVALID', 'a witness submission prefix has no query or fragment');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/add-checkpoint`;
  return url.toString();
}

/** Interprets the witness's answer; every non-200 becomes a `WitnessError` carrying what the log needs to react. */
function interpret(status: number, response: Response, body: Uint8Array, checkpointText: string, o: RequestCosignatureOptions): CosignatureResponse {
  switch (status) {
    case 200:
      return parseCosignatures(body, checkpointText, o.verifiers);
    case 400:
      return fail(new WitnessError('WITNESS_REQUEST_MALFORMED', `the witness refused the request as malformed (400)${excerpt(body)}`));
    case 403:
      return fail(new WitnessError('WITNESS_SIGNATURE_INVALID', `the witness does not accept the checkpoint's signature (403)${excerpt(body)}`));
    case 404:
      return fail(new WitnessError('WITNESS_LOG_UNKNOWN', `the witness does not know this log (404)${excerpt(body)}`));
    case 409: {
      if (mediaType(response) === TLOG_SIZE_CONTENT_TYPE) {
        const text = decodeUtf8(body);
        const size = text !== undefined && text.endsWith('\n') ? parseDecimal(text.slice(0, -1)) : undefined;
        if (size === undefined) return fail(new WitnessError('WITNESS_RESPONSE_INVALID', 'the witness answered 409 with a malformed text/x.tlog.size body'));
        return fail(new WitnessOldSizeError(size));
      }
      // tlog-witness v1.0.0 answered a same-size root mismatch with a plain 409.
      return fail(new WitnessError('WITNESS_SPLIT_VIEW', `the witness saw another root hash for this size (409)${excerpt(body)}`));
    }
    case 422:
      return fail(new WitnessError('WITNESS_PROOF_INVALID', `the witness found the checkpoint inconsistent with the one it cosigned (bad proof or split view, 422)${excerpt(body)}`));
    default:
      return fail(new WitnessError('WITNESS_UNAVAILABLE', `the witness answered ${status}${excerpt(body)}`, { details: { status } }));
  }
}

function fail(err: WitnessError): never {
  throw err;
}

function parseCosignatures(body: Uint8Array, checkpointText: string, verifiers: readonly NoteVerifier[] | undefined): CosignatureResponse {
  const text = decodeUtf8(body);
  if (text === undefined || text.length === 0 || !text.endsWith('\n')) {
    throw new WitnessError('WITNESS_RESPONSE_INVALID', 'the witness answered 200 without newline-terminated signature lines');
  }
  let signatures: readonly NoteSignature[];
  try {
    // The spec's way to read the answer: append it to the checkpoint text as a note's signature block.
    signatures = parseNote(`${checkpointText}\n${text}`).signatures;
  } catch (cause) {
    throw new WitnessError('WITNESS_RESPONSE_INVALID', 'the witness answered 200 with something that is not note signature lines', { cause });
  }
  const lines = signatures.map(formatSignatureLine);
  if (lines.join('\n') + '\n' !== text) throw new WitnessError('WITNESS_RESPONSE_INVALID', 'the witness answered with non-canonical signature lines');
  if (verifiers === undefined) return { lines, signatures };
  // Lines by keys we do not know are ignored (c2sp.org/tlog-witness: the client MUST ignore them).
  const known = signatures.filter((s) => verifiers.some((v) => v.name === s.name && v.keyId === s.keyId));
  let cosignatures: Cosignature[];
  try {
    cosignatures = known.length === 0 ? [] : verifyCosignatures(`${checkpointText}\n${known.map((s) => `${formatSignatureLine(s)}\n`).join('')}`, verifiers);
  } catch (cause) {
    throw new WitnessError('WITNESS_RESPONSE_INVALID', 'a cosignature from the witness does not verify', { cause });
  }
  if (cosignatures.length === 0) throw new WitnessError('WITNESS_RESPONSE_INVALID', 'the witness answered without a cosignature by its known keys');
  return { lines: known.map(formatSignatureLine), signatures: known, cosignatures };
}

/**
 * Asks a witness to cosign a checkpoint (c2sp.org/tlog-witness §add-checkpoint).
 * Resolves to the cosignature lines; rejects with a `WitnessError`, notably
 * `WitnessOldSizeError` (409) whose `recordedSize` is the old size to retry with,
 * and `WITNESS_TIMEOUT` once `timeoutMs` has passed.
 */
export async function requestCosignature(o: RequestCosignatureOptions): Promise<CosignatureResponse> {
  const endpoint = checkOptions(o);
  let body: string;
  let checkpointText: string;
  try {
    body = formatAddCheckpointRequest({ oldSize: o.oldSize, proof: o.consistencyProof, checkpoint: o.checkpointNote });
    checkpointText = parseNote(o.checkpointNote).text;
  } catch (cause) {
    if (cause instanceof WitnessError || cause instanceof LedgerError) {
      throw new WitnessError('WITNESS_REQUEST_MALFORMED', `refusing to send a malformed request: ${cause.message}`, { cause });
    }
    throw cause;
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(TIMED_OUT), o.timeoutMs);
  const signal = o.signal === undefined ? timeout.signal : AbortSignal.any([o.signal, timeout.signal]);
  try {
    const exchange = async () => {
      const response = await o.fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal,
        // A witness answers itself; a redirect is a misconfiguration, not something to follow with the body.
        redirect: 'error',
      });
      const payload = await readCapped(response, MAX_WITNESS_RESPONSE);
      return { response, payload };
    };
    const { response, payload } = await untilAborted(exchange(), signal);
    return interpret(response.status, response, payload, checkpointText, o);
  } catch (err) {
    if (err instanceof WitnessError) throw err;
    if (timeout.signal.aborted) throw new WitnessError('WITNESS_TIMEOUT', `the witness did not answer within ${o.timeoutMs} ms`, { cause: err });
    if (o.signal?.aborted === true) throw new WitnessError('WITNESS_UNAVAILABLE', 'the request to the witness was cancelled', { cause: err });
    throw new WitnessError('WITNESS_UNAVAILABLE', `the witness could not be reached: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
