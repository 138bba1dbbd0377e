import { createHash } from 'node:crypto';
import { createReadStream, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, serializeEnvelope, signEnvelope } from '../../release/dsse.js';
import { ReleaseError } from '../../release/errors.js';
import { generateReleaseKeyPair, importPrivateKey, type ReleaseKeyAlgorithm } from '../../release/keys.js';
import { buildReleaseStatement } from '../../release/statement.js';
import { parseTrustFile, type TrustPolicy } from '../../release/trust.js';
import { formatChecks, verifyRelease, type VerifyReleaseResult } from '../../release/verify.js';
import { ApiClient, ClientError } from '../client.js';
import { clientFor, wantsJson, type GlobalOpts } from '../common.js';
import { printJson } from '../output.js';

/** Exit codes of `accord verify` (docs/releases.md): every check passed, a check failed, bad usage or unreadable input. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Envelopes per batch publish request at most, and JSON bytes (under the server's 8 MiB body limit). */
const BATCH_ENVELOPES = 1000;
const BATCH_BYTES = 6 * 1024 * 1024;

/** Splits envelope texts into consecutive `[from, to)` runs that each fit one batch request. */
export function publishBatches(envelopes: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let bytes = 0;
  envelopes.forEach((e, i) => {
    const size = Buffer.byteLength(e) + 1;
    if (i > from && (i - from >= BATCH_ENVELOPES || bytes + size > BATCH_BYTES)) {
      out.push([from, i]);
      from = i;
      bytes = 0;
    }
    bytes += size;
  });
  if (envelopes.length > from) out.push([from, envelopes.length]);
  return out;
}

/** A problem with the command's input (not with the release): exit 2. */
class UsageProblem extends Error {}

/** SHA-256 of a file, streamed (artifacts can be large). */
function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('error', (err) => reject(new UsageProblem(`cannot read ${path}: ${err.message}`)))
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')));
  });
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageProblem(`cannot read the ${what} ${path}: ${(err as Error).message}`);
  }
}

function writeOut(path: string, data: string, mode?: number, overwrite = true): void {
  writeFileSync(path, data, { flag: overwrite ? 'w' : 'wx', ...(mode === undefined ? {} : { mode }) });
  if (mode !== undefined) chmodSync(path, mode);
}

