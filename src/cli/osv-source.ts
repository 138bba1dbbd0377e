import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { MAX_OSV_RECORD_BYTES } from '../advisory/osv-import.js';

type File = { name: string; bytes: Uint8Array };

/** Every `.json` file of a directory tree, one at a time. */
async function* fromDirectory(dir: string): AsyncGenerator<File> {
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile() && e.name.endsWith('.json')) {
        // An oversized file is passed on empty-handed: the importer counts it as too large without reading it.
        yield { name: p, bytes: statSync(p).size > MAX_OSV_RECORD_BYTES ? new Uint8Array(MAX_OSV_RECORD_BYTES + 1) : readFileSync(p) };
      }
    }
  }
}

/** Every `.json` entry of a zip (osv.dev's `all.zip` or an ecosystem's), streamed entry by entry. */
async function* fromZip(file: string): AsyncGenerator<File> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, z) => (err || !z ? reject(err ?? new Error('cannot open zip')) : resolve(z))));
  const next = (): Promise<yauzl.Entry | null> =>
    new Promise((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => {
        cleanup();
        resolve(e);
      };
      const onEnd = () => {
        cleanup();
        resolve(null);
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const cleanup = () => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
  try {
    for (let e = await next(); e !== null; e = await next()) {
      if (e.fileName.endsWith('/') || !e.fileName.endsWith('.json')) continue;
      if (e.uncompressedSize > MAX_OSV_RECORD_BYTES) {
        yield { name: e.fileName, bytes: new Uint8Array(MAX_OSV_RECORD_BYTES + 1) };
        continue;
      }
      const bytes = await new Promise<Buffer>((resolve, reject) =>
        zip.openReadStream(e!, (err, s) => {
          if (err || !s) return reject(err ?? new Error('cannot read zip entry'));
          const chunks: Buffer[] = [];
          let n = 0;
          s.on('data', (c: Buffer) => {
            n += c.length;
            // yauzl checks the declared size; this bounds memory whatever the header claims.
            if (n > MAX_OSV_RECORD_BYTES) s.destroy(new Error(`${e!.fileName} is larger than declared`));
            else chunks.push(c);
          });
          s.on('end', () => resolve(Buffer.concat(chunks)));
          s.on('error', reject);
        }),
      );
      yield { name: e.fileName, bytes };
    }
  } finally {
    zip.close();
  }
}

/** OSV record files from a zip or a directory. */
export function osvFiles(path: string): AsyncIterable<File> {
  if (statSync(path).isDirectory()) return fromDirectory(path);
  return fromZip(path);
}

/** Reads a whole (bounded) input file; `-` is stdin. */
export async function readInput(path: string, limit: number): Promise<Buffer> {
  const stream = path === '-' ? process.stdin : createReadStream(path);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw new Error(`${path === '-' ? 'stdin' : path} is larger than ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
