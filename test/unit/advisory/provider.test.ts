import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { serializeCsaf, toCsaf } from '../../../src/advisory/csaf.js';
import { AdvisoryError } from '../../../src/advisory/errors.js';
import { createAdvisory, type AdvisoryInput } from '../../../src/advisory/model.js';
import {
  CSAF_JSON_SCHEMA_URL,
  ROLIE_INFORMATION_TYPE,
  changesCsv,
  csafDocumentPath,
  generateProviderKey,
  hashFileContent,
  indexTxt,
  providerMetadata,
  rolieFeed,
  rolieFeedFilename,
  rolieServiceDocument,
  signDetached,
  verifyDetached,
  type ProviderKey,
  type ProviderMetadataOptions,
} from '../../../src/advisory/provider.js';
import { validateProviderMetadata } from '../../../src/advisory/validate.js';
import { richAdvisoryInput } from './support.js';

const BASE = 'https://accord.example.org/.well-known/csaf';
const FPR = '8F5F267907B2C4559DB360DB2294BA7D2B2298B1';
const publisher = { name: 'Accord Coalition PSIRT', namespace: 'https://accord.example.org', category: 'coordinator' as const, contactDetails: 'psirt@accord.example.org' };

function options(over: Partial<ProviderMetadataOptions> = {}): ProviderMetadataOptions {
  return {
    canonicalUrl: `${BASE}/provider-metadata.json`,
    publisher,
    role: 'csaf_trusted_provider',
    lastUpdated: '2026-02-10T08:00:00+01:00',
    rolieFeeds: [
      { tlp: 'CLEAR', url: `${BASE}/${rolieFeedFilename('CLEAR')}`, summary: 'All TLP:CLEAR advisories of the Accord coalition.' },
      { tlp: 'AMBER+STRICT', url: `${BASE}/${rolieFeedFilename('AMBER+STRICT')}` },
    ],
    directoryUrl: BASE,
    pgpKeyFingerprint: FPR.toLowerCase(),
    pgpKeyUrl: `${BASE}/openpgp/${FPR}.asc`,
    ...over,
  };
}

const doc = (input: AdvisoryInput = richAdvisoryInput()) => toCsaf(createAdvisory(input));

