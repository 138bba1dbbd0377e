import { createRequire } from 'node:module';

/**
 * Returning freed native memory to the operating system (glibc's
 * `malloc_trim(0)`, through the small addon in native/malloc-trim, built by
 * `npm run build` where a C compiler is at hand).
 *
 * After a big ingest the process has freed SQLite's page cache, request
 * bodies and worker messages, but glibc keeps those pages resident inside its
 * arenas, between allocations still in use; only malloc_trim gives them back
 * (measured: an idle server after a 400,000-object ingest, 280 → 114 MB RSS).
 * Without the addon (no compiler when built, another C library) this does
 * nothing and the server works as before, keeping that memory.
 */
interface Addon {
  trim(): boolean;
  available(): boolean;
}

let addon: Addon | null | undefined;

function load(): Addon | null {
  try {
    // The same path from src/ (tsx) and from dist/.
    const a = createRequire(import.meta.url)('../native/malloc-trim/build/Release/malloc_trim.node') as Addon;
    return a.available() ? a : null;
  } catch {
    return null;
  }
}

/** Whether freed memory can be returned here (the addon is built and the C library is glibc). */
export function canReleaseFreedMemory(): boolean {
  addon ??= load();
  return addon !== null;
}

/** Returns the memory the C allocator holds free to the operating system; whether any was returned. */
export function releaseFreedMemory(): boolean {
  addon ??= load();
  return addon !== null && addon.trim();
}
