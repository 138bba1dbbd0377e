/**
 * NuGet version ordering. Facts copied from NuGet.Client's own tests:
 * test/NuGet.Core.Tests/NuGet.Versioning.Test/VersionComparerTests.cs
 * (VersionComparisonDefaultEqual / NotEqual / Less) and NuGetVersionTest.cs
 * (SemVerLessThanAndGreaterThanOperatorsWorks, SemVerEqualsOperatorWorks,
 * ParseThrowsIfStringIsNotAValidSemVer, ParseIgnoresLeadingAndTrailingWhitespace,
 * ParseReadsLegacyStyleVersionNumbers), plus VersionParsingTests.cs (VersionLength).
 */
import { describe } from 'node:test';
import { NUGET } from '../../../../src/advisory/versions/nuget.js';
import { itAccepts, itCompares, itRefuses } from './support.js';

describe('NuGet (NuGet/NuGet.Client NuGet.Versioning.Test)', () => {
  itCompares(
    NUGET,
    [
      // VersionComparisonDefaultEqual
      ['1.0.0', '=', '1.0.0'], ['1.0.0-BETA', '=', '1.0.0-beta'], ['1.0.0-BETA+AA', '=', '1.0.0-beta+aa'],
      ['1.0.0-BETA.X.y.5.77.0+AA', '=', '1.0.0-beta.x.y.5.77.0+aa'],
      // VersionComparisonDefaultLess
      ['0.0.0', '<', '1.0.0'], ['1.0.0', '<', '1.1.0'], ['1.0.0', '<', '1.0.1'], ['1.999.9999', '<', '2.1.1'], ['1.0.0-BETA', '<', '1.0.0-beta2'],
      ['1.0.0-beta+AA', '<', '1.0.0+aa'], ['1.0.0-BETA', '<', '1.0.0-beta.1+AA'], ['1.0.0-BETA.X.y.5.77.0+AA', '<', '1.0.0-beta.x.y.5.79.0+aa'],
      ['1.0.0-BETA.X.y.5.79.0+AA', '<', '1.0.0-beta.x.y.5.790.0+abc'],
      // VersionComparisonDefaultNotEqual (direction from the semantics)
      ['1.1.0', '>', '1.0.0'], ['1.0.1', '>', '1.0.0'], ['1.0.0+AA', '>', '1.0.0-beta+aa'], ['1.0.0-BETA+AA', '=', '1.0.0-beta'],
      // SemVerLessThanAndGreaterThanOperatorsWorks
      ['1.0', '<', '1.0.1'], ['1.23', '<', '1.231'], ['1.4.5.6', '<', '1.45.6'], ['1.4.5.6', '<', '1.4.5.60'], ['1.01', '<', '1.10'],
      ['1.01-alpha', '<', '1.10-beta'], ['1.01.0-RC-1', '<', '1.10.0-rc-2'], ['1.01-RC-1', '<', '1.01'], ['1.01', '<', '1.2-preview'],
      // SemVerEqualsOperatorWorks
      ['1.0', '=', '1.0.0.0'], ['1.23.01', '=', '1.23.1'], ['1.45.6', '=', '1.45.6.0'], ['1.45.6-Alpha', '=', '1.45.6-Alpha'],
      ['1.6.2-BeTa', '=', '1.6.02-beta'], ['22.3.07     ', '=', '22.3.07'],
      // ParseReadsLegacyStyleVersionNumbers, ParseIgnoresLeadingAndTrailingWhitespace, VersionLength
      ['1.022', '=', '1.22.0.0'], ['1.3.42.10133', '>', '1.3.42'], ['  1.022-Beta', '=', '1.22-beta'], ['2', '=', '2.0.0.0'],
      // numeric labels sort before alphanumeric ones and compare numerically
      ['1.0.0-2', '<', '1.0.0-10'], ['1.0.0-10', '<', '1.0.0-a'],
    ],
    'compare',
  );
  itRefuses(
    NUGET,
    ['1beta', '$version$', '1.2Av^c', '1.2..', '1.2.3.4.5', '1.2.3.Beta', '1.2.3.4This version is full of awesomeness!!', 'So.is.this', '1.34.2Alpha',
      '1.34.2Release Candidate', '1.4.7-', '1.4.7-*', '1.4.7+*', '1.4.7-AA.01^', '1.4.7-AA.0A^', '1.4.7-A^A', '1.4.7+AA.01^', '', '1.0.0-01'],
    'ParseThrowsIfStringIsNotAValidSemVer',
  );
  itAccepts(NUGET, ['1.0.0', '0.0.1', '1.2.3', '1.2.3-alpha', '1.2.3-X.y.3+Meta-2', '1.2.3-X.yZ.3.234.243.3242342+METADATA', '1.2.3-X.y3+0', '1.2.3-X+0', '1.2.3+0', '1.2.3-0', '1.3.2-CTP-2-Refresh-Alpha'], 'NuGetVersionParseStrict');
});
