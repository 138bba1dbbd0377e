import { parseIpNetwork } from '../pattern/ip.js';
import { COMMON_PROPERTIES, ID_CONTRIBUTING, SCO_TYPES } from './catalog.js';
import { checkBoolean, checkInteger, checkOrder, checkString, checkStringList, checkTimestamp, has, type Ctx } from './checks.js';
import { checkHashes } from './common.js';
import { deterministicScoId } from './deterministic-id.js';
import { parseIdentifier } from './identifier.js';
import { isRecord, pointer, preview } from './problems.js';

type Obj = Record<string, unknown>;

/** §6.8/§6.9: an address or a CIDR block of the right family. */
function checkAddress(ctx: Ctx, obj: Obj, path: string, family: 4 | 6): void {
  const v = checkString(ctx, obj, 'value', path);
  if (v === undefined) return;
  const net = parseIpNetwork(v);
  if (!net || net.family !== family) ctx.problems.add(pointer(path, 'value'), `value ${preview(v)} is not an IPv${family} address or CIDR block`);
}

function checkNetworkTraffic(ctx: Ctx, obj: Obj, path: string): void {
  const start = checkTimestamp(ctx, obj, 'start', path);
  const end = checkTimestamp(ctx, obj, 'end', path);
  // §6.12.1: end "MUST be greater than" start; is_active true forbids end.
  checkOrder(ctx, path, 'start', start, 'end', end, true);
  if (checkBoolean(ctx, obj, 'is_active', path) === true && has(obj, 'end')) ctx.problems.add(pointer(path, 'end'), 'end must not be present when is_active is true');
  checkInteger(ctx, obj, 'src_port', path, 0, 65535);
  checkInteger(ctx, obj, 'dst_port', path, 0, 65535);
  for (const k of ['src_byte_count', 'dst_byte_count', 'src_packets', 'dst_packets']) checkInteger(ctx, obj, k, path, 0);
  const protocols = checkStringList(ctx, obj, 'protocols', path);
  protocols?.forEach((p, i) => {
    if (p !== p.toLowerCase()) ctx.problems.add(pointer(path, 'protocols', i), `protocol names must be lowercase, not ${preview(p)}`);
  });
  // §6.12: "MUST contain the protocols property and at least one of the src_ref or dst_ref properties".
  if (!has(obj, 'src_ref') && !has(obj, 'dst_ref')) ctx.problems.add(path, 'network-traffic needs at least one of src_ref and dst_ref');
}

function checkEmailMessage(ctx: Ctx, obj: Obj, path: string): void {
  const multipart = checkBoolean(ctx, obj, 'is_multipart', path);
  checkTimestamp(ctx, obj, 'date', path);
  // §6.6.1: body only when not multipart, body_multipart only when multipart.
  if (multipart === true && has(obj, 'body')) ctx.problems.add(pointer(path, 'body'), 'body must not be present when is_multipart is true');
  if (multipart === false && has(obj, 'body_multipart')) ctx.problems.add(pointer(path, 'body_multipart'), 'body_multipart must not be present when is_multipart is false');
  if (Array.isArray(obj.body_multipart)) {
    obj.body_multipart.forEach((part, i) => {
      const pp = pointer(path, 'body_multipart', i);
      if (!isRecord(part)) ctx.problems.add(pp, `MIME part must be an object, not ${preview(part)}`);
      else if (has(part, 'body') === has(part, 'body_raw_ref')) ctx.problems.add(pp, 'a MIME part needs exactly one of body and body_raw_ref');
      else if (has(part, 'body_raw_ref')) {
        const id = typeof part.body_raw_ref === 'string' ? parseIdentifier(part.body_raw_ref) : undefined;
        if (!id || (id.type !== 'artifact' && id.type !== 'file')) ctx.problems.add(pointer(pp, 'body_raw_ref'), 'body_raw_ref must point to an artifact or file');
      }
    });
  }
}

function checkArtifact(ctx: Ctx, obj: Obj, path: string): void {
  // §6.1.1: payload_bin and url are mutually exclusive; url needs hashes.
  if (has(obj, 'payload_bin') && has(obj, 'url')) ctx.problems.add(path, 'artifact must not have both payload_bin and url');
  if (has(obj, 'url') && !has(obj, 'hashes')) ctx.problems.add(pointer(path, 'hashes'), 'hashes is required on an artifact with url');
  if (has(obj, 'decryption_key') && !has(obj, 'encryption_algorithm')) ctx.problems.add(pointer(path, 'decryption_key'), 'decryption_key needs encryption_algorithm');
}

function needsOwnProperty(ctx: Ctx, obj: Obj, path: string, type: string): void {
  if (!Object.keys(obj).some((k) => !COMMON_PROPERTIES.has(k) || (k === 'extensions' && type === 'process'))) {
    ctx.problems.add(path, `${type} must have at least one property of its own besides the common properties`);
  }
}

