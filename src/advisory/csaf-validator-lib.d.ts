// Types for the parts of @secvisogram/csaf-validator-lib (plain JavaScript, no declarations
// published) that validate.ts loads. Shapes follow the library's README "API" section.

declare module '@secvisogram/csaf-validator-lib/validate.js' {
  interface Finding {
    message: string;
    instancePath: string;
  }
  interface TestResult {
    isValid?: boolean;
    errors?: Finding[];
    warnings?: Finding[];
    infos?: Finding[];
  }
  type DocumentTest = (doc: unknown) => TestResult | Promise<TestResult>;
  /** Runs `tests` on `doc`; the caller vouches that every test is one of the library's own. */
  export default function validate(
    tests: DocumentTest[],
    doc: unknown,
  ): Promise<{ isValid: boolean; tests: { name: string; isValid: boolean; errors: Finding[]; warnings: Finding[]; infos: Finding[] }[] }>;
}

declare module '@secvisogram/csaf-validator-lib/schemaTests.js' {
  type DocumentTest = (doc: unknown) => { isValid?: boolean; errors?: { message: string; instancePath: string }[] };
  export const csaf_2_0_strict: DocumentTest;
  export const csaf_2_0: DocumentTest;
}

declare module '@secvisogram/csaf-validator-lib/mandatoryTests.js' {
  type DocumentTest = (doc: unknown) => unknown;
  // Every CSAF 2.0 mandatory test the library exports (6.1.8 is part of the schema test).
  export const mandatoryTest_6_1_1: DocumentTest;
  export const mandatoryTest_6_1_10: DocumentTest;
  export const mandatoryTest_6_1_11: DocumentTest;
  export const mandatoryTest_6_1_12: DocumentTest;
  export const mandatoryTest_6_1_13: DocumentTest;
  export const mandatoryTest_6_1_14: DocumentTest;
  export const mandatoryTest_6_1_15: DocumentTest;
  export const mandatoryTest_6_1_16: DocumentTest;
  export const mandatoryTest_6_1_17: DocumentTest;
  export const mandatoryTest_6_1_18: DocumentTest;
  export const mandatoryTest_6_1_19: DocumentTest;
  export const mandatoryTest_6_1_2: DocumentTest;
  export const mandatoryTest_6_1_20: DocumentTest;
  export const mandatoryTest_6_1_21: DocumentTest;
  export const mandatoryTest_6_1_22: DocumentTest;
  export const mandatoryTest_6_1_23: DocumentTest;
  export const mandatoryTest_6_1_24: DocumentTest;
  export const mandatoryTest_6_1_25: DocumentTest;
  export const mandatoryTest_6_1_26: DocumentTest;
  export const mandatoryTest_6_1_27_1: DocumentTest;
  export const mandatoryTest_6_1_27_10: DocumentTest;
  export const mandatoryTest_6_1_27_11: DocumentTest;
  export const mandatoryTest_6_1_27_2: DocumentTest;
  export const mandatoryTest_6_1_27_3: DocumentTest;
  export const mandatoryTest_6_1_27_4: DocumentTest;
  export const mandatoryTest_6_1_27_5: DocumentTest;
  export const mandatoryTest_6_1_27_6: DocumentTest;
  export const mandatoryTest_6_1_27_7: DocumentTest;
  export const mandatoryTest_6_1_27_8: DocumentTest;
  export const mandatoryTest_6_1_27_9: DocumentTest;
  export const mandatoryTest_6_1_28: DocumentTest;
  export const mandatoryTest_6_1_29: DocumentTest;
  export const mandatoryTest_6_1_3: DocumentTest;
  export const mandatoryTest_6_1_30: DocumentTest;
  export const mandatoryTest_6_1_31: DocumentTest;
  export const mandatoryTest_6_1_32: DocumentTest;
  export const mandatoryTest_6_1_33: DocumentTest;
  export const mandatoryTest_6_1_4: DocumentTest;
  export const mandatoryTest_6_1_5: DocumentTest;
  export const mandatoryTest_6_1_6: DocumentTest;
  export const mandatoryTest_6_1_7: DocumentTest;
  export const mandatoryTest_6_1_8: DocumentTest;
  export const mandatoryTest_6_1_9: DocumentTest;
}

declare module '@secvisogram/csaf-validator-lib/lib/schemaTests/csaf_2_0/schema.js' {
  /** The CSAF 2.0 JSON schema (`$id` https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json). */
  const schema: Record<string, unknown>;
  export default schema;
}

declare module '@secvisogram/csaf-validator-lib/schemas/cvss-v2.0.js' {
  /** FIRST's CVSS v2.0 JSON schema. */
  const schema: Record<string, unknown>;
  export default schema;
}

declare module '@secvisogram/csaf-validator-lib/schemas/cvss-v3.0.js' {
  /** FIRST's CVSS v3.0 JSON schema. */
  const schema: Record<string, unknown>;
  export default schema;
}

declare module '@secvisogram/csaf-validator-lib/schemas/cvss-v3.1.js' {
  /** FIRST's CVSS v3.1 JSON schema. */
  const schema: Record<string, unknown>;
  export default schema;
}

declare module '@secvisogram/csaf-validator-lib/cwe.js' {
  /** The CWE catalogue (id and name of every weakness) that mandatory test 6.1.11 checks against. */
  export const weaknesses: readonly { id: string; name: string }[];
}

declare module '@secvisogram/csaf-validator-lib/lib/shared/bcpLanguageTagChecker.js' {
  /** True when `tag` is a BCP 47 language tag whose subtags are in the IANA registry (mandatory test 6.1.12). */
  export default function bcpLanguageTagChecker(tag: string): boolean;
}
