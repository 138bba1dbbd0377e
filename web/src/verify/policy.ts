import { concat, toHex, utf8 } from './bytes.js';
import { VerifyError } from './errors.js';
import { ed25519Available, ed25519Verify, parseCosignerVerifierKey, parseVerifierKey, sameKey, type SignedNote, type VerifierKey } from './note.js';

/**
 * c2sp.org/tlog-policy (which logs to trust and which witnesses must have
 * cosigned their checkpoints) and c2sp.org/tlog-cosignature v1 in the browser:
 * the checks `accord verify` makes with src/ledger/policy.ts `parsePolicy`,
 * `quorumSatisfied` and src/ledger/cosignature.ts `verifyCosignatures`,
 * rewritten on WebCrypto (src/ledger uses node:crypto). A policy arrives in a
 * trust file that may come from the server being checked, so it is parsed as
 * strictly as the server parses it, and bounded the same way.
 */

/** Largest policy accepted, in UTF-8 bytes (as src/ledger/policy.ts). */
export const MAX_POLICY_SIZE = 1 << 20;
/** Most definition lines accepted; the spec asks for at least 32 logs, witnesses and groups (§Implementation limits). */
export const MAX_POLICY_DEFINITIONS = 1000;
/** The name `quorum none` uses; it cannot be defined or be a group member. */
export const QUORUM_NONE = 'none';

/** A `log <vkey> [<url>]` line. */
export interface PolicyLog {
  readonly vkey: string;
  /** The key's name, which is the log's checkpoint origin (§Defining a log). */
  readonly origin: string;
  readonly url?: string;
  readonly key: VerifierKey;
  readonly line: number;
}

/** A `witness <name> <vkey> [<url>]` line. */
export interface PolicyWitness {
  /** The policy-local name (not the key's name). */
  readonly name: string;
  readonly vkey: string;
  readonly url?: string;
  /** Its cosigner key (type 0x04). */
  readonly key: VerifierKey;
  readonly line: number;
}

/** A `group <name> all|any|<k> <member>…` line; `all` and `any` are stored as their k. */
export interface PolicyGroup {
  readonly name: string;
  readonly threshold: number;
  /** Witness or group names, each defined on an earlier line. */
  readonly members: readonly string[];
  readonly line: number;
}

export interface ParsedPolicy {
  readonly logs: readonly PolicyLog[];
  readonly witnesses: readonly PolicyWitness[];
  /** In file order, so each group's members come before it. */
  readonly groups: readonly PolicyGroup[];
  /** The name on the `quorum` line: a witness, a group, or `none`. */
  readonly quorum: string;
  /** The policy text as parsed. */
  readonly text: string;
}

function refuse(line: number, message: string): VerifyError {
  return new VerifyError('POLICY_INVALID', `policy line ${line}: ${message}`);
}

/** Allowed anywhere (§Character set): tab, printable ASCII, anything ≥ U+0080 (newlines split lines before this runs). */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Parses a threshold: `all`, `any`, or decimal digits with 1 ≤ k ≤ n (§Defining a witness group). */
function parseThreshold(text: string, n: number, line: number): number {
  if (text === 'all') return n;
  if (text === 'any') return 1;
  if (!/^[0-9]+$/.test(text)) throw refuse(line, 'a group threshold is "all", "any" or a decimal number');
  // Leading zeros are still decimal; strip them so the length check bounds the value.
  const digits = text.replace(/^0+(?=.)/, '');
  const k = digits.length > 7 ? Infinity : Number(digits);
  if (k < 1 || k > n) throw refuse(line, `group threshold ${text} is not between 1 and its ${n} members`);
  return k;
}