describe('provider-metadata.json', () => {
  it('is built per CSAF 2.0 §7.1.7 and valid against the provider schema', async () => {
    const m = providerMetadata(options());
    assert.deepEqual(m, {
      canonical_url: `${BASE}/provider-metadata.json`,
      distributions: [
        { directory_url: BASE },
        {
          rolie: {
            feeds: [
              { summary: 'All TLP:CLEAR advisories of the Accord coalition.', tlp_label: 'WHITE', url: `${BASE}/csaf-feed-tlp-white.json` },
              { tlp_label: 'AMBER', url: `${BASE}/csaf-feed-tlp-amber.json` },
            ],
          },
        },
      ],
      last_updated: '2026-02-10T07:00:00Z',
      list_on_CSAF_aggregators: true,
      metadata_version: '2.0',
      mirror_on_CSAF_aggregators: true,
      public_openpgp_keys: [{ fingerprint: FPR, url: `${BASE}/openpgp/${FPR}.asc` }],
      publisher: { category: 'coordinator', contact_details: 'psirt@accord.example.org', name: 'Accord Coalition PSIRT', namespace: 'https://accord.example.org' },
      role: 'csaf_trusted_provider',
    });
    assert.deepEqual(await validateProviderMetadata(m), []);
    const plain = providerMetadata(options({ role: 'csaf_provider', pgpKeyFingerprint: undefined, pgpKeyUrl: undefined, directoryUrl: undefined, listOnAggregators: false, mirrorOnAggregators: false }));
    assert.equal(plain.public_openpgp_keys, undefined);
    assert.equal(plain.list_on_CSAF_aggregators, false);
    assert.deepEqual(await validateProviderMetadata(plain), []);
  });

  it('the validator accepts the specification’s own example (vectors/, CSAF 2.0 Example 124)', async () => {
    const example = JSON.parse(readFileSync(new URL('./vectors/csaf-2.0-example-01-provider-metadata.json', import.meta.url), 'utf8'));
    assert.deepEqual(await validateProviderMetadata(example), []);
  });

  const schemaCases: [string, (m: any) => void, string][] = [
    ['a canonical URL that is not provider-metadata.json', (m) => (m.canonical_url = 'https://accord.example.org/csaf.json'), '/canonical_url'],
    ['another metadata version', (m) => (m.metadata_version = '2.1'), '/metadata_version'],
    ['a short fingerprint', (m) => (m.public_openpgp_keys[0].fingerprint = 'ABCDEF'), '/public_openpgp_keys/0/fingerprint'],
    ['a TLP v2 feed label', (m) => (m.distributions[1].rolie.feeds[0].tlp_label = 'CLEAR'), '/distributions/1/rolie/feeds/0/tlp_label'],
    ['a publisher category CSAF does not know (the CSAF schema’s publisher)', (m) => (m.publisher.category = 'psirt'), '/publisher/category'],
    ['no role', (m) => delete m.role, '/role'],
    ['a feed URL that is not JSON', (m) => (m.distributions[1].rolie.feeds[0].url = `${BASE}/feed.xml`), '/distributions/1/rolie/feeds/0/url'],
  ];
  for (const [name, mutate, path] of schemaCases) {
    it(`the schema refuses ${name}`, async () => {
      const m: any = structuredClone(providerMetadata(options()));
      mutate(m);
      const problems = await validateProviderMetadata(m);
      assert.ok(
        problems.some((p) => p.path === path && p.test === 'csaf-provider-schema'),
        `expected ${path}; got ${JSON.stringify(problems)}`,
      );
    });
  }

  const refused: [string, Partial<ProviderMetadataOptions>, string][] = [
    ['a trusted provider without a key (req. 19, 20)', { pgpKeyFingerprint: undefined, pgpKeyUrl: undefined }, '/pgpKeyUrl'],
    ['a provider without distribution', { rolieFeeds: [], directoryUrl: undefined }, '/rolieFeeds'],
    ['feeds without a public one (req. 15)', { rolieFeeds: [{ tlp: 'RED', url: `${BASE}/red.json` }] }, '/rolieFeeds'],
    ['two feeds for one label (req. 15)', { rolieFeeds: [{ tlp: 'AMBER', url: `${BASE}/a.json` }, { tlp: 'AMBER+STRICT', url: `${BASE}/b.json` }, { tlp: 'CLEAR', url: `${BASE}/c.json` }] }, '/rolieFeeds/1/tlp'],
    ['a plain-http canonical URL (req. 3)', { canonicalUrl: 'http://accord.example.org/.well-known/csaf/provider-metadata.json' }, '/canonicalUrl'],
    ['a canonical URL with another name', { canonicalUrl: 'https://accord.example.org/csaf/metadata.json' }, '/canonicalUrl'],
    ['a malformed fingerprint', { pgpKeyFingerprint: 'not-hex' }, '/pgpKeyFingerprint'],
    ['a date without time zone', { lastUpdated: '2026-02-10T08:00:00' }, '/lastUpdated'],
  ];
  for (const [name, over, path] of refused) {
    it(`providerMetadata refuses ${name}`, () => {
      assert.throws(
        () => providerMetadata(options(over)),
        (e: unknown) => e instanceof AdvisoryError && e.code === 'ADVISORY_INVALID' && (e.details as any).errors.some((p: any) => p.path === path),
      );
    });
  }
});

