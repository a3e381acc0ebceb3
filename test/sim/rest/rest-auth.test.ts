import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/sim/simulator.js';
import {
  control,
  nextNonce,
  privateCall,
  publicCall,
  resultOf,
  sign,
  startFakeSim,
  type Envelope,
} from './helpers.js';

// docs/kraken-protocol.md §4.3 published vector.
const VECTOR = {
  secret: 'kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==',
  nonce: '1616492376594',
  body: 'nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25',
  path: '/0/private/AddOrder',
  sign: '4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==',
};

describe('REST authentication', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startFakeSim({
      restTier: 'starter',
      extraAccounts: [{ apiKey: 'vector-key', apiSecret: VECTOR.secret, balances: { ZUSD: 100000 } }],
    });
  });
  after(() => sim.stop());

  const raw = async (path: string, body: string, headers: Record<string, string>): Promise<Envelope> => {
    const r = await fetch(`${sim.urls.rest}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
    assert.equal(r.status, 200);
    return (await r.json()) as Envelope;
  };

  test('the published signing vector verifies and places the order', async () => {
    assert.equal(
      sign(VECTOR.path, VECTOR.nonce, VECTOR.body, VECTOR.secret),
      VECTOR.sign,
      'helper reproduces the vector',
    );
    const e = await raw(VECTOR.path, VECTOR.body, { 'API-Key': 'vector-key', 'API-Sign': VECTOR.sign });
    const r = resultOf<{ descr: { order: string }; txid: string[] }>(e);
    assert.equal(r.descr.order, 'buy 1.25000000 XBTUSD @ limit 37500.0');
    assert.match(r.txid[0] ?? '', /^O[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{6}$/);
    // Same nonce again: replay refused.
    const again = await raw(VECTOR.path, VECTOR.body, { 'API-Key': 'vector-key', 'API-Sign': VECTOR.sign });
    assert.deepEqual(again.error, ['EAPI:Invalid nonce']);
  });

  test('wrong secret handling (UTF-8 secret, hex digest) does not verify', async () => {
    const utf8Sign =
      'zA0LsmBEQjAhiVXDC0d286hCa9i387Mf1ZKLsYKEAfzW+x3m5FeiAkR7eoNxQ7ykM1KedtbCWKAZ4wyKRSmgfQ==';
    const body = VECTOR.body.replace(VECTOR.nonce, '1616492376595');
    const e = await raw(VECTOR.path, body, { 'API-Key': 'vector-key', 'API-Sign': utf8Sign });
    assert.deepEqual(e.error, ['EAPI:Invalid signature']);
  });

  test('EAPI:Invalid key: missing or unknown key', async () => {
    assert.deepEqual((await raw('/0/private/Balance', 'nonce=1', {})).error, ['EAPI:Invalid key']);
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { key: 'nope' })).error, ['EAPI:Invalid key']);
  });

  test('EAPI:Invalid signature: bad signature, tampered body, wrong secret', async () => {
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { signature: 'AAAA' })).error, [
      'EAPI:Invalid signature',
    ]);
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { signature: 'not base64 at all!' })).error, [
      'EAPI:Invalid signature',
    ]);
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { secret: VECTOR.secret })).error, [
      'EAPI:Invalid signature',
    ]);
  });

  test('EAPI:Invalid nonce: missing, non-numeric, not increasing; a forged request burns no nonce', async () => {
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { nonce: null })).error, ['EAPI:Invalid nonce']);
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { nonce: 'abc' })).error, ['EAPI:Invalid nonce']);
    const n = BigInt(nextNonce());
    for (let i = 0; i < 10; i++) nextNonce(); // reserve n+1..n+10 for this test
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { nonce: String(n) })).error, []);
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { nonce: String(n) })).error, [
      'EAPI:Invalid nonce',
    ]);
    assert.deepEqual((await privateCall(sim, 'Balance', {}, { nonce: String(n - 1n) })).error, [
      'EAPI:Invalid nonce',
    ]);
    assert.deepEqual(
      (await privateCall(sim, 'Balance', {}, { nonce: String(n + 5n), signature: 'AAAA' })).error,
      ['EAPI:Invalid signature'],
    );
    assert.deepEqual(
      (await privateCall(sim, 'Balance', {}, { nonce: String(n + 1n) })).error,
      [],
      'n+5 was not burned',
    );
  });

  test('JSON bodies are signed over the exact JSON text', async () => {
    const e = await privateCall(sim, 'Balance', {}, { json: true });
    assert.deepEqual(e.error, []);
  });

  test('REST call counter per key: starter allows 15, TradesHistory costs 2; rate-limit fault', async () => {
    // The vector key has made no counted call yet (AddOrder is not counted).
    const call = (m: string) => privateCall(sim, m, {}, { key: 'vector-key', secret: VECTOR.secret });
    const errors: string[] = [];
    for (let i = 0; i < 20; i++) errors.push(...(await call(i < 2 ? 'TradesHistory' : 'Balance')).error);
    assert.ok(
      errors.length >= 1 && errors.every((e) => e === 'EAPI:Rate limit exceeded'),
      JSON.stringify(errors),
    );
    assert.ok(errors.length <= 8, 'about 2+2+11 = 15 points pass before the limit');
    // AddOrder is not on the REST counter.
    const add = await privateCall(
      sim,
      'AddOrder',
      { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', price: '100.0', volume: '0.01', validate: 'true' },
      { key: 'vector-key', secret: VECTOR.secret },
    );
    assert.deepEqual(add.error, []);

    // The fault applies to every key while on.
    assert.equal((await control(sim, 'faults', { rateLimited: true })).status, 200);
    assert.deepEqual((await privateCall(sim, 'OpenOrders')).error, ['EAPI:Rate limit exceeded']);
    await control(sim, 'faults', { rateLimited: false });
    assert.deepEqual((await privateCall(sim, 'OpenOrders')).error, []);
  });

  test('garbage requests get clear errors and never crash the server', async () => {
    const post = (path: string, body: string, ct = 'application/x-www-form-urlencoded') =>
      fetch(`${sim.urls.rest}${path}`, {
        method: 'POST',
        body,
        headers: { 'content-type': ct, 'API-Key': sim.apiKey, 'API-Sign': 'x' },
      });
    const j = async (r: Promise<Response>) => (await (await r).json()) as Envelope;
    assert.match(
      (await j(post('/0/private/Balance', '{not json', 'application/json'))).error[0] ?? '',
      /^EGeneral:Invalid arguments/,
    );
    assert.match(
      (await j(post('/0/private/Balance', 'x'.repeat(100_000)))).error[0] ?? '',
      /^EGeneral:Invalid arguments/,
    );
    assert.deepEqual((await j(post('/0/private/NoSuchThing', 'nonce=1'))).error, ['EGeneral:Unknown method']);
    assert.deepEqual((await publicCall(sim, 'NoSuchThing')).error, ['EGeneral:Unknown method']);
    assert.match(
      ((await (await fetch(`${sim.urls.rest}/0/private/Balance`)).json()) as Envelope).error[0] ?? '',
      /^EGeneral:/,
    );
    assert.equal((await fetch(`${sim.urls.rest}/nothing/here`)).status, 404);
    // Still alive.
    assert.deepEqual((await publicCall(sim, 'Time')).error, []);
    const counters = (await control(sim, 'counters')).json as { counters: Record<string, number> };
    assert.ok((counters.counters['rest.error.EGeneral:Unknown method'] ?? 0) >= 2);
  });
});