async function parseKey(vkey: string, line: number, what: string, parse: (vkey: string) => Promise<VerifierKey>): Promise<VerifierKey> {
  try {
    return await parse(vkey);
  } catch (err) {
    throw refuse(line, `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Parses a c2sp.org/tlog-policy text exactly as far as src/ledger/policy.ts
 * `parsePolicy` accepts it; anything else is a `POLICY_INVALID` VerifyError
 * naming the line. Async only because key IDs are checked with WebCrypto SHA-256.
 */
export async function parsePolicy(text: string): Promise<ParsedPolicy> {
  if (typeof text !== 'string') throw new VerifyError('POLICY_INVALID', 'a policy is text');
  // A UTF-16 unit is at least one UTF-8 byte: bound the work before encoding.
  if (text.length > MAX_POLICY_SIZE || utf8(text).length > MAX_POLICY_SIZE) throw new VerifyError('POLICY_INVALID', `the policy is more than the ${MAX_POLICY_SIZE}-byte limit`);
  const lone = /[\uD800-\uDFFF]/u.exec(text);
  if (lone !== null) throw refuse(text.slice(0, lone.index).split('\n').length, 'a lone UTF-16 surrogate has no octet encoding');

  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const groups: PolicyGroup[] = [];
  // Witnesses and groups share one namespace (§What is a "policy"?).
  const defined = new Map<string, 'witness' | 'group'>();
  const logKeys = new Set<string>();
  const witnessKeys = new Set<string>();
  let quorum: string | undefined;
  let definitions = 0;

  const defineName = (name: string | undefined, kind: 'witness' | 'group', line: number): string => {
    if (name === undefined) throw refuse(line, `a ${kind} line needs a name`);
    if (name === QUORUM_NONE) throw refuse(line, `"${QUORUM_NONE}" is predefined and cannot name a ${kind}`);
    const previous = defined.get(name);
    if (previous !== undefined) throw refuse(line, `${JSON.stringify(name)} is already defined as a ${previous}`);
    return name;
  };
  // A note signature is matched to its verifier by key name and key ID, so two keys sharing them could not be told apart.
  const checkKey = (seen: Set<string>, key: VerifierKey, what: string, line: number): void => {
    const ids = [`key:${toHex(key.publicKey)}`, `id:${key.name}/${key.keyId}`] as const;
    if (seen.has(ids[0])) throw refuse(line, `duplicate ${what}: the same public key is listed on an earlier line`);
    if (seen.has(ids[1])) throw refuse(line, `${what} shares its key name and key ID with an earlier one`);
    for (const id of ids) seen.add(id);
  };

  // A final line without its newline counts; the empty text after a final newline does not.
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let lineNo = 0;
  for (const raw of lines) {
    lineNo++;
    const bad = FORBIDDEN.exec(raw);
    if (bad) {
      const c = bad[0].charCodeAt(0);
      throw refuse(lineNo, `octet 0x${c.toString(16).padStart(2, '0')} is not allowed${c === 0x0d ? ' (CRLF line endings?)' : ''}`);
    }
    // Tokens are separated by runs of ASCII space and tab only (§Structure): no Unicode spaces.
    const tokens = raw.split(/[ \t]+/).filter((t) => t !== '');
    const [keyword, ...args] = tokens;
    if (keyword === undefined || keyword.startsWith('#')) continue;
    if (++definitions > MAX_POLICY_DEFINITIONS) throw refuse(lineNo, `more than ${MAX_POLICY_DEFINITIONS} definitions`);
    switch (keyword) {
      case 'log': {
        const [vkey, url, ...extra] = args;
        if (vkey === undefined || extra.length > 0) throw refuse(lineNo, 'expected "log <vkey> [<url>]"');
        const key = await parseKey(vkey, lineNo, 'log key', parseVerifierKey);
        checkKey(logKeys, key, 'log', lineNo);
        logs.push({ vkey, origin: key.name, ...(url === undefined ? {} : { url }), key, line: lineNo });
        break;
      }
      case 'witness': {
        const [nameToken, vkey, url, ...extra] = args;
        if (vkey === undefined || extra.length > 0) throw refuse(lineNo, 'expected "witness <name> <vkey> [<url>]"');
        const name = defineName(nameToken, 'witness', lineNo);
        const key = await parseKey(vkey, lineNo, `key of witness ${JSON.stringify(name)}`, parseCosignerVerifierKey);
        checkKey(witnessKeys, key, 'witness', lineNo);
        witnesses.push({ name, vkey, ...(url === undefined ? {} : { url }), key, line: lineNo });
        defined.set(name, 'witness');
        break;
      }
      case 'group': {
        const [nameToken, kToken, ...memberTokens] = args;
        if (kToken === undefined || memberTokens.length === 0) throw refuse(lineNo, 'expected "group <name> all|any|<k> <name>..." with at least one member');
        const name = defineName(nameToken, 'group', lineNo);
        const members: string[] = [];
        for (const member of memberTokens) {
          if (member === QUORUM_NONE) throw refuse(lineNo, `"${QUORUM_NONE}" cannot be a group member`);
          // Only earlier lines count, which also rules out cycles.
          if (!defined.has(member)) throw refuse(lineNo, `group member ${JSON.stringify(member)} is not defined on an earlier line`);
          if (members.includes(member)) throw refuse(lineNo, `group member ${JSON.stringify(member)} is listed twice`);
          members.push(member);
        }
        groups.push({ name, threshold: parseThreshold(kToken, members.length, lineNo), members, line: lineNo });
        defined.set(name, 'group');
        break;
      }
      case 'quorum': {
        const [name, ...extra] = args;
        if (name === undefined || extra.length > 0) throw refuse(lineNo, 'expected "quorum <name>"');
        if (quorum !== undefined) throw refuse(lineNo, 'a policy has exactly one quorum line');
        if (name !== QUORUM_NONE && !defined.has(name)) throw refuse(lineNo, `quorum ${JSON.stringify(name)} is not defined on an earlier line`);
        quorum = name;
        break;
      }
      default:
        throw refuse(lineNo, `unknown keyword ${JSON.stringify(keyword.slice(0, 40))}`);
    }
  }
  if (quorum === undefined) throw refuse(lineNo, 'the policy ends without a quorum line');
  return { logs, witnesses, groups, quorum, text };
}

/**
 * Whether the witnesses named in `cosignedBy` satisfy the policy's quorum: a
 * witness by cosigning, a group when at least k of its members do
 * (§Defining a witness group). The same one pass in file order as
 * src/ledger/policy.ts `quorumSatisfied`; inconsistent hand-built policies fail closed.
 */
export function quorumSatisfied(policy: ParsedPolicy, cosignedBy: ReadonlySet<string>): boolean {
  if (policy.quorum === QUORUM_NONE) return true;
  const witnessed = new Map<string, boolean>();
  for (const w of policy.witnesses) witnessed.set(w.name, cosignedBy.has(w.name));
  for (const g of policy.groups) {
    if (witnessed.has(g.name)) return false;
    let count = 0;
    for (const m of new Set(g.members)) if (witnessed.get(m) === true) count++;
    witnessed.set(g.name, Number.isInteger(g.threshold) && g.threshold >= 1 && count >= g.threshold);
  }
  return witnessed.get(policy.quorum) === true;
}

/** The policy's logs whose key name is this checkpoint origin (§Defining a log). */
export function logsForOrigin(policy: ParsedPolicy, origin: string): PolicyLog[] {
  return policy.logs.filter((l) => l.origin === origin);
}

// ---------------------------------------------------------------------------
// Cosignatures (c2sp.org/tlog-cosignature v1.0.1): a note signature of type
// 0x04 whose bytes after the 4-byte key ID are a big-endian u64 timestamp and
// an Ed25519 signature over "cosignature/v1\ntime <ts>\n" + the note's text.
// ---------------------------------------------------------------------------

/** Bytes after the key ID: the u64 timestamp and a 64-byte Ed25519 signature. */
export const COSIGNATURE_SIZE = 72;
const MAX_TIMESTAMP = (1n << 63n) - 1n;

/** A policy witness's cosignature that verified. */
export interface VerifiedCosignature {
  /** The witness's name in the policy. */
  readonly witness: string;
  readonly keyName: string;
  readonly keyId: string;
  /** POSIX seconds. */
  readonly timestamp: number;
}

/** The exact bytes a v1 cosignature signs. */
export function cosignedMessage(noteText: string, timestamp: bigint): Uint8Array<ArrayBuffer> {
  return concat(utf8(`cosignature/v1\ntime ${timestamp.toString()}\n`), utf8(noteText));
}

/**
 * Verifies the note's cosignatures by the policy's witnesses, in the note's
 * order, once per witness. Lines by other keys are ignored, as the spec
 * requires; a line by a listed witness that does not verify rejects the note
 * (`COSIGNATURE_INVALID`), as src/ledger/cosignature.ts `verifyCosignatures` does.
 */
export async function verifyCosignatures(note: SignedNote, policy: ParsedPolicy): Promise<VerifiedCosignature[]> {
  const mine = note.signatures.filter((s) => policy.witnesses.some((w) => sameKey(w.key, s)));
  if (mine.length > 0 && !(await ed25519Available())) {
    throw new VerifyError('CRYPTO_UNAVAILABLE', 'this browser cannot verify Ed25519 signatures with WebCrypto; use a current Chromium, Firefox or Safari, or `accord verify`');
  }
  const out: VerifiedCosignature[] = [];
  for (const sig of mine) {
    const w = policy.witnesses.find((x) => sameKey(x.key, sig))!;
    const invalid = (why: string) => new VerifyError('COSIGNATURE_INVALID', `the cosignature of ${sig.name} (witness ${w.name}) ${why}`);
    if (sig.bytes.length !== COSIGNATURE_SIZE) throw invalid(`is ${sig.bytes.length} bytes after the key ID, not ${COSIGNATURE_SIZE}: it is not a cosignature/v1`);
    const timestamp = new DataView(sig.bytes.buffer, sig.bytes.byteOffset, 8).getBigUint64(0);
    if (timestamp > MAX_TIMESTAMP) throw invalid('has a timestamp above 2^63 - 1');
    if (!(await ed25519Verify(w.key.publicKey, sig.bytes.subarray(8), cosignedMessage(note.text, timestamp)))) {
      throw invalid('does not verify: the checkpoint was altered after it was cosigned, or the signature is forged');
    }
    if (out.some((c) => c.witness === w.name)) continue;
    // Beyond 2^53 seconds is hundreds of millions of years ahead; the spec lets verifiers refuse future times.
    if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('has a timestamp too far in the future');
    out.push({ witness: w.name, keyName: sig.name, keyId: sig.keyId, timestamp: Number(timestamp) });
  }
  return out;
}

/** The outcome of the witness check, for people to read; never thrown. */
export interface WitnessCheck {
  readonly ok: boolean;
  readonly detail: string;
  readonly code?: 'COSIGNATURE_INVALID' | 'COSIGNATURE_QUORUM_NOT_MET' | 'CRYPTO_UNAVAILABLE';
  /** Policy names of the witnesses whose cosignatures verified, in policy order. */
  readonly witnesses: readonly string[];
  readonly cosignatures: readonly VerifiedCosignature[];
}

/**
 * The `witnesses` check of `accord verify` (src/release/verify.ts): the
 * policy's witnesses that validly cosigned the checkpoint satisfy its quorum,
 * groups and all; a listed witness's bad cosignature fails.
 */
export async function checkWitnesses(note: SignedNote, policy: ParsedPolicy): Promise<WitnessCheck> {
  let cosignatures: VerifiedCosignature[];
  try {
    cosignatures = await verifyCosignatures(note, policy);
  } catch (err) {
    const code = err instanceof VerifyError && err.code === 'CRYPTO_UNAVAILABLE' ? 'CRYPTO_UNAVAILABLE' : 'COSIGNATURE_INVALID';
    return { ok: false, code, detail: err instanceof Error ? err.message : String(err), witnesses: [], cosignatures: [] };
  }
  const witnesses = policy.witnesses.filter((w) => cosignatures.some((c) => c.witness === w.name)).map((w) => w.name);
  const who = witnesses.join(', ');
  const total = policy.witnesses.length;
  const quorum = JSON.stringify(policy.quorum);
  if (policy.quorum === QUORUM_NONE) {
    return { ok: true, detail: `no witness cosignature required (quorum none)${who ? `; cosigned by ${who}` : ''}`, witnesses, cosignatures };
  }
  if (quorumSatisfied(policy, new Set(witnesses))) {
    return { ok: true, detail: `${witnesses.length} of ${total} witnesses cosigned (${who}), which satisfies quorum ${quorum}`, witnesses, cosignatures };
  }
  const missing = policy.witnesses.filter((w) => !witnesses.includes(w.name)).map((w) => w.name);
  return {
    ok: false,
    code: 'COSIGNATURE_QUORUM_NOT_MET',
    detail: `${witnesses.length} of ${total} witnesses cosigned${who ? ` (${who})` : ''}, which does not satisfy quorum ${quorum}; no cosignature by ${missing.join(', ')}`,
    witnesses,
    cosignatures,
  };
}

// ---------------------------------------------------------------------------
// Trust files of version 1 carried a one-log, k-of-n policy as JSON fields.
// ---------------------------------------------------------------------------

/** Version 1's `log` object. */
export interface LogFields {
  readonly origin: string;
  readonly vkey: string;
  readonly witnesses: readonly string[];
  readonly quorum: number;
}

/**
 * The tlog-policy text equivalent to version 1's `log` fields, as
 * src/release/trust.ts `policyFromLogFields` writes it: witnesses named by
 * their keys' names (made distinct), `group witnesses <k|all> …` and
 * `quorum witnesses`, or `quorum none` for k = 0. Throws `POLICY_INVALID`.
 */
export async function policyFromLogFields(log: LogFields): Promise<string> {
  const fail = (message: string) => new VerifyError('POLICY_INVALID', message);
  const names = new Set<string>();
  const witnesses: { name: string; vkey: string }[] = [];
  for (const [i, vkey] of log.witnesses.entries()) {
    let name: string;
    try {
      name = (await parseCosignerVerifierKey(vkey)).name;
    } catch (err) {
      throw fail(`log.witnesses[${i}] is not a cosigner verifier key (type 0x04): ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!/^[\x21-\x7e]+$/.test(name) || name === QUORUM_NONE || name === 'witnesses' || names.has(name)) name = `witness-${i + 1}`;
    names.add(name);
    witnesses.push({ name, vkey });
  }
  let key: VerifierKey;
  try {
    key = await parseVerifierKey(log.vkey);
  } catch (err) {
    throw fail(`log.vkey is not an Ed25519 note verifier key: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (key.text !== log.vkey) throw fail('log.vkey has surrounding whitespace');
  if (key.name !== log.origin) throw fail(`log.origin ${JSON.stringify(log.origin)} is not the name of log.vkey (${JSON.stringify(key.name)})`);
  const k = log.quorum;
  if (!Number.isInteger(k) || k < 0 || k > witnesses.length) throw fail(`log.quorum must be a whole number from 0 to the number of witnesses (${witnesses.length})`);
  const lines = [`log ${log.vkey}`, ''];
  for (const w of witnesses) lines.push(`witness ${w.name} ${w.vkey}`);
  if (k === 0) lines.push(`quorum ${QUORUM_NONE}`);
  else lines.push(`group witnesses ${k === witnesses.length ? 'all' : k} ${witnesses.map((w) => w.name).join(' ')}`, 'quorum witnesses');
  return lines.join('\n') + '\n';
}
