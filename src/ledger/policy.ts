import { openCheckpoint, parseCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { parseCosignerVerifierKey, verifyCosignatures } from './cosignature.js';
import type { Cosignature } from './cosignature.js';
import { LedgerError } from './errors.js';
import type { LedgerErrorCode } from './errors.js';
import { parseNote } from './note.js';
import type { NoteVerifier } from './note-verifier.js';
import { decodeVerifierKey, parseVerifierKey } from './note-verifier.js';
import { decodeUtf8, isWellFormedUnicode, utf8 } from './text-codec.js';

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
// A URL is written as one policy token: no whitespace, no controls (c2sp.org/tlog-policy §Character set).
const URL_TOKEN = /^[\x21-\x7e\u0080-\u{10ffff}]+$/u;

function checkUrl(url: string | undefined, what: string): void {
  // An unchecked URL with a newline would inject lines (say `quorum none`) into the published policy.
  if (url && !(URL_TOKEN.test(url) && isWellFormedUnicode(url))) throw new LedgerError('NOTE_KEY_INVALID', `the URL of ${what} is not one token of printable characters`);
}

/** Checks a policy's parts: keys parse, names are distinct tokens, 0 ≤ quorum ≤ witnesses. */
export function checkPolicy(p: LogPolicy): void {
  parseVerifierKey(p.logVkey);
  checkUrl(p.logUrl, 'the log');
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const w of p.witnesses) {
    if (!NAME.test(w.name) || w.name === 'none' || w.name === 'witnesses') throw new LedgerError('NOTE_KEY_INVALID', `invalid witness name ${JSON.stringify(w.name)}`);
    if (names.has(w.name)) throw new LedgerError('NOTE_KEY_INVALID', `two witnesses are named ${w.name}`);
    const v = parseCosignerVerifierKey(w.vkey);
    // c2sp.org/tlog-policy §Public key representation: duplicates wrap the same public key, whatever their names.
    // The name and key ID are checked too, as a note could not tell the two keys apart.
    const ids = [`id:${v.name}/${v.keyId}`, `key:${Buffer.from(decodeVerifierKey(w.vkey).publicKey).toString('hex')}`];
    if (ids.some((id) => keys.has(id))) throw new LedgerError('NOTE_KEY_INVALID', `witness ${w.name} duplicates another witness's key`);
    checkUrl(w.url, `witness ${w.name}`);
    names.add(w.name);
    for (const id of ids) keys.add(id);
  }
  if (!Number.isInteger(p.quorum) || p.quorum < 0 || p.quorum > p.witnesses.length) {
    throw new LedgerError('COSIGNATURE_QUORUM_NOT_MET', `quorum ${p.quorum} is not between 0 and the ${p.witnesses.length} witnesses`);
  }
}

/** Formats the policy as a c2sp.org/tlog-policy file; `parsePolicy` reads it back. */
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

// ---------------------------------------------------------------------------
// The full c2sp.org/tlog-policy syntax: any number of logs, witnesses, nested
// k-of-n groups. Policy files are trust roots an operator or a user hands us,
// but they travel over the network too (GET /api/v1/log/policy, trust files),
// so the parser is strict and bounded like the note parsers.
// ---------------------------------------------------------------------------

/** Largest policy file accepted, in bytes. */
export const MAX_POLICY_SIZE = 1 << 20;
/**
 * Most definition lines (`log`, `witness`, `group`, `quorum`) accepted. The spec
 * asks for at least 32 logs, 32 witnesses and 32 groups (§Implementation limits).
 */
export const MAX_POLICY_DEFINITIONS = 1000;

/** The name `quorum none` uses; it cannot be defined or be a group member. */
export const QUORUM_NONE = 'none';

/** A `log <vkey> [<url>]` line. */
export interface PolicyLog {
  readonly vkey: string;
  /** The vkey's key name, which is the log's checkpoint origin (§Defining a log). */
  readonly origin: string;
  readonly url?: string;
  /** Its Ed25519 (type 0x01) signed-note verifier. */
  readonly verifier: NoteVerifier;
  readonly line: number;
}

