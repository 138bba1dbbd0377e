import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shapeOf, Shape, forEachToken } from '../../../src/match/classify.js';
import { formatIpv6, formatNetwork, parseIpv4, parseIpv6, parseNetwork } from '../../../src/match/ip.js';
import { canonicalIp, normalizeDomainValue, normalizeEmail, normalizeHash, normalizeUrl, schemelessUrl } from '../../../src/match/normalize.js';

describe('domain normal form', () => {
  it('lowercases, drops one trailing dot, keeps valid names as they are', () => {
    assert.equal(normalizeDomainValue('Evil.Example.'), 'evil.example');
    assert.equal(normalizeDomainValue('a.b.evil.example'), 'a.b.evil.example');
    assert.equal(normalizeDomainValue('_dmarc.evil.example'), '_dmarc.evil.example');
  });
  it('puts IDN in punycode (UTS #46), so Unicode and ASCII spellings meet', () => {
    assert.equal(normalizeDomainValue('bücher.example'), 'xn--bcher-kva.example');
    assert.equal(normalizeDomainValue('XN--BCHER-KVA.example'), 'xn--bcher-kva.example');
    assert.equal(normalizeDomainValue('BÜCHER.example.'), 'xn--bcher-kva.example');
  });
  it('refuses what is not a domain name', () => {
    for (const bad of ['', '.', 'a..b', '-a.example', 'a-.example', 'has space.example', 'a/b.example', `${'a'.repeat(64)}.example`, 'x'.repeat(300)]) {
      assert.equal(normalizeDomainValue(bad), undefined, bad);
    }
  });
});

describe('URL normal form', () => {
  const cases: [string, string][] = [
    ['HTTP://Evil.Example/Path/To', 'http://evil.example/Path/To'],
    ['http://evil.example:80/x', 'http://evil.example/x'],
    ['https://evil.example:443/x', 'https://evil.example/x'],
    ['https://evil.example:8443/x', 'https://evil.example:8443/x'],
    ['http://evil.example', 'http://evil.example/'],
    ['http://evil.example?q=1', 'http://evil.example/?q=1'],
    ['http://evil.example/a%2fb%7E%41', 'http://evil.example/a%2Fb~A'],
    ['http://evil.example/x#fragment', 'http://evil.example/x'],
    ['http://evil.example/a/./b/../c', 'http://evil.example/a/c'],
    ['http://evil.example/ä b', 'http://evil.example/%C3%A4%20b'],
    ['http://bücher.example/', 'http://xn--bcher-kva.example/'],
    ['http://[2001:DB8::0:1]:80/x', 'http://[2001:db8::1]/x'],
    ['http://198.51.100.7:8080/x', 'http://198.51.100.7:8080/x'],
    ['http://evil.example./x', 'http://evil.example/x'],
    ['http://evil.example/100%', 'http://evil.example/100%25'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(normalizeUrl(input), want));
  }
  it('keeps path case and leaves an already normal URL untouched', () => {
    const u = 'http://evil.example/CaseSensitive/Path?Q=A';
    assert.equal(normalizeUrl(u), u);
  });
  it('refuses values without a scheme and authority', () => {
    assert.equal(normalizeUrl('evil.example/x'), undefined);
    assert.equal(normalizeUrl('http:///x'), undefined);
    assert.equal(normalizeUrl('http://evil.example:99999/'), undefined);
  });
  it('builds the scheme-less form of a host and path seen apart', () => {
    assert.equal(schemelessUrl('Evil.Example:80', '/a/%7e'), 'evil.example/a/~');
    assert.equal(schemelessUrl('evil.example:8080', 'x'), 'evil.example:8080/x');
  });
});

