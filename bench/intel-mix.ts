import { randomUUID } from 'node:crypto';
import { SHARING_EXTENSION_ID } from '../src/intel/prepare.js';
import { deterministicScoId } from '../src/intel/stix/deterministic-id.js';
import { TLP_LEVELS, tlpMarkingId } from '../src/intel/tlp.js';

/**
 * The intel benchmarks' workload, batch `batch` of `size` objects: 50%
 * indicators (STIX patterns), 30% observables, 20% relationships, TLP levels
 * round-robin; with `recipient`, 10% of the AMBER and RED ones name it in the
 * sharing extension.
 */
export function mixedObjects(batch: number, size: number, recipient?: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  const now = new Date().toISOString();
  let lastIndicator = '';
  for (let i = 0; i < size; i++) {
    const n = batch * size + i;
    const tlp = TLP_LEVELS[n % TLP_LEVELS.length]!;
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const marking = { object_marking_refs: [tlpMarkingId(tlp)] };
    const share = recipient !== undefined && n % 10 === 0 && (tlp === 'AMBER' || tlp === 'RED') ? { extensions: { [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', recipients: [recipient] } } } : {};
    const kind = i % 10;
    if (kind < 5) {
      lastIndicator = `indicator--${randomUUID()}`;
      const pattern = n % 2 === 0 ? `[ipv4-addr:value = '${ip}']` : `[domain-name:value = 'h${n}.bench.example'] OR [url:value = 'http://h${n}.bench.example/x']`;
      objects.push({ type: 'indicator', spec_version: '2.1', id: lastIndicator, created: now, modified: now, name: `bench ${n}`, pattern, pattern_type: 'stix', valid_from: now, labels: ['bench'], ...marking, ...share });
    } else if (kind < 8) {
      const o: Record<string, unknown> = { type: 'ipv4-addr', spec_version: '2.1', value: ip };
      objects.push({ ...o, id: deterministicScoId(o), ...marking });
    } else {
      objects.push({ type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: now, modified: now, relationship_type: 'indicates', source_ref: lastIndicator, target_ref: 'malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b', ...marking });
    }
  }
  return objects;
}
