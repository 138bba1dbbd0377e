import type { FieldProblem } from '../../errors.js';

/** Appends RFC 6901 reference tokens to a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  // Built for every property checked, valid or not: most tokens need no escaping, so skip the replaces.
  let out = base;
  for (const t of tokens) {
    const s = String(t);
    out += `/${s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s}`;
  }
  return out;
}

/**
 * Collects every problem found, each with its JSON pointer. Bounded: hostile
 * input with ten thousand broken objects should not produce a million-entry
 * answer, so past `max` problems the list stops growing and `truncated` is set.
 */
export class Problems {
  readonly list: FieldProblem[] = [];
  truncated = false;

  constructor(private readonly max: number) {}

  add(path: string, message: string): void {
    if (this.list.length >= this.max) {
      this.truncated = true;
      return;
    }
    this.list.push({ path, message });
  }

  get full(): boolean {
    return this.list.length >= this.max;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short, safe rendering of a hostile value for a message. */
export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
  } catch {
    s = typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