describe('addresses', () => {
  it('parses dotted quads strictly (no leading zeros, no overflow)', () => {
    assert.equal(parseIpv4('198.51.100.7'), 0xc6336407);
    assert.equal(parseIpv4('0.0.0.0'), 0);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
    for (const bad of ['256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.4 ', 'a.b.c.d']) assert.equal(parseIpv4(bad), -1, bad);
  });
  it('parses IPv6 forms and prints RFC 5952', () => {
    const w = [0, 0, 0, 0];
    assert.ok(parseIpv6('2001:DB8:0:0:0:0:0:1', w));
    assert.equal(formatIpv6(w), '2001:db8::1');
    assert.ok(parseIpv6('::', w));
    assert.equal(formatIpv6(w), '::');
    assert.ok(parseIpv6('1::', w));
    assert.equal(formatIpv6(w), '1::');
    assert.ok(parseIpv6('2001:db8:0:1:0:0:1:1', w));
    assert.equal(formatIpv6(w), '2001:db8:0:1::1:1');
    assert.ok(parseIpv6('::ffff:192.0.2.1', w));
    assert.deepEqual(w, [0, 0, 0xffff, 0xc0000201]);
    for (const bad of [':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', '1:2:3:4:5:6:7', 'g::1', '1:', ':1']) assert.equal(parseIpv6(bad, w), false, bad);
  });
  it('canonicalises observed addresses: v4-mapped to IPv4, brackets and zones dropped', () => {
    assert.equal(canonicalIp('::ffff:198.51.100.7'), '198.51.100.7');
    assert.equal(canonicalIp('::FFFF:c633:6407'), '198.51.100.7');
    assert.equal(canonicalIp('[2001:db8::0001]'), '2001:db8::1');
    assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
    assert.equal(canonicalIp('not-an-ip'), undefined);
  });
  it('parses networks, clears host bits, maps ::ffff:0:0/96 blocks to IPv4', () => {
    assert.equal(formatNetwork(parseNetwork('203.0.113.77/24')!), '203.0.113.0/24');
    assert.equal(formatNetwork(parseNetwork('0.0.0.0/0')!), '0.0.0.0/0');
    assert.equal(formatNetwork(parseNetwork('2001:db8::1/32')!), '2001:db8::/32');
    assert.equal(formatNetwork(parseNetwork('::ffff:203.0.113.0/120')!), '203.0.113.0/24');
    assert.equal(formatNetwork(parseNetwork('::ffff:198.51.100.7')!), '198.51.100.7');
    assert.equal(parseNetwork('1.2.3.4/33'), undefined);
    assert.equal(parseNetwork('::/129'), undefined);
    assert.equal(parseNetwork('1.2.3.4/024'), undefined);
  });
});

describe('hashes and e-mail addresses', () => {
  it('lowercases hex of the right length only', () => {
    assert.equal(normalizeHash('D41D8CD98F00B204E9800998ECF8427E', 32), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(normalizeHash('d41d8cd98f00b204e9800998ecf8427', 32), undefined);
    assert.equal(normalizeHash('z41d8cd98f00b204e9800998ecf8427e', 32), undefined);
  });
  it('lowercases addresses and takes them out of display forms', () => {
    assert.equal(normalizeEmail('Boss@Evil.Example'), 'boss@evil.example');
    assert.equal(normalizeEmail('"The Boss" <Boss@Evil.Example>'), 'boss@evil.example');
    assert.equal(normalizeEmail('<boss@evil.example>'), 'boss@evil.example');
    assert.equal(normalizeEmail('chef@bücher.example'), 'chef@xn--bcher-kva.example');
    assert.equal(normalizeEmail('Jörg@x.example'), 'j%C3%B6rg@x.example', 'keys stay ASCII');
    assert.equal(normalizeEmail('not an address'), undefined);
    assert.equal(normalizeEmail('a@b@c'), undefined);
  });
});

describe('shape classification', () => {
  const cases: [string, number][] = [
    ['198.51.100.7', Shape.IP], ['2001:db8::1', Shape.IP], ['fe80::1%eth0', Shape.IP],
    ['d41d8cd98f00b204e9800998ecf8427e', Shape.HASH], ['http://x.example/', Shape.URL], ['boss@evil.example', Shape.EMAIL],
    ['evil.example', Shape.DOMAIN], ['Evil.Example.', Shape.DOMAIN], ['bücher.example', Shape.DOMAIN],
    ['2025-01-01T00:00:00.000Z', Shape.NONE], ['00:00:00', Shape.NONE], ['1.2.3', Shape.NONE], ['10.5', Shape.NONE], ['Mozilla/5.0 (X11)', Shape.NONE],
    ['deadbeef', Shape.NONE], ['TCP', Shape.NONE], ['eth0', Shape.NONE], ['1.2.3.4.5', Shape.NONE],
  ];
  for (const [v, s] of cases) it(`${v} → ${s}`, () => assert.equal(shapeOf(v), s));

  it('finds indicator-shaped tokens in free text, exactly as written', () => {
    const text = 'Failed login from 198.51.100.7:4433 for boss@evil.example (see http://evil.example/a?b=c, host=c2.evil.example).';
    const got: string[] = [];
    forEachToken(text, (s, e) => got.push(text.slice(s, e)));
    assert.deepEqual(got, ['198.51.100.7', 'boss@evil.example', 'http://evil.example/a?b=c', 'c2.evil.example']);
  });
});
