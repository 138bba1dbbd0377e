import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type runTests from '@secvisogram/csaf-validator-lib/validate.js';
import { AdvisoryError } from './errors.js';
import { CSAF_PROVIDER_SCHEMA } from './schemas/csaf-provider-schema.js';
import { OSV_SCHEMA } from './schemas/osv-schema.js';

/**
 * Validators for what Accord publishes and for advisory files users bring
 * (`accord advisory validate FILE`):
 * - CSAF 2.0: `@secvisogram/csaf-validator-lib` (the BSI validator behind Secvisogram),
 *   its strict schema test and every mandatory test (§6.1). Optional and informative
 *   tests are not run: they are advice, and some of them fetch URLs or run hunspell.
 * - OSV: the official osv-schema JSON schema (schemas/osv-schema.json).
 * - CSAF provider metadata: the CSAF 2.0 provider JSON schema.
 * The libraries are loaded on first use, so importing this module does no work.
 */

/** One finding: a JSON pointer into the validated document, what is wrong, and which test said so. */
export interface AdvisoryProblem {
  path: string;
  message: string;
  /** The csaf-validator-lib test name (`csaf_2_0_strict`, `mandatoryTest_6_1_13`, …), `osv-schema`, or `csaf-provider-schema`. */
  test: string;
}

export type AdvisoryFileFormat = 'csaf' | 'osv';

/** Largest advisory file `validateAdvisoryFile` reads. */
export const MAX_ADVISORY_FILE_LENGTH = 16 * 1024 * 1024;

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

type Lib = {
  run: typeof runTests;
  tests: Parameters<typeof runTests>[0];
};
let lib: Promise<Lib> | undefined;

function loadCsafValidator(): Promise<Lib> {
  lib ??= (async () => {
    // The library's validateStrict refuses test functions it does not define, which costs loading
    // its optional and informative tests too (about 4 s); the tests here are the library's own
    // exports, never caller input, so its plain validate() runs them with the same result.
    const [{ default: run }, schema, mandatory] = await Promise.all([
      import('@secvisogram/csaf-validator-lib/validate.js'),
      import('@secvisogram/csaf-validator-lib/schemaTests.js'),
      import('@secvisogram/csaf-validator-lib/mandatoryTests.js'),
    ]);
    const tests = [schema.csaf_2_0_strict, ...Object.values(mandatory).filter((t) => typeof t === 'function')] as Lib['tests'];
    return { run, tests };
  })();
  return lib;
}

/** The names of the CSAF tests `validateCsaf` runs (the strict schema test, then the mandatory tests). */
export async function csafTestNames(): Promise<string[]> {
  return (await loadCsafValidator()).tests.map((t) => t.name);
}

