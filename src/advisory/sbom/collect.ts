import { parseCpe } from './cpe.js';
import { SbomError } from './errors.js';
import { MAX_SBOM_COMPONENTS, MAX_SBOM_WARNINGS, type ParsedSbom, type SbomComponent, type SbomFormat, type SbomWarning } from './model.js';
import { formatPurl, parsePurl } from './purl.js';

/** What a format reader knows about one component. */
export interface ComponentInput {
  ref: string | null;
  name: string | null;
  version: string | null;
  group: string | null;
  purl: string | null;
  cpe: string | null;
  path: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
export { str };

/**
 * Gathers components, warnings and dependency edges while a format reader
 * walks a document; enforces the component limit; turns bad purls and CPEs
 * into per-component warnings; computes dependency depths without recursion.
 */
export class SbomCollector {
  readonly components: SbomComponent[] = [];
  readonly #warnings: SbomWarning[] = [];
  #dropped = 0;
  readonly #byRef = new Map<string, number>();
  readonly #edges = new Map<number, number[]>();

  warn(w: SbomWarning): void {
    if (this.#warnings.length < MAX_SBOM_WARNINGS) this.#warnings.push(w);
    else this.#dropped++;
  }

  /** Adds a component; SBOM_TOO_LARGE past MAX_SBOM_COMPONENTS. */
  add(c: ComponentInput): SbomComponent {
    if (this.components.length >= MAX_SBOM_COMPONENTS) {
      throw new SbomError('SBOM_TOO_LARGE', `The SBOM has more than ${MAX_SBOM_COMPONENTS} components.`, { details: { limit: MAX_SBOM_COMPONENTS } });
    }
    const ref = c.ref ?? c.path;
    let purl: string | null = null;
    let parsed = null;
    if (c.purl !== null) {
      try {
        parsed = parsePurl(c.purl);
        purl = formatPurl(parsed);
      } catch (e) {
        if (!(e instanceof SbomError)) throw e;
        this.warn({ code: 'PURL_INVALID', message: e.message, ref, path: c.path });
      }
    }
    const cpeParsed = c.cpe === null ? null : (parseCpe(c.cpe) ?? null);
    if (c.cpe !== null && cpeParsed === null) {
      this.warn({ code: 'CPE_INVALID', message: `${JSON.stringify(c.cpe.slice(0, 120))} is not a CPE 2.3 formatted string or CPE 2.2 URI.`, ref, path: c.path });
    }
    const component: SbomComponent = {
      ref,
      // A purl list has nothing but the purl: name and version come from it.
      name: c.name ?? parsed?.name ?? null,
      version: c.version ?? parsed?.version ?? null,
      group: c.group,
      purl_raw: c.purl,
      purl,
      purl_parsed: parsed,
      cpe: c.cpe,
      cpe_parsed: cpeParsed,
      depth: null,
      path: c.path,
    };
    if (c.ref !== null) {
      if (this.#byRef.has(c.ref)) {
        this.warn({ code: 'DUPLICATE_REF', message: `Another component already uses the reference ${JSON.stringify(c.ref.slice(0, 120))}; dependencies point at the first.`, ref: c.ref, path: c.path });
      } else this.#byRef.set(c.ref, this.components.length);
    }
    this.components.push(component);
    return component;
  }

  /** Whether a component has `ref` (no warning). */
  has(ref: string): boolean {
    return this.#byRef.has(ref);
  }

  /** Whether a component has `ref`; an UNKNOWN_REF warning if not. */
  known(ref: string, path: string): boolean {
    return this.#index(ref, path) !== undefined;
  }

  #index(ref: string, path: string): number | undefined {
    const i = this.#byRef.get(ref);
    if (i === undefined) {
      this.warn({ code: 'UNKNOWN_REF', message: `No component has the reference ${JSON.stringify(ref.slice(0, 120))}.`, ref, path });
    }
    return i;
  }

  /** Records "from depends on to" (unknown refs become warnings). */
  edge(from: string, to: string, path: string): void {
    const a = this.#index(from, path);
    const b = this.#index(to, path);
    if (a === undefined || b === undefined) return;
    const list = this.#edges.get(a);
    if (list === undefined) this.#edges.set(a, [b]);
    else list.push(b);
  }

  /** Breadth-first from the roots (cycles are fine: each component is visited once). */
  computeDepths(roots: readonly string[]): void {
    const queue: number[] = [];
    for (const r of roots) {
      const i = this.#byRef.get(r);
      if (i !== undefined && this.components[i]!.depth === null) {
        this.components[i]!.depth = 0;
        queue.push(i);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const i = queue[head]!;
      const d = this.components[i]!.depth!;
      for (const j of this.#edges.get(i) ?? []) {
        if (this.components[j]!.depth === null) {
          this.components[j]!.depth = d + 1;
          queue.push(j);
        }
      }
    }
  }

  finish(format: SbomFormat, specVersion: string | null): ParsedSbom {
    return { format, spec_version: specVersion, components: this.components, warnings: this.#warnings, warnings_dropped: this.#dropped };
  }
}
