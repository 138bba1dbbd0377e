import { parseCosignerVerifierKey } from './cosignature.js';
import { LedgerError } from './errors.js';
import type { NoteVerifier } from './note-verifier.js';
import { parseVerifierKey } from './note-verifier.js';

/** A witness the log asks to cosign, as configured by the secretariat. */
export interface WitnessConfig {
  name: string;
  /** Cosigner verifier key (signature type 0x04). */
  vkey: string;
  /** Submission prefix of its tlog-witness API. */
  url: string;
}

/** The trust policy of c2sp.org/tlog-policy, restricted to one log and a k-of-n quorum. */
export interface LogPolicy {
  logVkey: string;
  logUrl?: string;
  witnesses: WitnessConfig[];
  /** Cosignatures needed from distinct witnesses; 0 means `quorum none`. */
  quorum: number;
}

const NAME = /^[\x21-\x7e]+$/;

/** Checks a policy's parts: keys parse, names are distinct tokens, 0 ≤ quorum ≤ witnesses. */
export function checkPolicy(p: LogPolicy): void {
  parseVerifierKey(p.logVkey);
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const w of p.witnesses) {
    if (!NAME.test(w.name) || w.name === 'none' || w.name === 'witnesses') throw new LedgerError('NOTE_KEY_INVALID', `invalid witness name ${JSON.stringify(w.name)}`);
    if (names.has(w.name)) throw new LedgerError('NOTE_KEY_INVALID', `two witnesses are named ${w.name}`);
    const v = parseCosignerVerifierKey(w.vkey);
    const id = `${v.name}/${v.keyId}`;
    if (keys.has(id)) throw new LedgerError('NOTE_KEY_INVALID', `witness ${w.name} duplicates another witness's key`);
    names.add(w.name);
    keys.add(id);
  }
  if (!Number.isInteger(p.quorum) || p.quorum < 0 || p.quorum > p.witnesses.length) {
    throw new LedgerError('COSIGNATURE_QUORUM_NOT_MET', `quorum ${p.quorum} is not between 0 and the ${p.witnesses.length} witnesses`);
  }
}

/** Formats the policy as a c2sp.org/tlog-policy file. */
export function formatPolicy(p: LogPolicy): string {
  checkPolicy(p);
  const lines = [`log ${p.logVkey}${p.logUrl ? ` ${p.logUrl}` : ''}`, ''];
  for (const w of p.witnesses) lines.push(`witness ${w.name} ${w.vkey}${w.url ? ` ${w.url}` : ''}`);
  if (p.quorum === 0) lines.push('quorum none');
  else {
    lines.push(`group witnesses ${p.quorum === p.witnesses.length ? 'all' : p.quorum} ${p.witnesses.map((w) => w.name).join(' ')}`);
    lines.push('quorum witnesses');
  }
  return lines.join('\n') + '\n';
}

/** The verifiers a policy names: the log's key and the witnesses' cosigner keys. */
export function policyVerifiers(p: LogPolicy): { log: NoteVerifier; cosigners: NoteVerifier[] } {
  return { log: parseVerifierKey(p.logVkey), cosigners: p.witnesses.map((w) => parseCosignerVerifierKey(w.vkey)) };
}
