// The log's side of c2sp.org/tlog-witness against a scripted `fetch`: what it
// sends, how it reads every answer the spec defines, its bounds and its timeout.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosign, cosignatureVerifier, cosignerFromSeed } from '../../../src/ledger/cosignature.js';
import { formatSignatureLine, parseNote } from '../../../src/ledger/note.js';
import { requestCosignature, MAX_WITNESS_RESPONSE, type FetchLike, type RequestCosignatureOptions } from '../../../src/ledger/witness-client.js';
import { parseAddCheckpointRequest, WitnessError, WitnessOldSizeError, type WitnessErrorCode } from '../../../src/ledger/witness.js';
import { cosigner, TestLog } from '../../witness/support.js';

const log = new TestLog('example.com/client');
log.grow(9);
const note = log.note(9);
const text = parseNote(note).text;
const line = formatSignatureLine(cosign(text, cosigner, 1234));
const witnessV = cosignatureVerifier(cosigner.name, cosigner.publicKey);

interface Seen {
  url: string;
  init: RequestInit;
}

function respond(status: number, body: string, headers: Record<string, string> = {}): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = (url, init) => {
    seen.push({ url, init });
    return Promise.resolve(new Response(status === 204 ? null : body, { status, headers }));
  };
  return { fetch, seen };
}

function options(fetch: FetchLike, extra: Partial<RequestCosignatureOptions> = {}): RequestCosignatureOptions {
  return { url: 'https://witness.example/w1', checkpointNote: note, oldSize: 0, consistencyProof: [], fetch, timeoutMs: 2000, ...extra };
}

