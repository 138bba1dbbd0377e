import { checkSignatures, importSpkiPem, type DsseEnvelope, type PublicKeyInfo, type ReleaseKeyAlgorithm } from './dsse.js';
import { VerifyError, type VerifyErrorCode } from './errors.js';
import { parsePolicy, policyFromLogFields, type ParsedPolicy } from './policy.js';

/**
 * The parts of Accord's trust file (docs/releases.md, `GET /api/v1/trust`) a
 * release check needs: the log policy (c2sp.org/tlog-policy: log keys,
 * witnesses, quorum), each signatory's release keys, whether they are
 * revoked, and the purl namespaces each may sign. Only these fields are
 * read; anything else in the file is ignored, never trusted. Purl scope
 * matching mirrors `parsePurlScope`/`scopeCovers` in src/release/purl.ts.
 */

export interface TrustedKey {
  readonly signatory: string;
  readonly signatoryName: string;
  readonly key: PublicKeyInfo;
  readonly revokedAt: string | null;
  readonly namespaces: readonly string[];
  readonly scopes: readonly PurlScope[];
}

export interface Trust {
  /** The policy checkpoints are checked against; a version 1 file's `log` fields are converted to it. */
  readonly policy: ParsedPolicy;
  readonly keys: readonly TrustedKey[];
}