/** A `witness <name> <vkey> [<url>]` line. */
export interface PolicyWitness {
  /** The policy-local name (not the vkey's key name). */
  readonly name: string;
  readonly vkey: string;
  readonly url?: string;
  /** Its cosignature (type 0x04) verifier. */
  readonly verifier: NoteVerifier;
  readonly line: number;
}

/** A `group <name> all|any|<k> <member>...` line; `all` and `any` are stored as their k. */
export interface PolicyGroup {
  readonly name: string;
  /** How many members must have witnessed: 1 ≤ threshold ≤ members.length. */
  readonly threshold: number;
  /** Witness or group names, each defined on an earlier line. */
  readonly members: readonly string[];
  readonly line: number;
}

/**
 * A parsed c2sp.org/tlog-policy file. Names are octet strings in the file;
 * here they are decoded as UTF-8, and any octet that is not part of valid
 * UTF-8 becomes the lone surrogate U+DC00 + octet (Python's "surrogateescape"),
 * so that distinct octet strings stay distinct names and no Unicode
 * normalisation ever applies (§Character set).
 */
export interface ParsedPolicy {
  readonly logs: readonly PolicyLog[];
  readonly witnesses: readonly PolicyWitness[];
  /** In file order, so each group's members come before it. */
  readonly groups: readonly PolicyGroup[];
  /** The name on the `quorum` line: a witness, a group, or `none`. */
  readonly quorum: string;
}

type Token = Uint8Array;

function refuse(code: LedgerErrorCode, line: number, message: string, cause?: unknown): LedgerError {
  return new LedgerError(code, `policy line ${line}: ${message}`, cause === undefined ? {} : { cause });
}

/** Octets allowed anywhere in a policy (§Character set): tab, newline, printable ASCII, and any octet ≥ 0x80. */
function allowedOctet(b: number): boolean {
  return b === 0x09 || b === 0x0a || (b >= 0x20 && b <= 0x7e) || b >= 0x80;
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + j];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Decodes an opaque octet string injectively: UTF-8 where valid, U+DC80–U+DCFF for other octets. */
function decodeOpaque(bytes: Uint8Array): string {
  const strict = decodeUtf8(bytes);
  if (strict !== undefined) return strict;
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const n = utf8SequenceLength(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] as number));
      i += 1;
    } else {
      out += decodeUtf8(bytes.subarray(i, i + n)) as string;
      i += n;
    }
  }
  return out;
}

function toBytes(text: string | Uint8Array): Uint8Array {
  if (text instanceof Uint8Array) {
    if (text.length > MAX_POLICY_SIZE) throw new LedgerError('NOTE_MALFORMED', `policy is ${text.length} bytes, more than the ${MAX_POLICY_SIZE}-byte limit`);
    return text;
  }
  if (typeof text !== 'string') throw new LedgerError('NOTE_MALFORMED', 'a policy is a string or bytes');
  // Bound the work before encoding: a UTF-16 unit is at least one UTF-8 byte.
  if (text.length > MAX_POLICY_SIZE) throw new LedgerError('NOTE_MALFORMED', `policy is more than the ${MAX_POLICY_SIZE}-byte limit`);
  const lone = /[\uD800-\uDFFF]/u.exec(text);
  if (lone !== null) {
    throw refuse('NOTE_MALFORMED', text.slice(0, lone.index).split('\n').length, 'a lone UTF-16 surrogate has no octet encoding');
  }
  const bytes = utf8(text);
  if (bytes.length > MAX_POLICY_SIZE) throw new LedgerError('NOTE_MALFORMED', `policy is ${bytes.length} bytes, more than the ${MAX_POLICY_SIZE}-byte limit`);
  return bytes;
}

/** Splits a line on runs of ASCII space and tab only (§Structure). */
function tokenize(line: Uint8Array): Token[] {
  const out: Token[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const b = line[i];
    const blank = b === undefined || b === 0x20 || b === 0x09;
    if (blank && start >= 0) {
      out.push(line.subarray(start, i));
      start = -1;
    } else if (!blank && start < 0) start = i;
  }
  return out;
}

