import { parentPort } from 'node:worker_threads';
import { AccordError } from '../errors.js';
import { checkRelease, type CheckedRelease, type Publisher } from './publish-check.js';

/**
 * Worker thread of the publish verification pool (`verify-pool.ts`): runs
 * `checkRelease` (parse, statement, Ed25519/ECDSA verification, namespaces) on
 * many envelopes per message, so the HTTP thread never spends its time in
 * signature verification. Holds no state but parsed public keys.
 */

/**
 * A chunk of envelopes to check: JSON texts as spans of `bytes`, or parsed JSON
 * values, all for `publisher`; or single publishes of several requests (`singles`),
 * each with its own publisher.
 */
export interface VerifyRequest {
  readonly id: number;
  readonly publisher?: Publisher;
  readonly bytes?: Uint8Array;
  /** Start and end offsets in `bytes`, two per envelope. */
  readonly spans?: readonly number[];
  readonly values?: readonly unknown[];
  readonly singles?: readonly { readonly publisher: Publisher; readonly value: unknown }[];
}

/** What became of one envelope: checked, or the error a publish answers with (rebuilt on the calling thread). */
export type VerifyOutcome = { readonly ok: CheckedRelease } | { readonly error: { readonly name: string; readonly code?: string; readonly message: string } };

export interface VerifyResponse {
  readonly id: number;
  readonly outcomes: readonly VerifyOutcome[];
}

/** Checks each envelope of a request; never throws. */
export function runVerifyRequest(req: VerifyRequest): VerifyOutcome[] {
  const inputs: { input: unknown; publisher: Publisher }[] = [];
  const publisher = req.publisher;
  if (publisher && req.bytes && req.spans) for (let i = 0; i + 1 < req.spans.length; i += 2) inputs.push({ input: req.bytes.subarray(req.spans[i], req.spans[i + 1]), publisher });
  if (publisher && req.values) for (const input of req.values) inputs.push({ input, publisher });
  if (req.singles) for (const s of req.singles) inputs.push({ input: s.value, publisher: s.publisher });
  return inputs.map(({ input, publisher }): VerifyOutcome => {
    try {
      return { ok: checkRelease(input, publisher) };
    } catch (err) {
      return {
        error:
          err instanceof AccordError
            ? { name: err.name, code: err.code, message: err.message }
            : { name: 'Error', message: err instanceof Error ? err.message : String(err) },
      };
    }
  });
}

const port = parentPort;
if (port) {
  port.on('message', (req: VerifyRequest) => {
    const outcomes = runVerifyRequest(req);
    // Each entry has its own buffer (TextEncoder output): hand them over instead of copying.
    const transfer = outcomes.flatMap((o) => ('ok' in o && o.ok.entry.byteOffset === 0 && o.ok.entry.byteLength === o.ok.entry.buffer.byteLength ? [o.ok.entry.buffer as ArrayBuffer] : []));
    port.postMessage({ id: req.id, outcomes } satisfies VerifyResponse, transfer);
  });
}
