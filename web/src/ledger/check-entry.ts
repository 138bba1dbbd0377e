import { parseSignedCheckpoint } from '../verify/checkpoint.js';
import { verifyEntryInclusion, type InclusionReport } from '../verify/inclusion.js';
import { fetchCheckpoint, fetchInclusionProof } from './log-client.js';

/**
 * Fetches the latest checkpoint, then the entry's inclusion proof for exactly
 * that checkpoint's size (so a log growing in between cannot mismatch them),
 * and verifies both in the browser with the user's key. A caller that also
 * checks the checkpoint's cosignatures passes the note it fetched, so both
 * checks are about the same checkpoint.
 */
export async function checkEntryInclusion(index: number, data: Uint8Array, vkey: string, signal?: AbortSignal, fetched?: string): Promise<InclusionReport> {
  const checkpoint = fetched ?? (await fetchCheckpoint(signal));
  let size: number | undefined;
  try {
    size = parseSignedCheckpoint(checkpoint).size;
  } catch {
    // verifyEntryInclusion reports the unreadable checkpoint as a failed step.
  }
  const proof = size === undefined ? { index, size: -1, proof: [] } : await fetchInclusionProof(index, size, signal);
  return verifyEntryInclusion({ vkey, index, data, checkpoint, proof: { index: proof.index, size: proof.size, hashes: proof.proof } });
}