function ascii(token: Token | undefined): string | undefined {
  if (token === undefined) return undefined;
  return token.every((b) => b < 0x80) ? Buffer.from(token).toString('latin1') : undefined;
}

function vkeyText(token: Token, lineNo: number): string {
  // vkeys embed a signed-note key name, which is UTF-8 text (c2sp.org/signed-note §Format).
  const text = decodeUtf8(token);
  if (text === undefined) throw refuse('NOTE_KEY_INVALID', lineNo, 'the vkey is not valid UTF-8');
  return text;
}

/** Parses a key with `parse`, adding the line number to its error. */
function parseKey(vkey: string, lineNo: number, what: string, parse: (vkey: string) => NoteVerifier): { verifier: NoteVerifier; publicKey: string } {
  try {
    const verifier = parse(vkey);
    return { verifier, publicKey: Buffer.from(decodeVerifierKey(vkey).publicKey).toString('hex') };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw refuse('NOTE_KEY_INVALID', lineNo, `${what}: ${message}`, cause);
  }
}

/** Parses a threshold: `all`, `any`, or decimal digits with 1 ≤ k ≤ n (§Defining a witness group). */
function parseThreshold(token: Token, n: number, lineNo: number): number {
  const text = ascii(token);
  if (text === 'all') return n;
  if (text === 'any') return 1;
  if (text === undefined || !/^[0-9]+$/.test(text)) throw refuse('NOTE_MALFORMED', lineNo, 'a group threshold is "all", "any" or a decimal number');
  // Leading zeros are still decimal; strip them so the length check bounds the value.
  const digits = text.replace(/^0+(?=.)/, '');
  const k = digits.length > 7 ? Infinity : Number(digits);
  if (k < 1 || k > n) throw refuse('NOTE_MALFORMED', lineNo, `group threshold ${text} is not between 1 and its ${n} members`);
  return k;
}

/**
 * Parses a c2sp.org/tlog-policy file. Every refusal is a `LedgerError` naming
 * the line: `NOTE_KEY_INVALID` for a bad or duplicate key, `NOTE_MALFORMED` for
 * anything else (syntax, names, the quorum line, limits).
 */
