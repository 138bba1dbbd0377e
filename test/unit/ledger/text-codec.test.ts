import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attempt,
  bytesEqual,
  decodeBase64,
  decodeUtf8,
  encodeBase64,
  isSafeSize,
  isWellFormedUnicode,
  MAX_SAFE_SIZE,
  parseDecimal,
} from '../../../src/ledger/text-codec.js';

describe('strict text decoding', () => {
  it('accepts only canonical, padded standard base64', () => {
    assert.deepEqual(decodeBase64(''), new Uint8Array(0));
    assert.deepEqual(decodeBase64('AQID'), Uint8Array.of(1, 2, 3));
    assert.deepEqual(decodeBase64('+/8='), Uint8Array.of(0xfb, 0xff));
    assert.equal(encodeBase64(Uint8Array.of(1, 2, 3)), 'AQID');
    for (const bad of ['AQI', 'AQ=', 'AQ==A', '-_8=', 'AQ I', 'AQ==\n', 'AR==', 'AQJ=', '====']) {
      assert.equal(decodeBase64(bad), undefined, bad);
    }
  });

  it('parses decimals without leading zeros, up to 2^53 - 1', () => {
    assert.equal(parseDecimal('0'), 0);
    assert.equal(parseDecimal('1234'), 1234);
    assert.equal(parseDecimal(String(MAX_SAFE_SIZE)), MAX_SAFE_SIZE);
    for (const bad of ['', '00', '01', '-1', '+1', '1.0', '1e3', ' 1', '9007199254740992', '12345678901234567']) {
      assert.equal(parseDecimal(bad), undefined, bad);
    }
  });

  it('classifies sizes, bytes and text', () => {
    assert.equal(isSafeSize(0), true);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, '1', undefined]) assert.equal(isSafeSize(bad), false, String(bad));
    assert.equal(bytesEqual(Uint8Array.of(1), Uint8Array.of(1)), true);
    assert.equal(bytesEqual(Uint8Array.of(1), Uint8Array.of(2)), false);
    assert.equal(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 2)), false);
    assert.equal(decodeUtf8(Uint8Array.of(0xe2, 0x80, 0x94)), '\u2014');
    assert.equal(decodeUtf8(Uint8Array.of(0xe2, 0x80)), undefined);
    assert.equal(decodeUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41)), '\ufeffA', 'a BOM is kept, not stripped');
    assert.equal(isWellFormedUnicode('ok \u{1f600}'), true);
    assert.equal(isWellFormedUnicode('\ud83d'), false);
    assert.equal(
      attempt(() => {
        throw new Error('x');
      }),
      undefined,
    );
    assert.equal(
      attempt(() => 3),
      3,
    );
  });
});