describe('directory distribution (req. 11–13)', () => {
  it('puts a document in the folder of its initial release year, under its §5.1 file name', () => {
    assert.equal(csafDocumentPath(doc()), '2026/accord-2026-0001.json');
    const old = richAdvisoryInput();
    old.id = 'RHBA-2019:0024';
    old.initialReleaseDate = '2019-12-31T23:30:00-01:00'; // 2020-01-01 in UTC: the normalised value decides
    old.revisions[0]!.date = '2020-01-01T00:30:00Z';
    assert.equal(csafDocumentPath(doc(old)), '2020/rhba-2019_0024.json');
  });

  it('writes index.txt sorted, one path per line', () => {
    assert.equal(indexTxt(['2026/b.json', '2025/z.json', '2026/a.json', '2026/a.json']), '2025/z.json\n2026/a.json\n2026/b.json\n');
    assert.equal(indexTxt([]), '');
  });

  it('writes changes.csv newest first, quoted, without heading', () => {
    const csv = changesCsv([
      { path: '2019/b.json', currentReleaseDate: '2019-04-17T15:08:41Z' },
      { path: '2020/a.json', currentReleaseDate: '2020-07-01T10:09:07Z' },
      { path: '2018/c "q".json', currentReleaseDate: '2020-07-01T10:09:01Z' },
      { path: '2020/0.json', currentReleaseDate: '2020-07-01T12:09:07+02:00' },
    ]);
    assert.equal(
      csv,
      '"2020/0.json","2020-07-01T12:09:07+02:00"\n"2020/a.json","2020-07-01T10:09:07Z"\n"2018/c ""q"".json","2020-07-01T10:09:01Z"\n"2019/b.json","2019-04-17T15:08:41Z"\n',
    );
  });

  it('writes hash files as sha256sum does (req. 18)', () => {
    assert.equal(hashFileContent('abc', 'x.json', 'sha256'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x.json\n');
    assert.equal(
      hashFileContent(new TextEncoder().encode('abc'), 'x.json', 'sha512'),
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f  x.json\n',
    );
  });
});

describe('ROLIE (req. 15, 16)', () => {
  it('builds a feed with entries newest first, hash and signature links, the csaf category and format', () => {
    const a = doc();
    const older = richAdvisoryInput();
    older.id = 'ACCORD-2025-0009';
    older.revisions = [{ number: '1', date: '2025-06-01T00:00:00Z', summary: 'Initial.' }];
    older.initialReleaseDate = older.currentReleaseDate = '2025-06-01T00:00:00Z';
    const b = doc(older);
    const url = (d: typeof a) => `${BASE}/${csafDocumentPath(d)}`;
    const feed = rolieFeed({
      id: 'accord-csaf-feed-tlp-white',
      title: 'Accord CSAF feed (TLP:CLEAR)',
      feedUrl: `${BASE}/csaf-feed-tlp-white.json`,
      tlp: 'CLEAR',
      entries: [
        { doc: b, url: url(b), hashes: ['sha512'], signed: true },
        { doc: a, url: url(a), hashes: ['sha256', 'sha512'], signed: true },
      ],
    });
    assert.deepEqual(feed.feed.category, [{ scheme: ROLIE_INFORMATION_TYPE, term: 'csaf' }]);
    assert.deepEqual(feed.feed.link, [{ rel: 'self', href: `${BASE}/csaf-feed-tlp-white.json` }]);
    assert.equal(feed.feed.updated, '2026-02-10T07:30:00Z', 'the newest entry');
    assert.deepEqual(
      feed.feed.entry.map((e) => e.id),
      ['ACCORD-2026-0001', 'ACCORD-2025-0009'],
    );
    assert.deepEqual(feed.feed.entry[0], {
      id: 'ACCORD-2026-0001',
      title: a.document.title,
      link: [
        { rel: 'self', href: `${BASE}/2026/accord-2026-0001.json` },
        { rel: 'hash', href: `${BASE}/2026/accord-2026-0001.json.sha256` },
        { rel: 'hash', href: `${BASE}/2026/accord-2026-0001.json.sha512` },
        { rel: 'signature', href: `${BASE}/2026/accord-2026-0001.json.asc` },
      ],
      published: '2026-02-01T12:00:00Z',
      updated: '2026-02-10T07:30:00Z',
      summary: { content: a.document.notes![0]!.text },
      content: { type: 'application/json', src: `${BASE}/2026/accord-2026-0001.json` },
      format: { schema: CSAF_JSON_SCHEMA_URL, version: '2.0' },
    });
  });

  it('never lists a document of another TLP label (a CLEAR feed must not leak AMBER)', () => {
    const amber = doc({ ...richAdvisoryInput(), tlp: 'AMBER+STRICT' });
    assert.throws(
      () => rolieFeed({ id: 'f', title: 'f', feedUrl: `${BASE}/f.json`, tlp: 'CLEAR', entries: [{ doc: amber, url: `${BASE}/x.json` }] }),
      (e: unknown) => e instanceof AdvisoryError && e.code === 'ADVISORY_INVALID' && /TLP:AMBER, not TLP:WHITE/.test(e.message),
    );
    assert.equal(rolieFeed({ id: 'f', title: 'f', feedUrl: `${BASE}/f.json`, tlp: 'AMBER', entries: [{ doc: amber, url: `${BASE}/x.json` }] }).feed.entry.length, 1);
    assert.throws(() => rolieFeed({ id: 'f', title: 'f', feedUrl: `${BASE}/f.json`, tlp: 'CLEAR', entries: [] }), /updated/);
    assert.equal(rolieFeed({ id: 'f', title: 'f', feedUrl: `${BASE}/f.json`, tlp: 'CLEAR', updated: '2026-01-01T00:00:00Z', entries: [] }).feed.updated, '2026-01-01T00:00:00Z');
  });

  it('builds a service document listing the feeds', () => {
    assert.deepEqual(rolieServiceDocument('Public CSAF feeds', [{ title: 'TLP:CLEAR', url: `${BASE}/csaf-feed-tlp-white.json` }]), {
      service: {
        workspace: [
          {
            title: 'Public CSAF feeds',
            collection: [{ title: 'TLP:CLEAR', href: `${BASE}/csaf-feed-tlp-white.json`, categories: { category: [{ scheme: ROLIE_INFORMATION_TYPE, term: 'csaf' }] } }],
          },
        ],
      },
    });
  });
});

describe('OpenPGP signatures (req. 19, 20)', () => {
  let key: ProviderKey;
  let other: ProviderKey;
  before(async () => {
    [key, other] = await Promise.all([generateProviderKey('Accord CSAF', 'csaf@accord.example.org'), generateProviderKey('Someone Else', 'x@example.com')]);
  });

  it('generates an Ed25519 key with a v4 fingerprint and armored halves', () => {
    assert.match(key.fingerprint, /^[0-9A-F]{40}$/);
    assert.match(key.armoredPrivateKey, /^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    assert.match(key.armoredPublicKey, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    assert.notEqual(key.fingerprint, other.fingerprint);
  });

  it('signs a document and verifies it; a flipped byte or another key is refused', async () => {
    const bytes = new TextEncoder().encode(serializeCsaf(doc()));
    const asc = await signDetached(bytes, key.armoredPrivateKey);
    assert.match(asc, /^-----BEGIN PGP SIGNATURE-----/);
    assert.equal(await verifyDetached(bytes, asc, key.armoredPublicKey), true);
    const flipped = bytes.slice();
    flipped[100] = flipped[100]! ^ 0x01;
    assert.equal(await verifyDetached(flipped, asc, key.armoredPublicKey), false);
    assert.equal(await verifyDetached(bytes, asc, other.armoredPublicKey), false);
    assert.equal(await verifyDetached(serializeCsaf(doc()), asc, key.armoredPublicKey), true, 'text is signed as its UTF-8 bytes');
  });

  it('refuses unreadable keys and signatures with ADVISORY_KEY_INVALID', async () => {
    const isKeyInvalid = (e: unknown) => e instanceof AdvisoryError && e.code === 'ADVISORY_KEY_INVALID';
    await assert.rejects(signDetached('x', 'not a key'), isKeyInvalid);
    await assert.rejects(verifyDetached('x', 'not a signature', key.armoredPublicKey), isKeyInvalid);
    await assert.rejects(verifyDetached('x', await signDetached('x', key.armoredPrivateKey), 'not a key'), isKeyInvalid);
  });

  it('hash files and signature cover the exact bytes of the serialised document', async () => {
    const text = serializeCsaf(doc());
    const filename = csafDocumentPath(doc()).split('/')[1]!;
    const sha = hashFileContent(text, filename, 'sha512');
    assert.equal(sha.split('  ')[0], createHash('sha512').update(Buffer.from(text, 'utf8')).digest('hex'));
    assert.equal(await verifyDetached(Buffer.from(text, 'utf8'), await signDetached(text, key.armoredPrivateKey), key.armoredPublicKey), true);
  });
});