export function parsePolicy(text: string | Uint8Array): ParsedPolicy {
  const bytes = toBytes(text);
  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const groups: PolicyGroup[] = [];
  // Witnesses and groups share one namespace (§What is a "policy"?); the map says which is which.
  const defined = new Map<string, 'witness' | 'group'>();
  const logKeys = new Set<string>();
  const witnessKeys = new Set<string>();
  let quorum: string | undefined;
  let definitions = 0;
  let lineNo = 0;

  const defineName = (token: Token | undefined, kind: 'witness' | 'group'): string => {
    if (token === undefined) throw refuse('NOTE_MALFORMED', lineNo, `a ${kind} line needs a name`);
    const name = decodeOpaque(token);
    if (name === QUORUM_NONE) throw refuse('NOTE_MALFORMED', lineNo, `"${QUORUM_NONE}" is predefined and cannot name a ${kind}`);
    const previous = defined.get(name);
    if (previous !== undefined) throw refuse('NOTE_MALFORMED', lineNo, `${JSON.stringify(name)} is already defined as a ${previous}`);
    return name;
  };
  // Name and key ID pick the verifier of a note signature, so two keys sharing them could not be told apart.
  const checkKey = (seen: Set<string>, key: { verifier: NoteVerifier; publicKey: string }, what: string): void => {
    const ids = [`key:${key.publicKey}`, `id:${key.verifier.name}/${key.verifier.keyId}`];
    if (seen.has(ids[0] as string)) throw refuse('NOTE_KEY_INVALID', lineNo, `duplicate ${what}: the same public key is listed on an earlier line`);
    if (seen.has(ids[1] as string)) throw refuse('NOTE_KEY_INVALID', lineNo, `${what} shares its key name and key ID with an earlier one`);
    for (const id of ids) seen.add(id);
  };

  // The text after the last newline is a last line only if non-empty (or the whole, empty, file):
  // a final line without its newline is accepted, as line-oriented readers do.
  for (let start = 0; start < bytes.length || lineNo === 0; ) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    start = end + 1;
    lineNo++;
    const bad = line.findIndex((b) => !allowedOctet(b));
    if (bad >= 0) {
      const b = line[bad] as number;
      throw refuse('NOTE_MALFORMED', lineNo, `octet 0x${b.toString(16).padStart(2, '0')} is not allowed${b === 0x0d ? ' (CRLF line endings?)' : ''}`);
    }
    const tokens = tokenize(line);
    const keyword = tokens[0];
    if (keyword === undefined || keyword[0] === 0x23) continue; // blank, or a `#` comment
    if (++definitions > MAX_POLICY_DEFINITIONS) throw refuse('NOTE_MALFORMED', lineNo, `more than ${MAX_POLICY_DEFINITIONS} definitions`);
    const args = tokens.slice(1);
    switch (ascii(keyword)) {
      case 'log': {
        const [vkeyToken, urlToken, ...extra] = args;
        if (vkeyToken === undefined || extra.length > 0) throw refuse('NOTE_MALFORMED', lineNo, 'expected "log <vkey> [<url>]"');
        const vkey = vkeyText(vkeyToken, lineNo);
        const key = parseKey(vkey, lineNo, 'log key', parseVerifierKey);
        checkKey(logKeys, key, 'log');
        const url = urlToken === undefined ? {} : { url: decodeOpaque(urlToken) };
        logs.push({ vkey, origin: key.verifier.name, ...url, verifier: key.verifier, line: lineNo });
        break;
      }
      case 'witness': {
        const [nameToken, vkeyToken, urlToken, ...extra] = args;
        if (vkeyToken === undefined || extra.length > 0) throw refuse('NOTE_MALFORMED', lineNo, 'expected "witness <name> <vkey> [<url>]"');
        const name = defineName(nameToken, 'witness');
        const vkey = vkeyText(vkeyToken, lineNo);
        const key = parseKey(vkey, lineNo, `key of witness ${JSON.stringify(name)}`, parseCosignerVerifierKey);
        checkKey(witnessKeys, key, 'witness');
        const url = urlToken === undefined ? {} : { url: decodeOpaque(urlToken) };
        witnesses.push({ name, vkey, ...url, verifier: key.verifier, line: lineNo });
        defined.set(name, 'witness');
        break;
      }
      case 'group': {
        const [nameToken, kToken, ...memberTokens] = args;
        if (kToken === undefined || memberTokens.length === 0) throw refuse('NOTE_MALFORMED', lineNo, 'expected "group <name> all|any|<k> <name>..." with at least one member');
        const name = defineName(nameToken, 'group');
        const members: string[] = [];
        for (const token of memberTokens) {
          const member = decodeOpaque(token);
          if (member === QUORUM_NONE) throw refuse('NOTE_MALFORMED', lineNo, `"${QUORUM_NONE}" cannot be a group member`);
          // Only earlier lines count, which also rules out cycles (a group naming itself included).
          if (!defined.has(member)) throw refuse('NOTE_MALFORMED', lineNo, `group member ${JSON.stringify(member)} is not defined on an earlier line`);
          // Each name contributes at most once to a group (§Defining a witness group).
          if (members.includes(member)) throw refuse('NOTE_MALFORMED', lineNo, `group member ${JSON.stringify(member)} is listed twice`);
          members.push(member);
        }
        const threshold = parseThreshold(kToken, members.length, lineNo);
        groups.push({ name, threshold, members, line: lineNo });
        defined.set(name, 'group');
        break;
      }
      case 'quorum': {
        const [nameToken, ...extra] = args;
        if (nameToken === undefined || extra.length > 0) throw refuse('NOTE_MALFORMED', lineNo, 'expected "quorum <name>"');
        if (quorum !== undefined) throw refuse('NOTE_MALFORMED', lineNo, 'a policy has exactly one quorum line');
        const name = decodeOpaque(nameToken);
        if (name !== QUORUM_NONE && !defined.has(name)) throw refuse('NOTE_MALFORMED', lineNo, `quorum ${JSON.stringify(name)} is not defined on an earlier line`);
        quorum = name;
        break;
      }
      default:
        throw refuse('NOTE_MALFORMED', lineNo, `unknown keyword ${JSON.stringify(decodeOpaque(keyword))}`);
    }
  }
  if (quorum === undefined) throw refuse('NOTE_MALFORMED', lineNo, 'the policy ends without a quorum line');
  return { logs, witnesses, groups, quorum };
}

