import { SbomCollector, str } from './collect.js';
import { SbomError } from './errors.js';
import type { ParsedSbom } from './model.js';

/**
 * CycloneDX 1.4–1.6 JSON (CycloneDX/specification schema/bom-1.x.schema.json):
 * `metadata.component` (the subject), `components[]` with nested
 * `components[]`, each with `bom-ref`, `group`, `name`, `version`, `purl`,
 * `cpe`; and `dependencies[]` of `{ ref, dependsOn[] }`. Nested components are
 * walked with an explicit stack and the dependency graph breadth-first, so
 * deep nesting and cycles cost nothing extra. Older 1.2/1.3 documents share
 * these fields and are read with a warning.
 */
const SUPPORTED = new Set(['1.4', '1.5', '1.6']);
const READABLE = /^1\.[0-9]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function readCycloneDx(doc: Record<string, unknown>): ParsedSbom {
  const c = new SbomCollector();
  const spec = doc.specVersion;
  if (typeof spec !== 'string' || !READABLE.test(spec)) {
    throw new SbomError('SBOM_INVALID', 'A CycloneDX document needs a "specVersion" such as "1.6".', { details: { path: '/specVersion' } });
  }
  if (!SUPPORTED.has(spec)) c.warn({ code: 'SPEC_VERSION_UNSUPPORTED', message: `CycloneDX ${spec} is outside 1.4–1.6; read with the 1.6 field names.`, path: '/specVersion' });
  if (doc.components !== undefined && !Array.isArray(doc.components)) throw new SbomError('SBOM_INVALID', '"components" must be an array.', { details: { path: '/components' } });

  const stack: { value: unknown; path: string }[] = [];
  const pushAll = (list: unknown, base: string) => {
    if (!Array.isArray(list)) return;
    for (let i = list.length - 1; i >= 0; i--) stack.push({ value: list[i], path: `${base}/${i}` });
  };
  const metadata = isObject(doc.metadata) ? doc.metadata : undefined;
  const subject = metadata !== undefined && isObject(metadata.component) ? metadata.component : undefined;
  pushAll(doc.components, '/components');
  if (subject !== undefined) stack.push({ value: subject, path: '/metadata/component' });

  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (!isObject(value)) {
      c.warn({ code: 'COMPONENT_MALFORMED', message: 'A component is not an object; skipped.', path });
      continue;
    }
    const name = str(value.name);
    if (name === null) c.warn({ code: 'COMPONENT_MALFORMED', message: 'A component has no "name".', path, ...(str(value['bom-ref']) === null ? {} : { ref: value['bom-ref'] as string }) });
    c.add({ ref: str(value['bom-ref']), name, version: str(value.version), group: str(value.group), purl: str(value.purl), cpe: str(value.cpe), path });
    if (value.components !== undefined) {
      if (Array.isArray(value.components)) pushAll(value.components, `${path}/components`);
      else c.warn({ code: 'COMPONENT_MALFORMED', message: '"components" of a component must be an array; ignored.', path: `${path}/components` });
    }
  }

  if (Array.isArray(doc.dependencies)) {
    doc.dependencies.forEach((d, i) => {
      const path = `/dependencies/${i}`;
      if (!isObject(d) || typeof d.ref !== 'string') {
        c.warn({ code: 'COMPONENT_MALFORMED', message: 'A dependency entry needs a "ref"; skipped.', path });
        return;
      }
      const on = Array.isArray(d.dependsOn) ? d.dependsOn : [];
      if (!c.known(d.ref, path)) return;
      for (const to of on) if (typeof to === 'string') c.edge(d.ref, to, path);
    });
  }
  const root = subject !== undefined ? str(subject['bom-ref']) : null;
  if (root !== null) c.computeDepths([root]);
  return c.finish('cyclonedx', spec);
}
