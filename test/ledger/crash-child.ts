// Child process for the crash test: floods the ledger with appends on a SQLite
// file, printing each acknowledged index with its entry's digest, and each
// checkpoint it reaches, until it is killed.
import { createHash } from 'node:crypto';
import { Ledger } from '../../src/ledger/ledger.js';
import { signerFromSeed } from '../../src/ledger/note-key.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';

const [file, cycle] = process.argv.slice(2) as [string, string];
const signer = signerFromSeed('crash.accord.example/log', createHash('sha256').update('crash test key').digest());
const store = await openSqliteStore(file);
const ledger = new Ledger(store.log, {
  origin: 'crash.accord.example/log',
  signer,
  now: () => new Date(),
  integrateDelayMs: 5,
  leaseMs: 1,
  onCheckpoint: (s) => process.stdout.write(`cp ${s.size} ${Buffer.from(s.rootHash).toString('hex')}\n`),
});
await ledger.start();
process.stdout.write('ready\n');
let i = 0;
for (;;) {
  const batch: Promise<void>[] = [];
  for (let k = 0; k < 200; k++) {
    const data = new TextEncoder().encode(`crash cycle ${cycle} entry ${i++} ${'z'.repeat(i % 97)}`);
    const digest = createHash('sha256').update(data).digest('hex');
    batch.push(ledger.append('crash', data).then((idx) => void process.stdout.write(`ack ${idx} ${digest}\n`)));
  }
  await Promise.all(batch);
}
