import { parentPort } from 'node:worker_threads';
import { prepareObject } from './prepare.js';
import type { PrepareRequest, PrepareResponse } from './prepare-pool.js';

/** The worker thread of prepare-pool.ts: prepares each batch it is sent, in order. */
parentPort?.on('message', (m: PrepareRequest) => {
  let reply: PrepareResponse;
  try {
    reply = { id: m.id, results: m.objects.map((o) => prepareObject(o, m.defaultTlp, m.validation)) };
  } catch (err) {
    reply = { id: m.id, error: String(err) };
  }
  parentPort!.postMessage(reply);
});
// Loaded: batches may come here now.
parentPort?.postMessage({ ready: true } satisfies PrepareResponse);