/** Runs a verify action, turning usage problems and a malformed trust file into exit 2. */
async function asVerify(fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (err) {
    if (err instanceof UsageProblem || (err instanceof ReleaseError && err.code === 'RELEASE_TRUST_INVALID') || (err instanceof ClientError && err.code === 'CLIENT_CONFIG')) {
      process.stderr.write(`accord: ${err.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    throw err;
  }
}

function report(cmd: Command, result: VerifyReleaseResult): number {
  if (wantsJson(cmd)) {
    printJson({
      ok: result.ok,
      sha256: result.sha256,
      index: result.index ?? null,
      tree_size: result.treeSize ?? null,
      signer: result.signer ?? null,
      checks: result.checks,
    });
  } else {
    process.stdout.write(formatChecks(result.checks));
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

function loadTrust(path: string): TrustPolicy {
  return parseTrustFile(readInput(path, 'trust file'));
}

/** `accord release …`, `accord trust export` and `accord verify`. */
export function registerReleaseCommands(program: Command): void {
  const release = program
    .command('release')
    .description('Sign release statements (in-toto in DSSE) and publish them into the log')
    .addHelpText(
      'after',
      `
Typical flow (docs/releases.md):
  accord release keygen --out northwind-release
  accord keys add demo-northwind northwind-release.pub --name "release 2025"
  accord release sign --key northwind-release.key --purl pkg:generic/demo-northwind/agent@1.2.0 --out agent.intoto.json agent-1.2.0.tar.gz
  accord release publish agent.intoto.json --proof-out agent.tlog-proof
  accord release publish dist/*.intoto.json     (several: one batch request per 1,000)
  accord trust export --out accord-trust.json
  accord verify agent-1.2.0.tar.gz --statement agent.intoto.json --proof agent.tlog-proof --trust accord-trust.json`,
    );

  release
    .command('keygen')
    .description('Create a release-signing key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (SPKI PEM)')
    .requiredOption('--out <prefix>', 'path prefix of the two files')
    .addOption(new Option('--algorithm <alg>', 'key type').choices(['ed25519', 'ecdsa-p256']).default('ed25519'))
    .option('--force', 'overwrite existing files')
    .action((o: { out: string; algorithm: ReleaseKeyAlgorithm; force?: boolean }, cmd: Command) => {
      const pair = generateReleaseKeyPair(o.algorithm);
      const keyPath = `${o.out}.key`;
      const pubPath = `${o.out}.pub`;
      try {
        writeOut(keyPath, pair.privatePem, 0o600, o.force === true);
        writeOut(pubPath, pair.publicPem, 0o644, o.force === true);
      } catch (err) {
        throw new ReleaseError('RELEASE_KEY_INVALID', `cannot write the key files: ${(err as Error).message}${(err as NodeJS.ErrnoException).code === 'EEXIST' ? ' (use --force to overwrite)' : ''}`);
      }
      if (wantsJson(cmd)) printJson({ key_id: pair.keyId, algorithm: o.algorithm, private_key: keyPath, public_key: pubPath });
      else process.stdout.write(`key_id ${pair.keyId}\nprivate key ${keyPath} (keep it secret)\npublic key ${pubPath}: register it with \`accord keys add ORG ${pubPath} --name NAME\`\n`);
    });

  release
    .command('sign <files...>')
    .description('Write a DSSE envelope of an in-toto release statement (predicate https://in-toto.io/attestation/release/v0.1) for FILEs')
    .requiredOption('--key <file>', 'the private key (PKCS#8 PEM, from `accord release keygen`)')
    .requiredOption('--purl <purl>', 'the release, as a package URL with a version (pkg:type/namespace/name@version)')
    .requiredOption('--out <file>', 'where to write the envelope')
    .action(async (files: string[], o: { key: string; purl: string; out: string }, cmd: Command) => {
      const key = importPrivateKey(readInput(o.key, 'private key').toString('utf8'));
      const subjects: { name: string; sha256: string }[] = [];
      for (const f of files) subjects.push({ name: basename(f), sha256: await sha256File(f) });
      const statement = buildReleaseStatement({ purl: o.purl, subjects });
      const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement, [key]);
      writeOut(o.out, `${serializeEnvelope(envelope)}\n`);
      if (wantsJson(cmd)) printJson({ envelope: o.out, key_id: key.publicKey.keyId, subjects });
      else process.stdout.write(`signed ${subjects.length} file(s) for ${o.purl} with key ${key.publicKey.keyId}\nenvelope ${o.out}\n`);
    });

  release
    .command('publish <envelopes...>')
    .description(
      "Publish signed envelopes into the log (your organisation's org-admin or psirt token); prints each log index and writes each tlog-proof. Several envelopes go in batches of up to 1,000 (POST /api/v1/releases/batch), each answered on its own",
    )
    .option('--proof-out <file>', 'where to write the c2sp.org/tlog-proof (default: ENVELOPE.proof; one envelope only)')
    .action(async (files: string[], o: { proofOut?: string }, cmd: Command) => {
      if (files.length > 1 && o.proofOut !== undefined) throw new UsageProblem('--proof-out names one file; with several envelopes each proof goes to ENVELOPE.proof');
      // Every file is read and checked before anything is sent; the server logs the canonical form, so send exactly that.
      const canonical = files.map((file) => serializeEnvelope(parseEnvelope(readInput(file, 'envelope'))));
      const client = clientFor(cmd);
      if (files.length === 1) {
        const r = await client.request<{ index: number; tlog_proof: string; checkpoint: string; envelope: string; purls: string[] }>('POST', 'releases', JSON.parse(canonical[0]!) as unknown);
        const proofPath = o.proofOut ?? `${files[0]!}.proof`;
        writeOut(proofPath, r.tlog_proof);
        if (wantsJson(cmd)) printJson({ ...r, proof_file: proofPath });
        else process.stdout.write(`index ${r.index}\nproof ${proofPath}\n`);
        return;
      }
      type Item = { index?: number; tlog_proof?: string; purls?: string[]; problem?: { code: string; detail: string } };
      const out: ({ envelope: string } & ({ index: number; proof_file: string; purls: string[] } | { code: string; detail: string }))[] = [];
      for (const [from, to] of publishBatches(canonical)) {
        const r = await client.request<{ results: Item[] }>('POST', 'releases/batch', { envelopes: canonical.slice(from, to).map((e) => JSON.parse(e) as unknown) });
        r.results.forEach((item, k) => {
          const file = files[from + k]!;
          if (item.problem || item.index === undefined || item.tlog_proof === undefined) {
            const p = item.problem ?? { code: 'INTERNAL', detail: 'no answer for this envelope' };
            out.push({ envelope: file, code: p.code, detail: p.detail });
            if (!wantsJson(cmd)) process.stderr.write(`FAIL ${file}: ${p.code}: ${p.detail}\n`);
            return;
          }
          const proofPath = `${file}.proof`;
          writeOut(proofPath, item.tlog_proof);
          out.push({ envelope: file, index: item.index, proof_file: proofPath, purls: item.purls ?? [] });
          if (!wantsJson(cmd)) process.stdout.write(`${file}: index ${item.index}, proof ${proofPath}\n`);
        });
      }
      if (wantsJson(cmd)) printJson({ results: out });
      // A refused envelope fails the command; the published ones stay published (publishing again gives the same index).
      if (out.some((x) => 'code' in x)) process.exitCode = 1;
    });

  const trust = program.command('trust').description('The trust file offline verification needs');
  trust
    .command('export')
    .description("The trust file (the log's tlog-policy, signatories' release keys and namespaces): from the server, or with --data from a data directory's database")
    .option('--out <file>', 'write it here instead of stdout')
    .option('--data <dir>', "read the data directory's database instead of asking a server")
    .action(async (o: { out?: string; data?: string }, cmd: Command) => {
      const file = o.data !== undefined ? await (await import('../local-trust.js')).localTrustFile(o.data) : await clientFor(cmd).request<unknown>('GET', 'trust');
      // Check it before anyone relies on it.
      parseTrustFile(JSON.stringify(file));
      const text = `${JSON.stringify(file, null, 2)}\n`;
      if (o.out) writeOut(o.out, text);
      else process.stdout.write(text);
    });

  program
    .command('verify <file>')
    .description('Verify a downloaded file before installing it: offline with --statement, --proof and --trust, or online with --server')
    .option('--statement <envelope>', 'the DSSE envelope of the release statement')
    .option('--proof <file>', 'the c2sp.org/tlog-proof of the envelope')
    .option('--trust <file>', 'the trust file (`accord trust export`); online, it pins the keys instead of fetching them')
    .addHelpText(
      'after',
      `
Prints each check as "ok   <check>: …" or "FAIL <check>: …".
Exit status: 0 every check passed; 1 a check failed; 2 usage error or unreadable input.
Offline (no network): accord verify FILE --statement S --proof P --trust TRUSTFILE
Online: accord verify FILE --server URL [--trust TRUSTFILE]`,
    )
    .action(async (file: string, o: { statement?: string; proof?: string; trust?: string }, cmd: Command) =>
      asVerify(async () => {
        const offline = o.statement !== undefined || o.proof !== undefined;
        if (offline) {
          if (o.statement === undefined || o.proof === undefined || o.trust === undefined) {
            throw new UsageProblem('offline verification needs --statement, --proof and --trust');
          }
          const trustPolicy = loadTrust(o.trust);
          const envelope = readInput(o.statement, 'statement');
          const proof = readInput(o.proof, 'proof');
          const sha256 = await sha256File(file);
          return report(cmd, verifyRelease({ sha256, envelope, proof, trust: trustPolicy }));
        }
        const server = cmd.optsWithGlobals<GlobalOpts>().server ?? readEnv().ACCORD_SERVER;
        if (!server) throw new UsageProblem('give --statement, --proof and --trust (offline), or --server URL (online)');
        const trustPolicy = o.trust === undefined ? undefined : loadTrust(o.trust);
        const sha256 = await sha256File(file);
        return verifyOnline(cmd, new ApiClient(server, undefined), sha256, trustPolicy);
      }),
    );
}

/**
 * Online verification: ask the server which logged releases name this digest,
 * then verify each candidate offline from the log's own entry bytes and proof
 * (the search answer itself is not trusted). Newest first; the first release
 * that passes every check wins.
 */
async function verifyOnline(cmd: Command, client: ApiClient, sha256: string, pinned: TrustPolicy | undefined): Promise<number> {
  const call = async <T>(path: string, query?: Record<string, string>): Promise<T> => {
    try {
      return await client.request<T>('GET', path, undefined, query);
    } catch (err) {
      throw new UsageProblem(`the server did not answer: ${(err as Error).message}`);
    }
  };
  if (pinned === undefined) {
    process.stderr.write(`accord: note: the signatories' keys and the log policy come from ${client.base.origin}; pin them with --trust FILE to verify independently of the server\n`);
  }
  const trust = pinned ?? parseTrustFile(JSON.stringify(await call<unknown>('trust')));
  const found = await call<{ items: { index: number }[] }>('releases', { digest: sha256, limit: '10' });
  if (found.items.length === 0) {
    const checks = [{ name: 'subject' as const, ok: false, message: `the server knows no release whose subject has sha256 ${sha256}` }];
    return report(cmd, { ok: false, checks, sha256 });
  }
  let first: VerifyReleaseResult | undefined;
  for (const item of found.items) {
    const entry = await call<{ data: string }>(`log/entries/${item.index}`);
    const proof = await call<string>(`log/entries/${item.index}/proof`);
    const result = verifyRelease({ sha256, envelope: Buffer.from(entry.data, 'base64'), proof, trust });
    if (result.ok) return report(cmd, result);
    first ??= result;
  }
  return report(cmd, first!);
}

