import { bytesEqual, decodeBase64, encodeBase64 } from './bytes.js';
import { parseSignedCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { VerifyError } from './errors.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { parseVerifierKey, verifyNoteSignature, type VerifierKey } from './note.js';

/**
 * "Is this entry in the log the key signed?", step by step, for people to read:
 * each step says what was checked and what was found. Pure: the caller fetches
 * the checkpoint, the proof and the entry; nothing here trusts the server.
 */

export type StepId = 'vkey' | 'signature' | 'leaf' | 'inclusion';
export type StepStatus = 'ok' | 'failed' | 'skipped';

export interface VerifyStep {
  readonly id: StepId;
  readonly label: string;
  readonly status: StepStatus;
  readonly detail: string;
}

export interface InclusionInput {
  /** The log's verifier key, as the user supplied it (never as the server supplied it). */
  readonly vkey: string;
  readonly index: number;
  /** The entry's bytes; its leaf hash is computed here. */
  readonly data: Uint8Array;
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
  /** The inclusion proof as served: the tree size it is for and base64 hashes. */
  readonly proof: { readonly index: number; readonly size: number; readonly hashes: readonly string[] };
}

export interface InclusionReport {
  readonly ok: boolean;
  readonly steps: readonly VerifyStep[];
  readonly checkpoint?: SignedCheckpoint;
  readonly key?: VerifierKey;
  readonly leafHash?: Uint8Array;
}

const LABELS: Record<StepId, string> = {
  vkey: 'Verifier key is well-formed',
  signature: 'Checkpoint is signed by that key',
  leaf: 'Leaf hash computed from the entry',
  inclusion: 'Inclusion proof leads to the signed root',
};

function messageOf(err: unknown): string {
  return err instanceof VerifyError || err instanceof Error ? err.message : String(err);
}

/** Runs every check it can and reports each; `ok` only when all of them passed. */
export async function verifyEntryInclusion(input: InclusionInput): Promise<InclusionReport> {
  const steps = new Map<StepId, VerifyStep>();
  const set = (id: StepId, status: StepStatus, detail: string) => steps.set(id, { id, label: LABELS[id], status, detail });

  let key: VerifierKey | undefined;
  try {
    key = await parseVerifierKey(input.vkey);
    set('vkey', 'ok', `${key.name}, key ID ${key.keyId}, Ed25519`);
  } catch (err) {
    set('vkey', 'failed', messageOf(err));
  }

  let checkpoint: SignedCheckpoint | undefined;
  try {
    checkpoint = parseSignedCheckpoint(input.checkpoint);
  } catch (err) {
    set('signature', 'failed', `the checkpoint cannot be read: ${messageOf(err)}`);
  }
  if (checkpoint && !steps.has('signature')) {
    if (!key) set('signature', 'skipped', 'needs a valid verifier key');
    else {
      try {
        await verifyNoteSignature(checkpoint.note, key);
        set('signature', 'ok', `Ed25519 signature by ${key.name} over the checkpoint of size ${checkpoint.size} verifies`);
      } catch (err) {
        set('signature', 'failed', messageOf(err));
      }
    }
  }

  let leaf: Uint8Array | undefined;
  try {
    leaf = await leafHash(input.data);
    set('leaf', 'ok', `SHA-256(0x00 ‖ ${input.data.length} entry bytes) = ${encodeBase64(leaf)}`);
  } catch (err) {
    set('leaf', 'failed', messageOf(err));
  }

  if (!checkpoint || !leaf) set('inclusion', 'skipped', 'needs the checkpoint and the leaf hash');
  else {
    try {
      await checkInclusion(input, checkpoint, leaf);
      set('inclusion', 'ok', `${input.proof.hashes.length} proof hashes from leaf ${input.index} reach the root ${encodeBase64(checkpoint.rootHash)} of the tree of size ${checkpoint.size}`);
    } catch (err) {
      set('inclusion', 'failed', messageOf(err));
    }
  }

  const inclusion = steps.get('inclusion');
  if (inclusion?.status === 'ok' && steps.get('signature')?.status !== 'ok') {
    // The proof reached the root the checkpoint states, but nothing vouches for that root.
    set('inclusion', 'ok', `${inclusion.detail} — a root nothing vouches for while the signature check fails`);
  }
  const ordered = (['vkey', 'signature', 'leaf', 'inclusion'] as const).map((id) => steps.get(id)!);
  return { ok: ordered.every((s) => s.status === 'ok'), steps: ordered, checkpoint, key, leafHash: leaf };
}

async function checkInclusion(input: InclusionInput, checkpoint: SignedCheckpoint, leaf: Uint8Array): Promise<void> {
  // The proof must be for this entry and this checkpoint's tree, or it proves something else.
  if (input.proof.index !== input.index) throw new VerifyError('PROOF_MALFORMED', `the proof is for entry ${input.proof.index}, not ${input.index}`);
  if (input.proof.size !== checkpoint.size) {
    throw new VerifyError('SIZE_MISMATCH', `the proof is for a tree of size ${input.proof.size}, the checkpoint is of size ${checkpoint.size}`);
  }
  const hashes = input.proof.hashes.map((h, i) => {
    const b = decodeBase64(h);
    if (b === undefined) throw new VerifyError('PROOF_MALFORMED', `proof hash ${i} is not base64`);
    return b;
  });
  await verifyInclusion(leaf, input.index, checkpoint.size, hashes, checkpoint.rootHash);
}

/** True when the server's stated leaf hash matches the one computed here (a mismatch is worth showing). */
export function sameLeafHash(computed: Uint8Array | undefined, statedBase64: string): boolean {
  const stated = decodeBase64(statedBase64);
  return computed !== undefined && stated !== undefined && bytesEqual(computed, stated);
}
