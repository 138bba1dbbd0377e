import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { splitEnvelope } from './envelope.js';
import { intelEntry } from './ledger-feed.js';
import type { PrepareRequest, PrepareResponse } from './prepare-pool.js';
import { prepareObject } from './prepare.js';

const post = (m: PrepareResponse): void => parentPort!.postMessage(m);

/** The worker thread of prepare-pool.ts: answers each request it is sent, in order. */
parentPort?.on('message', (m: PrepareRequest) => {
  try {
    if (m.kind === 'prepare') {
      const objects = deserialize(m.objects) as unknown[];
      post({ id: m.id, results: objects.map((o) => prepareObject(o, m.defaultTlp, m.validation, m.collectionId)) });
    } else if (m.kind === 'envelope') {
      const split = splitEnvelope(m.text, m.chunkSize);
      if ('refused' in split) {
        post({ id: m.id, refused: split.refused });
        return;
      }
      // The details first (the status is made of them), then each chunk as soon as it is prepared.
      post({ id: m.id, details: split.details });
      split.chunks.forEach((chunk, n) => post({ id: m.id, chunk: n, results: chunk.map((o) => prepareObject(o, m.defaultTlp, m.validation, m.collectionId)) }));
    } else {
      // Copied, not transferred: an entry may be a view into a buffer that others share.
      post({ id: m.id, results: m.rows.map(intelEntry) });
    }
  } catch (err) {
    post({ id: m.id, error: String(err) });
  }
});
// Loaded: requests may come here now.
post({ ready: true });