const MAX_TRUST_TEXT = 16 << 20;
const KEY_ID = /^[0-9a-f]{64}$/;
const SLUG = /^[a-z0-9-]{1,64}$/;
const TYPE = /^[a-z.+-][a-z0-9.+-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Types whose namespace and name the purl spec lowercases (as src/release/purl.ts). */
const LOWERCASE_TYPES = new Set(['alpm', 'apk', 'bitbucket', 'composer', 'deb', 'github', 'npm', 'pypi']);

function invalid(message: string): VerifyError {
  return new VerifyError('TRUST_INVALID', `trust file: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decode(text: string): string | undefined {
  try {
    const out = decodeURIComponent(text);
    return CONTROL.test(out) ? undefined : out;
  } catch {
    return undefined;
  }
}

/** `pkg:<type|*>/<segment…|*>`: a purl lies within it when its type matches and its namespace-and-name segments start with these. */
export interface PurlScope {
  readonly type: string;
  readonly namespace: readonly string[] | '*';
}

/** Parses a namespace pattern exactly as far as src/release/purl.ts `parsePurlScope` accepts; undefined otherwise. */
export function parsePurlScope(text: string): PurlScope | undefined {
  if (typeof text !== 'string' || text.length > 2048 || !text.startsWith('pkg:')) return undefined;
  const body = text.slice(4);
  const slash = body.indexOf('/');
  if (slash < 0) return undefined;
  const type = body.slice(0, slash);
  const rest = body.slice(slash + 1);
  if ((type !== '*' && !TYPE.test(type)) || rest === '' || /[?#]|[^/]@/.test(rest)) return undefined;
  if (rest === '*') return { type, namespace: '*' };
  const segments = rest.split('/');
  if (segments.some((s) => s === '' || s === '*')) return undefined;
  const decoded = segments.map(decode);
  if (decoded.some((s) => s === undefined)) return undefined;
  const ns = decoded as string[];
  return { type, namespace: type !== '*' && LOWERCASE_TYPES.has(type) ? ns.map((s) => s.toLowerCase()) : ns };
}

/** The type, namespace segments and name of a purl (src/release/purl.ts `parsePurl`, the parts scopes look at); undefined when malformed. */
export function purlTypeAndNamespace(text: string): { type: string; namespace: string[]; name: string } | undefined {
  if (typeof text !== 'string' || text.length > 2048 || !text.startsWith('pkg:')) return undefined;
  let rest = text.slice(4);
  const hash = rest.lastIndexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.lastIndexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  rest = rest.replace(/^\/+/, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const type = rest.slice(0, slash).toLowerCase();
  if (!TYPE.test(type)) return undefined;
  rest = rest.slice(slash + 1);
  const at = rest.lastIndexOf('@');
  if (at >= 0 && !rest.slice(at + 1).includes('/')) rest = rest.slice(0, at);
  const last = rest.lastIndexOf('/');
  const name = decode(last < 0 ? rest : rest.slice(last + 1));
  if (name === undefined || name === '') return undefined;
  const raw = last < 0 ? [] : rest.slice(0, last).split('/').filter((s) => s !== '');
  const namespace = raw.map(decode);
  if (namespace.some((s) => s === undefined || s.includes('/'))) return undefined;
  const ns = namespace as string[];
  return { type, namespace: LOWERCASE_TYPES.has(type) ? ns.map((s) => s.toLowerCase()) : ns, name: normaliseName(type, name) };
}

/** The purl spec's name normalisation for the types src/release/purl.ts knows. */
function normaliseName(type: string, name: string): string {
  if (type === 'pypi') return name.toLowerCase().replace(/_/g, '-');
  return LOWERCASE_TYPES.has(type) ? name.toLowerCase() : name;
}

/** Whether the purl `text` lies within `scope`; false for a malformed purl. */
export function scopeCovers(scope: PurlScope, text: string): boolean {
  const purl = purlTypeAndNamespace(text);
  if (purl === undefined) return false;
  if (scope.type !== '*' && scope.type !== purl.type) return false;
  if (scope.namespace === '*') return true;
  // The pattern's segments must begin the purl's namespace-and-name segments (a package is named whole).
  // Only a typed pattern reaches the name: pkg:*/acme is the namespace acme everywhere, never a package called acme.
  const ns = purl.namespace;
  if (scope.namespace.length > ns.length + (scope.type === '*' ? 0 : 1)) return false;
  return scope.namespace.every((s, i) => (i < ns.length ? ns[i] === s : normaliseName(scope.type, s) === purl.name));
}

/**
 * Reads the signatories' keys from trust-file text, importing each with
 * WebCrypto and checking its key_id is the SHA-256 of its SPKI. Throws
 * `TRUST_INVALID` for anything malformed, including a namespace pattern this
 * verifier does not understand (refused rather than guessed at).
 */
export async function parseTrust(text: string): Promise<Trust> {
  if (typeof text !== 'string' || text.length > MAX_TRUST_TEXT) throw invalid('not text of at most 16 MiB');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (!isObject(v) || v.type !== 'accord-trust') throw invalid('not an Accord trust file (type "accord-trust")');
  if (v.version !== 1 && v.version !== 2) throw invalid(`version ${JSON.stringify(v.version)} is not supported (this page reads versions 1 and 2)`);
  const policy = await readPolicy(v);
  if (!Array.isArray(v.signatories)) throw invalid('signatories must be an array');
  const keys: TrustedKey[] = [];
  for (const [i, s] of v.signatories.entries()) {
    const at = `signatories[${i}]`;
    if (!isObject(s) || typeof s.slug !== 'string' || !SLUG.test(s.slug) || typeof s.name !== 'string' || s.name === '' || !Array.isArray(s.keys)) {
      throw invalid(`${at} needs slug, name and keys`);
    }
    for (const [j, k] of s.keys.entries()) {
      const kat = `${at}.keys[${j}]`;
      if (!isObject(k)) throw invalid(`${kat} must be an object`);
      if (typeof k.key_id !== 'string' || !KEY_ID.test(k.key_id)) throw invalid(`${kat}.key_id must be 64 lowercase hex digits`);
      if (k.algorithm !== 'ed25519' && k.algorithm !== 'ecdsa-p256') throw invalid(`${kat}.algorithm must be ed25519 or ecdsa-p256`);
      if (typeof k.public_key !== 'string') throw invalid(`${kat}.public_key must be PEM text`);
      if (k.revoked_at !== null && (typeof k.revoked_at !== 'string' || Number.isNaN(Date.parse(k.revoked_at)))) throw invalid(`${kat}.revoked_at must be null or a date-time`);
      if (!Array.isArray(k.purl_namespaces) || k.purl_namespaces.length === 0) throw invalid(`${kat}.purl_namespaces must be a non-empty array`);
      const namespaces = k.purl_namespaces.map((p, n) => {
        if (typeof p !== 'string') throw invalid(`${kat}.purl_namespaces[${n}] must be a string`);
        return p;
      });
      const scopes = namespaces.map((p, n) => {
        const scope = parsePurlScope(p);
        if (scope === undefined) throw invalid(`${kat}.purl_namespaces[${n}] ${JSON.stringify(p.slice(0, 120))} is not a pattern pkg:<type|*>/<namespace|*>`);
        return scope;
      });
      let key: PublicKeyInfo;
      try {
        key = await importSpkiPem(k.public_key, k.algorithm as ReleaseKeyAlgorithm);
      } catch (err) {
        throw invalid(`${kat}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (key.keyId !== k.key_id) throw invalid(`${kat}.key_id is not the SHA-256 of its public key (${key.keyId})`);
      if (keys.some((t) => t.key.keyId === key.keyId)) throw invalid(`key ${key.keyId} is listed twice`);
      keys.push({ signatory: s.slug, signatoryName: s.name, key, revokedAt: k.revoked_at as string | null, namespaces, scopes });
    }
  }
  return { policy, keys };
}