/** Where an ajv error points: the instance path, extended by the missing or extra property it names. */
function ajvPath(e: Pick<ErrorObject, 'instancePath' | 'keyword' | 'params'>): string {
  const params = (e.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const extra = e.keyword === 'required' ? params.missingProperty : e.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  return extra === undefined ? e.instancePath : `${e.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function ajvMessage(e: Pick<ErrorObject, 'message' | 'keyword' | 'params'>): string {
  const params = (e.params ?? {}) as { allowedValues?: unknown[] };
  const base = e.message ?? `fails ${e.keyword}`;
  return e.keyword === 'enum' && Array.isArray(params.allowedValues) ? `${base}: ${params.allowedValues.join(', ')}` : base;
}

/**
 * Validates a CSAF 2.0 document with csaf-validator-lib's strict schema test and all
 * its mandatory tests; an empty list means valid. Never fetches anything.
 */
export async function validateCsaf(doc: unknown): Promise<AdvisoryProblem[]> {
  const { run, tests } = await loadCsafValidator();
  const result = await run(tests, doc);
  const out: AdvisoryProblem[] = [];
  for (const t of result.tests) {
    for (const e of t.errors) {
      const ajvLike = e as typeof e & Partial<Pick<ErrorObject, 'keyword' | 'params'>>;
      const path = ajvLike.keyword ? ajvPath({ instancePath: e.instancePath, keyword: ajvLike.keyword, params: ajvLike.params ?? {} }) : e.instancePath;
      out.push({ path, message: ajvLike.keyword ? ajvMessage({ message: e.message, keyword: ajvLike.keyword, params: ajvLike.params ?? {} }) : e.message, test: t.name });
    }
    // A test that fails without saying where still fails.
    if (!t.isValid && t.errors.length === 0) out.push({ path: '', message: 'failed', test: t.name });
  }
  return out;
}

let ajv: Ajv2020 | undefined;
let osvValidator: ValidateFunction | undefined;
let providerValidator: Promise<ValidateFunction> | undefined;

function getAjv(): Ajv2020 {
  if (!ajv) {
    // strict: false because the published schemas use union types ("type": ["array", "null"]) and annotations ajv's strict mode flags.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
  }
  return ajv;
}

function problemsOf(validate: ValidateFunction, doc: unknown, test: string): AdvisoryProblem[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => ({ path: ajvPath(e), message: ajvMessage(e), test }));
}

/** Validates an OSV record against the official OSV JSON schema; an empty list means valid. */
export function validateOsv(record: unknown): AdvisoryProblem[] {
  osvValidator ??= getAjv().compile(OSV_SCHEMA);
  return problemsOf(osvValidator, record, 'osv-schema');
}

/** Validates a CSAF provider-metadata.json against the CSAF 2.0 provider schema (which uses the CSAF schema's `publisher`). */
export async function validateProviderMetadata(doc: unknown): Promise<AdvisoryProblem[]> {
  providerValidator ??= (async () => {
    // The CSAF schema (and the FIRST CVSS schemas it refers to) as csaf-validator-lib ships them.
    const [csaf, cvss20, cvss30, cvss31] = await Promise.all([
      import('@secvisogram/csaf-validator-lib/lib/schemaTests/csaf_2_0/schema.js'),
      import('@secvisogram/csaf-validator-lib/schemas/cvss-v2.0.js'),
      import('@secvisogram/csaf-validator-lib/schemas/cvss-v3.0.js'),
      import('@secvisogram/csaf-validator-lib/schemas/cvss-v3.1.js'),
    ]);
    const a = getAjv();
    const add = (schema: Record<string, unknown>, id: string): void => {
      if (!a.getSchema(id)) a.addSchema(schema, id);
    };
    add(cvss20.default, 'https://www.first.org/cvss/cvss-v2.0.json');
    add(cvss30.default, 'https://www.first.org/cvss/cvss-v3.0.json');
    add(cvss31.default, 'https://www.first.org/cvss/cvss-v3.1.json');
    add(csaf.default, String(csaf.default.$id));
    return a.compile(CSAF_PROVIDER_SCHEMA);
  })();
  return problemsOf(await providerValidator, doc, 'csaf-provider-schema');
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Which format a parsed advisory file is: CSAF (a `document` object) or OSV (`schema_version`, or `id` with `modified`). */
export function detectAdvisoryFormat(doc: unknown): AdvisoryFileFormat | undefined {
  if (!isRecord(doc)) return undefined;
  if (isRecord(doc.document)) return 'csaf';
  if (doc.dataType === 'CVE_RECORD') return undefined;
  if ('schema_version' in doc || ('id' in doc && 'modified' in doc)) return 'osv';
  return undefined;
}

/**
 * Parses an advisory file, tells CSAF 2.0 from OSV and validates it. Throws `AdvisoryError`
 * ADVISORY_TOO_LARGE, or ADVISORY_FORMAT_UNKNOWN when the text is not JSON or is neither format.
 */
export async function validateAdvisoryFile(text: string): Promise<{ format: AdvisoryFileFormat; errors: AdvisoryProblem[] }> {
  if (text.length > MAX_ADVISORY_FILE_LENGTH) throw new AdvisoryError('ADVISORY_TOO_LARGE', `The file has ${text.length} characters; the limit is ${MAX_ADVISORY_FILE_LENGTH}.`);
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (e) {
    throw new AdvisoryError('ADVISORY_FORMAT_UNKNOWN', `The file is not JSON: ${(e as Error).message.slice(0, 200)}`, { cause: e });
  }
  const format = detectAdvisoryFormat(doc);
  if (format === 'csaf') {
    const version = (doc as { document: { csaf_version?: unknown } }).document.csaf_version;
    if (typeof version === 'string' && version !== '2.0' && /^\d+\.\d+$/.test(version)) throw new AdvisoryError('ADVISORY_FORMAT_UNKNOWN', `CSAF version ${JSON.stringify(version)} is not supported; Accord validates CSAF 2.0.`);
    return { format, errors: await validateCsaf(doc) };
  }
  if (format === 'osv') return { format, errors: validateOsv(doc) };
  const hint = isRecord(doc) && doc.dataType === 'CVE_RECORD' ? ' (a CVE JSON 5 record; Accord validates CSAF 2.0 and OSV)' : '';
  throw new AdvisoryError('ADVISORY_FORMAT_UNKNOWN', `The file is neither a CSAF 2.0 document nor an OSV record${hint}.`);
}
