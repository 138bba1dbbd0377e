// Export formats for `accord intel export --format …` and the HTTP export route: a factory, the format list, and the STIX bundle writer.
import { randomUUID } from 'node:crypto';
import { tlpLevelOfMarking, tlpMarkingDefinition, tlpVersionOfMarking, type TlpLevel } from '../tlp.js';
import { csvExporter, type Exporter } from './csv.js';
import { mispExporter, type MispExportOptions } from './misp.js';
import { suricataExporter, type SuricataOptions } from './suricata.js';
import { zeekExporter, type ZeekOptions } from './zeek.js';

export { CSV_COLUMNS, csvCell, csvExporter, isCurrent, objectTerms, type Exporter, type ExportMeta, type ExportTerm, type ObjectTerms, type TermKind } from './csv.js';
export { DEFAULT_SID_BASE, splitHttpUrl, suricataContent, suricataExporter, suricataMsg, type SuricataOptions } from './suricata.js';
export { ZEEK_FIELDS, zeekExporter, zeekField, type ZeekOptions } from './zeek.js';
export { MISP_EXPORT_NAMESPACE, MISP_TYPE_OF_KIND, mispExporter, mispTlpTag, type MispExportOptions } from './misp.js';

export const EXPORT_FORMATS = ['stix', 'csv', 'suricata', 'zeek', 'misp'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface StixExportOptions {
  /** The bundle id (default `bundle--<new UUIDv4>`). */
  bundleId?: string;
  /**
   * Append the TLP 2.0 marking definitions the exported objects reference and
   * the stream did not already carry (default true): unlike TLP 1.0's, they
   * are not predefined by STIX 2.1, so a consumer may not have them.
   */
  includeTlpMarkings?: boolean;
}

/** Every format's options; each format reads its own. */
export type ExportOptions = StixExportOptions & SuricataOptions & ZeekOptions & MispExportOptions;

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = { stix: 'json', csv: 'csv', suricata: 'rules', zeek: 'intel', misp: 'json' };

/** True for the names in EXPORT_FORMATS (check user input with it before calling exporter). */
export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);
}

/** The file extension (without the dot) of a format's output. */
export function exportFileExtension(format: ExportFormat): string {
  return EXTENSIONS[format];
}

/**
 * A STIX 2.1 bundle, written as the objects arrive. §8 forbids an empty
 * `objects` list, so the list opens with the first object and a bundle of no
 * objects has no `objects` property: the header is `{"type":"bundle","id":…`,
 * the first line adds `,"objects":[`, and the footer closes what was opened.
 * Objects pass through unchanged (the caller has already chosen them by TLP).
 */
export function stixExporter(options: StixExportOptions = {}): Exporter {
  const bundleId = options.bundleId ?? `bundle--${randomUUID()}`;
  const includeMarkings = options.includeTlpMarkings ?? true;
  let count = 0;
  const referenced = new Set<TlpLevel>();
  const present = new Set<string>();

  const noteMarkings = (obj: Record<string, unknown>): void => {
    const refs: unknown[] = Array.isArray(obj.object_marking_refs) ? [...obj.object_marking_refs] : [];
    if (Array.isArray(obj.granular_markings)) {
      for (const g of obj.granular_markings) if (typeof g === 'object' && g !== null) refs.push((g as Record<string, unknown>).marking_ref);
    }
    for (const r of refs) {
      if (typeof r !== 'string' || tlpVersionOfMarking(r) !== 2) continue;
      const level = tlpLevelOfMarking(r);
      if (level) referenced.add(level);
    }
  };

  const write = (obj: Record<string, unknown>): string => {
    const json = JSON.stringify(obj);
    if (json === undefined) return '';
    return `${count++ === 0 ? ',"objects":[\n' : ',\n'}${json}`;
  };

  return {
    contentType: 'application/stix+json;version=2.1',
    extension: () => 'json',
    header: () => `{"type":"bundle","id":${JSON.stringify(bundleId)}`,
    line(obj) {
      if (obj.type === 'marking-definition' && typeof obj.id === 'string') present.add(obj.id);
      if (includeMarkings) noteMarkings(obj);
      return write(obj);
    },
    footer() {
      let out = '';
      if (includeMarkings) {
        for (const level of referenced) {
          const def = tlpMarkingDefinition(level);
          if (!present.has(def.id as string)) out += write(def);
        }
      }
      return `${out}${count > 0 ? '\n]}' : '}'}\n`;
    },
  };
}

/** The exporter of a format. Throws a TypeError for a name that is not in EXPORT_FORMATS (check with isExportFormat first). */
export function exporter(format: ExportFormat, options: ExportOptions = {}): Exporter {
  switch (format) {
    case 'stix':
      return stixExporter(options);
    case 'csv':
      return csvExporter();
    case 'suricata':
      return suricataExporter(options);
    case 'zeek':
      return zeekExporter(options);
    case 'misp':
      return mispExporter(options);
    default:
      throw new TypeError(`unknown export format ${JSON.stringify(String(format)).slice(0, 40)}`);
  }
}
