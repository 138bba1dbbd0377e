import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { intelEntry } from './ledger-feed.js';
import { prepareObject } from './prepare.js';
import type { PrepareRequest, PrepareResponse } from './prepare-pool.js';

/** The worker thread of prepare-pool.ts: answers each request it is sent, in order. */
parentPort?.on('message', (m: PrepareRequest) => {
  try {
    if (m.kind === 'prepare') {
      const objects = deserialize(m.objects) as unknown[];
      parentPort!.postMessage({ id: m.id, results: objects.map((o) => prepareObject(o, m.defaultTlp, m.validation, m.collectionId)) } satisfies PrepareResponse);
    } else {
      // Copied, not transferred: an entry may be a view into a buffer that others share.
      parentPort!.postMessage({ id: m.id, results: m.rows.map(intelEntry) } satisfies PrepareResponse);
    }
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: String(err) } satisfies PrepareResponse);
  }
});
// Loaded: requests may come here now.
parentPort?.postMessage({ ready: true } satisfies PrepareResponse);