async function rejects(p: Promise<unknown>, code: WitnessErrorCode): Promise<WitnessError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WitnessError, `expected a WitnessError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('requestCosignature', () => {
  it('POSTs the add-checkpoint body to <prefix>/add-checkpoint and returns the cosignature lines', async () => {
    const { fetch, seen } = respond(200, `${line}\n`);
    const proof = log.tree.consistencyProof(4, 9);
    const out = await requestCosignature(options(fetch, { oldSize: 4, consistencyProof: proof, url: 'https://witness.example/w1/' }));
    assert.deepEqual(out.lines, [line]);
    assert.equal(out.signatures[0]!.name, cosigner.name);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, 'https://witness.example/w1/add-checkpoint');
    assert.equal(seen[0]!.init.method, 'POST');
    const sent = parseAddCheckpointRequest(seen[0]!.init.body as string);
    assert.equal(sent.oldSize, 4);
    assert.deepEqual(sent.proof, proof);
    assert.equal(sent.checkpoint, note);
    assert.ok(seen[0]!.init.signal instanceof AbortSignal);
  });

  it('with the witness keys: keeps and verifies only their lines, and needs one', async () => {
    const stranger = cosignerFromSeed('stranger.example/w', new Uint8Array(32).fill(1));
    const strangerLine = formatSignatureLine(cosign(text, stranger, 5));
    const ok = await requestCosignature(options(respond(200, `${strangerLine}\n${line}\n`).fetch, { verifiers: [witnessV] }));
    assert.deepEqual(ok.lines, [line]);
    assert.deepEqual(ok.cosignatures, [{ name: cosigner.name, keyId: witnessV.keyId, timestamp: 1234 }]);
    await rejects(requestCosignature(options(respond(200, `${strangerLine}\n`).fetch, { verifiers: [witnessV] })), 'WITNESS_RESPONSE_INVALID');
    const wrongText = formatSignatureLine(cosign(parseNote(log.note(8)).text, cosigner, 1234));
    await rejects(requestCosignature(options(respond(200, `${wrongText}\n`).fetch, { verifiers: [witnessV] })), 'WITNESS_RESPONSE_INVALID');
  });

  it('409 with text/x.tlog.size is a WitnessOldSizeError carrying the size to retry with', async () => {
    const err = await rejects(requestCosignature(options(respond(409, '42\n', { 'content-type': 'text/x.tlog.size' }).fetch)), 'WITNESS_OLD_SIZE_MISMATCH');
    assert.ok(err instanceof WitnessOldSizeError);
    assert.equal(err.recordedSize, 42);
    const zero = await rejects(requestCosignature(options(respond(409, '0\n', { 'content-type': 'Text/X.Tlog.Size; charset=utf-8' }).fetch)), 'WITNESS_OLD_SIZE_MISMATCH');
    assert.equal((zero as WitnessOldSizeError).recordedSize, 0);
  });

  for (const body of ['42', '042\n', '-1\n', '4 2\n', '\n', '', '99999999999999999999\n', '42\n\n']) {
    it(`a malformed size answer ${JSON.stringify(body)} is WITNESS_RESPONSE_INVALID`, async () => {
      await rejects(requestCosignature(options(respond(409, body, { 'content-type': 'text/x.tlog.size' }).fetch)), 'WITNESS_RESPONSE_INVALID');
    });
  }

  const statuses: [number, WitnessErrorCode][] = [
    [400, 'WITNESS_REQUEST_MALFORMED'],
    [403, 'WITNESS_SIGNATURE_INVALID'],
    [404, 'WITNESS_LOG_UNKNOWN'],
    [409, 'WITNESS_SPLIT_VIEW'], // a plain 409: tlog-witness v1.0.0's answer to a same-size root mismatch
    [422, 'WITNESS_PROOF_INVALID'],
    [413, 'WITNESS_UNAVAILABLE'],
    [429, 'WITNESS_UNAVAILABLE'],
    [500, 'WITNESS_UNAVAILABLE'],
    [503, 'WITNESS_UNAVAILABLE'],
    [204, 'WITNESS_UNAVAILABLE'],
  ];
  for (const [status, code] of statuses) {
    it(`answer ${status} is ${code}`, async () => {
      const err = await rejects(requestCosignature(options(respond(status, 'nope\u0000\u001b[31m').fetch)), code);
      assert.ok(![...err.message].some((c) => c.charCodeAt(0) < 0x20), 'control characters from the witness are not echoed');
    });
  }

  for (const body of ['', 'hello\n', `${line}`, `${line}\n\n`, `\n${line}\n`, `${line.replace('\u2014', '-')}\n`, `${line} \n`]) {
    it(`a 200 with ${JSON.stringify(body.slice(0, 30))}… is WITNESS_RESPONSE_INVALID`, async () => {
      await rejects(requestCosignature(options(respond(200, body).fetch)), 'WITNESS_RESPONSE_INVALID');
    });
  }

  it('refuses a response larger than its bound', async () => {
    await rejects(requestCosignature(options(respond(200, `${line}\n`.repeat(Math.ceil(MAX_WITNESS_RESPONSE / line.length) + 1)).fetch)), 'WITNESS_RESPONSE_INVALID');
  });

  it('times out against a witness that never answers, even when fetch ignores its signal', async () => {
    const never: FetchLike = () => new Promise<Response>(() => undefined);
    const started = Date.now();
    await rejects(requestCosignature(options(never, { timeoutMs: 50 })), 'WITNESS_TIMEOUT');
    assert.ok(Date.now() - started < 1000);
  });

  it('times out while the body trickles in', async () => {
    const slow: FetchLike = (_url, init) =>
      Promise.resolve(
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('\u2014 '));
              init.signal?.addEventListener('abort', () => controller.error(new Error('aborted')));
            },
          }),
          { status: 200 },
        ),
      );
    await rejects(requestCosignature(options(slow, { timeoutMs: 50 })), 'WITNESS_TIMEOUT');
  });

  it('a network failure or a cancellation is WITNESS_UNAVAILABLE', async () => {
    const down: FetchLike = () => Promise.reject(new TypeError('fetch failed'));
    await rejects(requestCosignature(options(down)), 'WITNESS_UNAVAILABLE');
    const controller = new AbortController();
    controller.abort();
    await rejects(requestCosignature(options(() => new Promise<Response>(() => undefined), { signal: controller.signal })), 'WITNESS_UNAVAILABLE');
  });

  it('refuses bad options and malformed requests before sending anything', async () => {
    const { fetch, seen } = respond(200, `${line}\n`);
    await rejects(requestCosignature(options(fetch, { url: 'ftp://witness.example' })), 'WITNESS_CONFIG_INVALID');
    await rejects(requestCosignature(options(fetch, { url: 'not a url' })), 'WITNESS_CONFIG_INVALID');
    await rejects(requestCosignature(options(fetch, { url: 'https://w.example/?x=1' })), 'WITNESS_CONFIG_INVALID');
    await rejects(requestCosignature(options(fetch, { timeoutMs: 0 })), 'WITNESS_CONFIG_INVALID');
    await rejects(requestCosignature(options(fetch, { timeoutMs: Number.NaN })), 'WITNESS_CONFIG_INVALID');
    await rejects(requestCosignature(options(fetch, { oldSize: -1 })), 'WITNESS_REQUEST_MALFORMED');
    await rejects(requestCosignature(options(fetch, { checkpointNote: 'garbage' })), 'WITNESS_REQUEST_MALFORMED');
    await rejects(requestCosignature(options(fetch, { consistencyProof: Array.from({ length: 64 }, () => new Uint8Array(32)), oldSize: 1 })), 'WITNESS_REQUEST_MALFORMED');
    assert.equal(seen.length, 0);
  });
});
