import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from './zip-reader.js';
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

/** Every `.json` entry of a zip (osv.dev's `all.zip` or an ecosystem's), entry by entry. */
async function* fromZip(file: string): AsyncGenerator<File> {
  for (const e of readZip(file, (name) => name.endsWith('.json'), MAX_OSV_RECORD_BYTES)) {
    yield { name: e.name, bytes: e.content ?? new Uint8Array(MAX_OSV_RECORD_BYTES + 1) };
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
