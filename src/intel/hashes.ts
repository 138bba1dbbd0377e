/**
 * Value formats of the hash algorithms STIX 2.1 names (§10.7 hashing-algorithm-ov;
 * patterns from oasis-open/cti-stix2-json-schemas schemas/common/hashes-type.json).
 * Custom algorithm names are allowed by the vocabulary, so an unknown name is
 * never an error; a known name with a malformed value is.
 */
const HASH_FORMATS: ReadonlyMap<string, RegExp> = new Map([
  ['MD5', /^[a-fA-F0-9]{32}$/],
  ['SHA-1', /^[a-fA-F0-9]{40}$/],
  ['SHA-256', /^[a-fA-F0-9]{64}$/],
  ['SHA-512', /^[a-fA-F0-9]{128}$/],
  ['SHA3-256', /^[a-fA-F0-9]{64}$/],
  ['SHA3-512', /^[a-fA-F0-9]{128}$/],
  ['SSDEEP', /^[a-zA-Z0-9/+:.]{1,128}$/],
  ['TLSH', /^[a-zA-Z0-9]{70}$/],
]);

/** Folds `sha256`, `SHA256`, `sha-256` onto the vocabulary spelling `SHA-256` (as cti-pattern-validator does). */
function canonicalAlgorithm(name: string): string | undefined {
  const folded = name.toUpperCase().replace(/[-_]/g, '');
  for (const key of HASH_FORMATS.keys()) if (key.replace(/-/g, '') === folded) return key;
  return undefined;
}

/**
 * Checks one hash value; returns a message when `algorithm` is a known one and
 * `value` does not have its shape, `undefined` otherwise.
 */
export function hashValueProblem(algorithm: string, value: string): string | undefined {
  const known = canonicalAlgorithm(algorithm);
  if (known === undefined) return undefined;
  const re = HASH_FORMATS.get(known) as RegExp;
  return re.test(value) ? undefined : `'${value.length > 140 ? `${value.slice(0, 140)}…` : value}' is not a valid ${known} hash`;
}

/** True when the spelling is exactly one of the vocabulary names (hashes dictionary keys must use them). */
export function isVocabularyHashName(name: string): boolean {
  return HASH_FORMATS.has(name);
}