/**
 * Whether witnesses `cosignedBy` (policy witness names whose cosignatures
 * verified) satisfy the policy's quorum: a witness witnesses by cosigning, a
 * group when at least k of its members witness (§Defining a witness group).
 * Names that are not witnesses of the policy are ignored; anything
 * inconsistent in a hand-built policy counts as not witnessed (fails closed).
 */
export function quorumSatisfied(policy: ParsedPolicy, cosignedBy: ReadonlySet<string>): boolean {
  if (policy.quorum === QUORUM_NONE) return true;
  // Groups only name earlier definitions, so one pass in file order evaluates the tree without recursion.
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

/** A checkpoint that satisfies a policy. */
export interface PolicyVerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The policy's log whose signature verified. */
  readonly log: PolicyLog;
  /** Policy names of the witnesses whose cosignatures verified, in policy order. */
  readonly witnesses: readonly string[];
  /** Those cosignatures, by key name and key ID, with their timestamps. */
  readonly cosignatures: readonly Cosignature[];
}

function sameKey(v: NoteVerifier, s: { name: string; keyId: number }): boolean {
  return v.name === s.name && v.keyId === s.keyId;
}

/**
 * Verifies a checkpoint note against a policy (§What is a "policy"?): signed
 * by one of its logs for that log's origin, and cosigned by witnesses that
 * satisfy the quorum. Throws the errors of `openCheckpoint` and
 * `verifyCosignatures` (a bad signature by a known key rejects the note),
 * `CHECKPOINT_ORIGIN_MISMATCH` if no log has the checkpoint's origin,
 * `NOTE_UNVERIFIED` if the policy lists no logs, and
 * `COSIGNATURE_QUORUM_NOT_MET`.
 */
export function verifyCheckpointWithPolicy(note: string | Uint8Array, policy: ParsedPolicy): PolicyVerifiedCheckpoint {
  if (policy.logs.length === 0) throw new LedgerError('NOTE_UNVERIFIED', 'the policy lists no logs to verify the checkpoint with');
  const { origin } = parseCheckpoint(parseNote(note).text);
  const candidates = policy.logs.filter((l) => l.origin === origin);
  if (candidates.length === 0) throw new LedgerError('CHECKPOINT_ORIGIN_MISMATCH', `the policy lists no log with origin ${JSON.stringify(origin)}`);
  const opened = openCheckpoint(note, origin, candidates.map((l) => l.verifier));
  const log = candidates.find((l) => opened.note.verified.some((s) => sameKey(l.verifier, s)));
  // openCheckpoint verified at least one signature by these verifiers.
  if (log === undefined) throw new LedgerError('NOTE_UNVERIFIED', 'no log signature verified');
  const cosignatures = verifyCosignatures(note, policy.witnesses.map((w) => w.verifier));
  const witnesses = policy.witnesses.filter((w) => cosignatures.some((c) => sameKey(w.verifier, c))).map((w) => w.name);
  if (!quorumSatisfied(policy, new Set(witnesses))) {
    throw new LedgerError(
      'COSIGNATURE_QUORUM_NOT_MET',
      `the checkpoint's cosignatures by ${witnesses.length} of the policy's ${policy.witnesses.length} witnesses do not satisfy quorum ${JSON.stringify(policy.quorum)}`,
    );
  }
  return { checkpoint: opened.checkpoint, log, witnesses, cosignatures };
}