const SCO_CHECKS: Readonly<Record<string, (ctx: Ctx, obj: Obj, path: string) => void>> = {
  artifact: checkArtifact,
  'autonomous-system': (ctx, o, p) => {
    checkInteger(ctx, o, 'number', p, 0);
    checkString(ctx, o, 'rir', p);
  },
  directory: (ctx, o, p) => {
    checkString(ctx, o, 'path', p);
    for (const k of ['ctime', 'mtime', 'atime']) checkTimestamp(ctx, o, k, p);
  },
  'domain-name': (ctx, o, p) => checkString(ctx, o, 'value', p),
  'email-addr': (ctx, o, p) => checkString(ctx, o, 'value', p),
  'email-message': checkEmailMessage,
  file: (ctx, o, p) => {
    // §6.7: "A File object MUST contain at least one of hashes or name."
    if (!has(o, 'hashes') && !has(o, 'name')) ctx.problems.add(p, 'file needs at least one of hashes and name');
    checkString(ctx, o, 'name', p);
    checkInteger(ctx, o, 'size', p, 0);
    for (const k of ['ctime', 'mtime', 'atime']) checkTimestamp(ctx, o, k, p);
  },
  'ipv4-addr': (ctx, o, p) => checkAddress(ctx, o, p, 4),
  'ipv6-addr': (ctx, o, p) => checkAddress(ctx, o, p, 6),
  'mac-addr': (ctx, o, p) => {
    const v = checkString(ctx, o, 'value', p);
    // §6.10.1: "a single colon-delimited, lowercase MAC-48 address, which MUST include leading zeros".
    if (v !== undefined && !/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/.test(v)) ctx.problems.add(pointer(p, 'value'), `value ${preview(v)} is not a lowercase colon-delimited MAC-48 address`);
  },
  mutex: (ctx, o, p) => checkString(ctx, o, 'name', p),
  'network-traffic': checkNetworkTraffic,
  process: (ctx, o, p) => {
    needsOwnProperty(ctx, o, p, 'process');
    checkInteger(ctx, o, 'pid', p);
    checkTimestamp(ctx, o, 'created_time', p);
  },
  software: (ctx, o, p) => {
    checkString(ctx, o, 'name', p);
    checkStringList(ctx, o, 'languages', p);
  },
  url: (ctx, o, p) => checkString(ctx, o, 'value', p),
  'user-account': (ctx, o, p) => needsOwnProperty(ctx, o, p, 'user-account'),
  'windows-registry-key': (ctx, o, p) => needsOwnProperty(ctx, o, p, 'windows-registry-key'),
  'x509-certificate': (ctx, o, p) => {
    needsOwnProperty(ctx, o, p, 'x509-certificate');
    const a = checkTimestamp(ctx, o, 'validity_not_before', p);
    const b = checkTimestamp(ctx, o, 'validity_not_after', p);
    checkOrder(ctx, p, 'validity_not_before', a, 'validity_not_after', b, false);
  },
};

/**
 * §2.9 deterministic identifiers: with ID contributing properties present, a
 * UUIDv5 id must be the one §2.9's algorithm gives; with none present, the id
 * MUST be a UUIDv4. A UUIDv4 id next to contributing properties is allowed
 * (§2.9 says SHOULD, and §3.4 lets producers use other algorithms).
 */
function checkScoId(ctx: Ctx, obj: Obj, path: string, type: string): void {
  if (ctx.scoIds === 'off' || typeof obj.id !== 'string' || !ID_CONTRIBUTING[type]) return;
  const id = parseIdentifier(obj.id);
  if (!id) return;
  let expected: string | undefined;
  try {
    expected = deterministicScoId(obj);
  } catch {
    return; // values JSON cannot canonicalise were reported elsewhere
  }
  if (expected === undefined) {
    if (id.version !== 4) ctx.problems.add(pointer(path, 'id'), `${type} has none of its ID contributing properties, so its id must be a UUIDv4 (§2.9), not version ${id.version}`);
  } else if (id.version === 5 && expected !== obj.id) {
    ctx.problems.add(pointer(path, 'id'), `id does not match its ID contributing properties (${ID_CONTRIBUTING[type]?.join(', ')}); the deterministic id is ${expected} (§2.9)`);
  }
}

/** Type-specific rules of the STIX Cyber-observable Objects (§6) and their identifiers. */
export function checkCyberObservable(ctx: Ctx, obj: Obj, path: string, type: string): void {
  if (has(obj, 'hashes')) checkHashes(ctx, obj, 'hashes', path);
  SCO_CHECKS[type]?.(ctx, obj, path);
  if (SCO_TYPES.has(type)) checkScoId(ctx, obj, path, type);
}
