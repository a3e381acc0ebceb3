import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeApiSecret, extractNonce, signRequest, verifySignature } from '../../src/kraken/sign.js';
import { KrakenSecretError } from '../../src/kraken/errors.js';

// Published vector, docs/kraken-protocol.md §4.3 (docs.kraken.com/api/docs/guides/spot-rest-auth).
const SECRET = 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==';
const NONCE = '1616492376594';
const BODY = 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25';
const PATH = '/0/private/AddOrder';
const EXPECTED = '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==';
const WRONG_UTF8_SECRET =
  'zA0LsmBEQjAhiVXDC0d286hCa9i387Mf1ZKLsYKEAfzW+x3m5FeiAkR7eoNxQ7ykM1KedtbCWKAZ4wyKRSmgfQ==';
const WRONG_HEX_SHA =
  'zo+vrOtmhw2LH1Fh3GAqpXIqhgnLDTHJUiD6oiKNvJ4z8K6XEtgTTwr9ob8wbAF2rCRgTCD6KZSUz3JYQiekzg==';

describe('signRequest', () => {
  test('reproduces the published vector (string secret, decoded secret, bigint nonce)', () => {
    assert.equal(signRequest(PATH, NONCE, BODY, SECRET), EXPECTED);
    assert.equal(signRequest(PATH, NONCE, BODY, decodeApiSecret(SECRET)), EXPECTED);
    assert.equal(signRequest(PATH, BigInt(NONCE), BODY, SECRET), EXPECTED);
  });

  test('the documented wrong implementations give different signatures', () => {
    const sig = signRequest(PATH, NONCE, BODY, SECRET);
    assert.notEqual(sig, WRONG_UTF8_SECRET);
    assert.notEqual(sig, WRONG_HEX_SHA);
  });

  test('the payload is what URLSearchParams builds', () => {
    const body = new URLSearchParams({
      nonce: NONCE,
      ordertype: 'limit',
      pair: 'XBTUSD',
      price: '37500',
      type: 'buy',
      volume: '1.25',
    }).toString();
    assert.equal(body, BODY);
  });

  test('path and body are part of the signature', () => {
    assert.notEqual(signRequest('/0/private/Balance', NONCE, BODY, SECRET), EXPECTED);
    assert.notEqual(signRequest(PATH, NONCE, `${BODY}0`, SECRET), EXPECTED);
  });
});

describe('verifySignature', () => {
  test('accepts the vector and rejects tampering', () => {
    assert.equal(verifySignature(PATH, NONCE, BODY, SECRET, EXPECTED), true);
    assert.equal(verifySignature(PATH, NONCE, BODY, SECRET, WRONG_HEX_SHA), false);
    assert.equal(verifySignature(PATH, '1616492376595', BODY, SECRET, EXPECTED), false);
    assert.equal(verifySignature(PATH, NONCE, BODY, SECRET, 'not base64!'), false);
    assert.equal(verifySignature(PATH, NONCE, BODY, SECRET, ''), false);
  });
});

describe('decodeApiSecret', () => {
  test('decodes 64 bytes', () => {
    assert.equal(decodeApiSecret(SECRET).length, 64);
  });

  for (const bad of ['', '   ', 'abc', 'kQH5HW/8p1uG!VjbgWA7', 'secret-with-dash====']) {
    test(`rejects ${JSON.stringify(bad)} without echoing it`, () => {
      assert.throws(
        () => decodeApiSecret(bad),
        (err: unknown) =>
          err instanceof KrakenSecretError &&
          err.code === 'KRAKEN_SECRET_INVALID' &&
          err.retry === 'fatal' &&
          (bad.trim() === '' || !err.message.includes(bad.trim())),
      );
    });
  }

  test('signRequest with a bad secret throws the same clear error', () => {
    const secret = 'this is not base64 at all';
    assert.throws(
      () => signRequest(PATH, NONCE, BODY, secret),
      (e: unknown) => e instanceof KrakenSecretError && !e.message.includes(secret),
    );
  });
});

describe('extractNonce', () => {
  test('form and JSON bodies', () => {
    assert.equal(extractNonce(BODY, 'application/x-www-form-urlencoded'), NONCE);
    assert.equal(extractNonce(BODY, undefined), NONCE);
    assert.equal(extractNonce('{"nonce":"123","a":1}', 'application/json'), '123');
    assert.equal(extractNonce('{"nonce":123}', 'application/json; charset=utf-8'), '123');
    assert.equal(extractNonce('{bad', 'application/json'), null);
    assert.equal(extractNonce('a=1', undefined), null);
  });
});
