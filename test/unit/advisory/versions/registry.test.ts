/**
 * The ecosystem registry: OSV ecosystem names (ossf/osv-schema ecosystems.json /
 * docs/schema.md "Defined ecosystems") and purl types (package-url/purl-spec
 * types/) map to the right version rules; the small schemes for R, opam and
 * the SemVer-like fallback order as their ecosystems document.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VersionError } from '../../../../src/advisory/versions/errors.js';
import { OPAM, R_VERSION, SEMVER_LIKE } from '../../../../src/advisory/versions/generic.js';
import { ecosystemOf, KNOWN_ECOSYSTEMS, requireEcosystem } from '../../../../src/advisory/versions/registry.js';
import { itCompares, itOrders, itRefuses } from './support.js';

describe('ecosystemOf', () => {
  const cases: [string, string, string, boolean][] = [
    ['npm', 'npm', 'npm', true], ['PyPI', 'PyPI', 'pep440', true], ['pypi', 'PyPI', 'pep440', true], ['Maven', 'Maven', 'maven', true],
    ['Maven:https://maven.google.com', 'Maven', 'maven', true], ['RubyGems', 'RubyGems', 'rubygems', true], ['gem', 'RubyGems', 'rubygems', true],
    ['NuGet', 'NuGet', 'nuget', true], ['Go', 'Go', 'go', true], ['golang', 'Go', 'go', true], ['crates.io', 'crates.io', 'semver', true],
    ['cargo', 'crates.io', 'semver', true], ['Debian', 'Debian', 'debian', true], ['Debian:12', 'Debian', 'debian', true], ['deb', 'Debian', 'debian', true],
    ['Ubuntu:22.04:LTS', 'Ubuntu', 'debian', true], ['Alpine', 'Alpine', 'apk', true], ['Alpine:v3.18', 'Alpine', 'apk', true], ['apk', 'Alpine', 'apk', true],
    ['Red Hat', 'Red Hat', 'rpm', true], ['Red Hat:rhel_aus:8.4::appstream', 'Red Hat', 'rpm', true], ['AlmaLinux:9', 'AlmaLinux', 'rpm', true],
    ['Rocky Linux', 'Rocky Linux', 'rpm', true], ['openSUSE:Leap 15.5', 'openSUSE', 'rpm', true], ['SUSE', 'SUSE', 'rpm', true], ['rpm', 'Red Hat', 'rpm', true],
    ['Packagist', 'Packagist', 'semver-like', false], ['composer', 'Packagist', 'semver-like', false], ['Hex', 'Hex', 'semver', true], ['hex', 'Hex', 'semver', true],
    ['Pub', 'Pub', 'semver-like', false], ['pub', 'Pub', 'semver-like', false], ['CRAN', 'CRAN', 'r', true], ['opam', 'opam', 'opam', true], ['Wolfi', 'Wolfi', 'apk', true],
  ];
  for (const [name, osv, scheme, ownRules] of cases) {
    it(`${name} → ${osv} (${scheme}${ownRules ? '' : ', fallback'})`, () => {
      const e = ecosystemOf(name);
      assert.ok(e, name);
      assert.equal(e.osv, osv);
      assert.equal(e.versions.name, scheme);
      assert.equal(e.ownRules, ownRules);
    });
  }
  it('keeps the release suffix', () => {
    assert.equal(ecosystemOf('Debian:12')?.release, '12');
    assert.equal(ecosystemOf('Alpine:v3.18')?.release, 'v3.18');
    assert.equal(ecosystemOf('Red Hat:rhel_aus:8.4::appstream')?.release, 'rhel_aus:8.4::appstream');
    assert.equal(ecosystemOf('npm')?.release, undefined);
  });
  it('knows no order for GIT-only ecosystems', () => {
    for (const n of ['Linux', 'OSS-Fuzz', 'Android', 'GIT', '', 'nonsense']) assert.equal(ecosystemOf(n), undefined, n);
    assert.throws(() => requireEcosystem('Linux'), (e: unknown) => e instanceof VersionError && e.code === 'VERSION_ECOSYSTEM_UNKNOWN');
  });
  it('lists its ecosystems', () => assert.ok(KNOWN_ECOSYSTEMS.includes('PyPI') && KNOWN_ECOSYSTEMS.includes('Rocky Linux')));
});

describe('small schemes', () => {
  // R's compareVersion/package_version: "." and "-" both separate numbers; 1.2 < 1.2.0.
  itOrders(R_VERSION, ['0.9-1', '1.2', '1.2-0', '1.2-3', '1.2.10', '1.10.0'], 'R package_version');
  itRefuses(R_VERSION, ['1', '1.2a', 'v1.2', ''], 'R');
  // opam manual ("Version ordering"): Debian's algorithm over the whole string, "~" first.
  itOrders(OPAM, ['~~', '~', '~beta2', '~beta10', '0.1', '1.0~beta', '1.0', '1.0a', '1.0-beta', '1.0.1'], 'opam (letters before other non-digits)');
  // Fallback: SemVer-like, any number of release parts, case-insensitive identifiers (Composer's RC > beta).
  itOrders(SEMVER_LIKE, ['1.0.0-alpha', '1.0.0-beta2', '1.0.0-RC1', '1.0.0', '1.0.1', '1.0.1.1', 'v1.1'], 'semver-like');
  itCompares(SEMVER_LIKE, [['1.0', '=', '1.0.0'], ['v2.0.0', '=', '2.0.0+build'], ['1.0.0-RC1', '=', '1.0.0-rc1']], 'semver-like');
  itRefuses(SEMVER_LIKE, ['abc', '1..0', '1.0-', ''], 'semver-like');
});