/** The trust file's log policy: version 2's `policy` text, or version 1's `log` fields as the equivalent policy (as src/release/trust.ts). */
async function readPolicy(v: Record<string, unknown>): Promise<ParsedPolicy> {
  let text: string;
  if (v.version === 1) {
    const log = v.log;
    if (!isObject(log)) throw invalid('log must be an object (version 1 carries the log policy there)');
    if (typeof log.origin !== 'string' || typeof log.vkey !== 'string') throw invalid('log.origin and log.vkey must be strings');
    if (!Array.isArray(log.witnesses) || log.witnesses.some((w) => typeof w !== 'string')) throw invalid('log.witnesses must be an array of cosigner verifier keys');
    if (typeof log.quorum !== 'number') throw invalid('log.quorum must be a number');
    try {
      text = await policyFromLogFields({ origin: log.origin, vkey: log.vkey, witnesses: log.witnesses as string[], quorum: log.quorum });
    } catch (err) {
      throw invalid(err instanceof Error ? err.message : String(err));
    }
  } else {
    if (typeof v.policy !== 'string' || v.policy === '') throw invalid('policy must be the c2sp.org/tlog-policy text (version 2)');
    text = v.policy;
  }
  let policy: ParsedPolicy;
  try {
    policy = await parsePolicy(text);
  } catch (err) {
    throw invalid(`policy: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (policy.logs.length === 0) throw invalid('policy names no log');
  return policy;
}

export interface SignerCheck {
  readonly ok: boolean;
  /** For people: who signed and what they may sign, or what is wrong. */
  readonly message: string;
  readonly code?: VerifyErrorCode;
  /** The trusted, unrevoked key allowed for every purl whose signature verified. */
  readonly signer?: TrustedKey;
}

const short = (keyId: string) => `${keyId.slice(0, 16)}…`;

/**
 * The `signature` check of `accord verify` (src/release/verify.ts): a key in
 * the trust file signed the envelope, is not revoked, and may sign every purl
 * the statement names. Never throws.
 */
export async function checkSigner(envelope: DsseEnvelope, purls: readonly string[], trust: Trust): Promise<SignerCheck> {
  let outcomes;
  try {
    outcomes = await checkSignatures(envelope, trust.keys.map((k) => k.key));
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err), code: err instanceof VerifyError ? err.code : 'SIGNATURE_INVALID' };
  }
  const verified = outcomes.flatMap((o) => (o.key ? [trust.keys.find((k) => k.key.keyId === o.key!.keyId)!] : []));
  if (verified.length === 0) {
    const named = outcomes.find((o) => o.named > 0 && o.keyid !== undefined);
    if (named) {
      const k = trust.keys.find((t) => t.key.keyId === named.keyid)!;
      return { ok: false, code: 'SIGNATURE_INVALID', message: `the signature by ${k.signatoryName}'s key ${short(k.key.keyId)} does not verify: the statement or envelope was altered` };
    }
    const ids = outcomes.map((o) => (o.keyid === undefined ? '(no keyid)' : JSON.stringify(short(o.keyid)))).join(', ');
    return { ok: false, code: 'KEY_UNKNOWN', message: `no signature verifies with a key in the trust file (signatures: ${ids})` };
  }
  if (purls.length === 0) return { ok: false, code: 'PURL_NOT_ALLOWED', message: `signed by ${verified[0]!.signatoryName}, but the statement names no purl` };
  const allowed = (k: TrustedKey) => purls.every((p) => k.scopes.some((s) => scopeCovers(s, p)));
  const signer = verified.find((k) => k.revokedAt === null && allowed(k));
  if (signer) {
    return {
      ok: true,
      signer,
      message: `signed by ${signer.signatoryName} (${signer.signatory}) with ${signer.key.algorithm} key ${short(signer.key.keyId)}, allowed for ${purls.join(', ')}`,
    };
  }
  const outOfScope = verified.find((k) => k.revokedAt === null);
  if (outOfScope) {
    return {
      ok: false,
      code: 'PURL_NOT_ALLOWED',
      message: `${outOfScope.signatoryName}'s key ${short(outOfScope.key.keyId)} may sign only ${outOfScope.namespaces.join(', ')}, not ${purls.join(', ')}`,
    };
  }
  const revoked = verified[0]!;
  return { ok: false, code: 'KEY_REVOKED', message: `signed by ${revoked.signatoryName}'s key ${short(revoked.key.keyId)}, which was revoked at ${revoked.revokedAt}` };
}

/** Fetches the trust file text from this server (`GET /api/v1/trust`). */
export async function fetchTrustText(signal?: AbortSignal): Promise<string> {
  const res = await fetch('/api/v1/trust', { headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!res.ok) throw invalid(`GET /api/v1/trust answered ${res.status}`);
  return res.text();
}
