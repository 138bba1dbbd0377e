import { openCheckpoint } from './checkpoint.js';
import { verifyCosignatures } from './cosignature.js';
import { LedgerError } from './errors.js';
import { verifyConsistency } from './merkle.js';
import type { NoteVerifier } from './note-verifier.js';
import { entryBundlePath, tilePath, TILE_WIDTH, type TileId } from './tile-path.js';
import { entryBundleWidthAt } from './tiles.js';
import { TileVerifier } from './tile-verifier.js';

/** What a monitor remembers between runs: the last checkpoint it verified and the next entry to read. */
export interface MonitorState {
  origin: string;
  size: number;
  /** Base64 root hash of `size`. */
  root: string;
  checkpoint: string;
  /** Entries below this index have been read and reported. */
  next_index: number;
}

export interface MonitorFinding {
  index: number;
  /** `release`: a DSSE release statement; `registry`: a registry decision. */
  entry: 'release' | 'registry';
  match: 'key' | 'purl';
  /** The watched key id or purl that matched. */
  watched: string;
  detail: Record<string, unknown>;
}

export interface MonitorIO {
  /** GET a path under the log server's base URL, as text or bytes; throws on non-2xx. */
  text(path: string): Promise<string>;
  bytes(path: string): Promise<Uint8Array>;
  /** Persists the state durably (called after each verified step, so a failure never skips entries). */
  save(state: MonitorState): Promise<void>;
  report(finding: MonitorFinding): void;
}

export interface MonitorConfig {
  origin: string;
  log: NoteVerifier;
  cosigners?: NoteVerifier[];
  quorum?: number;
  /** Key ids (SHA-256 hex of SPKI) whose releases and registry changes to report. */
  watchKeys?: string[];
  /** Package URLs (prefixes without version, e.g. `pkg:npm/left-pad`) whose releases to report. */
  watchPurls?: string[];
}

/** A log that is not append-only: the monitor's reason to exit non-zero. */
export class LogInconsistencyError extends LedgerError<'LOG_PROOF_INVALID'> {}

/**
 * One monitoring pass: verify the latest checkpoint, prove it consistent with
 * the last one verified, then read every new entry from verified entry
 * bundles and report those that concern watched keys or purls.
 */
export async function monitorOnce(config: MonitorConfig, state: MonitorState | null, io: MonitorIO): Promise<MonitorState> {
  const note = await io.text('log/checkpoint');
  const { checkpoint: cp } = openCheckpoint(note, config.origin, [config.log]);
  if ((config.quorum ?? 0) > 0) {
    const got = verifyCosignatures(note, config.cosigners ?? []).length;
    if (got < config.quorum!) throw new LedgerError('COSIGNATURE_QUORUM_NOT_MET', `the checkpoint has ${got} of the ${config.quorum} witness cosignatures required`);
  }
  const root = Buffer.from(cp.rootHash).toString('base64');
  let s: MonitorState = state ?? { origin: config.origin, size: 0, root: '', checkpoint: '', next_index: 0 };
  if (state) {
    if (cp.size < state.size) throw new LogInconsistencyError('LOG_PROOF_INVALID', `the log shrank from ${state.size} to ${cp.size}`);
    if (cp.size === state.size && root !== state.root) throw new LogInconsistencyError('LOG_PROOF_INVALID', `two different trees of size ${cp.size}: a split view`);
    if (cp.size > state.size && state.size > 0) {
      const r = JSON.parse(await io.text(`api/v1/log/proof/consistency?from=${state.size}&to=${cp.size}`)) as { proof: string[] };
      try {
        verifyConsistency(state.size, cp.size, Buffer.from(state.root, 'base64'), cp.rootHash, r.proof.map((p) => Buffer.from(p, 'base64')));
      } catch (err) {
        throw new LogInconsistencyError('LOG_PROOF_INVALID', `checkpoint ${cp.size} is not consistent with ${state.size}: the log was rewritten`, { cause: err });
      }
    }
  }
  const tiles = new TileVerifier(cp.size, cp.rootHash, {
    readTiles: (ids: readonly TileId[]) => Promise.all(ids.map((t) => io.bytes(`log/${tilePath(t)}`))),
  });
  for (let b = Math.floor(s.next_index / TILE_WIDTH); b * TILE_WIDTH < cp.size; b++) {
    const width = entryBundleWidthAt(b, cp.size);
    const data = await io.bytes(`log/${entryBundlePath({ index: b, width })}`);
    const entries = await tiles.verifyEntryBundle({ index: b, width }, data);
    entries.forEach((e, i) => {
      const index = b * TILE_WIDTH + i;
      if (index >= s.next_index) for (const f of classify(index, e, config)) io.report(f);
    });
    s = { ...s, next_index: b * TILE_WIDTH + width };
    // Only after this bundle's entries were reported: a crash re-reads, never skips.
    await io.save(s);
  }
  s = { origin: config.origin, size: cp.size, root, checkpoint: note, next_index: Math.max(s.next_index, cp.size) };
  await io.save(s);
  return s;
}

/** Matches one entry against the watch lists. Entries that are not JSON are simply not of interest. */
export function classify(index: number, data: Uint8Array, config: MonitorConfig): MonitorFinding[] {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data)) as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: MonitorFinding[] = [];
  const keys = new Set(config.watchKeys ?? []);
  if (typeof doc.payloadType === 'string' && typeof doc.payload === 'string' && Array.isArray(doc.signatures)) {
    const keyids = doc.signatures.map((s) => (s as { keyid?: unknown }).keyid).filter((k): k is string => typeof k === 'string');
    let statement: Record<string, unknown> = {};
    try {
      statement = JSON.parse(Buffer.from(doc.payload, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      // A release entry whose payload is not JSON still counts for its keys.
    }
    const purls = collectPurls(statement);
    const detail = { keyids, purls, subjects: statement.subject ?? null };
    for (const k of keyids) if (keys.has(k)) out.push({ index, entry: 'release', match: 'key', watched: k, detail });
    for (const w of config.watchPurls ?? []) {
      if (purls.some((p) => p === w || p.startsWith(`${w}@`) || p.startsWith(`${w}?`))) out.push({ index, entry: 'release', match: 'purl', watched: w, detail });
    }
  } else if (doc.type === 'accord.registry/v1' && typeof doc.event === 'object' && doc.event !== null) {
    const ev = doc.event as { type?: unknown; data?: { key_id?: unknown } };
    const keyId = ev.data?.key_id;
    if ((ev.type === 'key.added' || ev.type === 'key.revoked') && typeof keyId === 'string' && keys.has(keyId)) {
      out.push({ index, entry: 'registry', match: 'key', watched: keyId, detail: { event: ev } });
    }
  }
  return out;
}

function collectPurls(statement: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 6) return;
    if (typeof v === 'string' && v.startsWith('pkg:')) found.add(v);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => visit(x, depth + 1));
  };
  visit(statement.predicate, 0);
  visit(statement.subject, 0);
  return [...found];
}
