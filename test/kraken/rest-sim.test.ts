// The REST client against the project's Kraken simulator on loopback: the two were written from
// the same docs by different people, so this is where a misreading on either side shows up.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../src/sim/simulator.js';
import { KrakenRestClient } from '../../src/kraken/rest.js';
import { pickFeeFractions } from '../../src/kraken/asset-pairs.js';
import { KrakenError } from '../../src/kraken/errors.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { createNonceBuffer, NonceGenerator } from '../../src/kraken/nonce.js';
import { createPrivateCallGateBuffer } from '../../src/kraken/private-call-gate.js';

let sim: RunningSimulator;
let client: KrakenRestClient;
let clock: FakeClock;
before(async () => {
  sim = await startSimulator({ coins: 2 });
  clock = new FakeClock(true);
  client = new KrakenRestClient({
    baseUrl: sim.urls.rest,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    tier: 'pro',
    clock,
    timeoutMs: 5_000,
  });
});
after(async () => {
  await sim.stop();
});

describe('KrakenRestClient ↔ simulator', () => {
  test('public data parses cleanly', async () => {
    assert.equal((await client.systemStatus()).status, 'online');
    const { pairs, rejected } = await client.assetPairs();
    assert.deepEqual(rejected, []);
    assert.ok(pairs.some((p) => p.wsname === 'USDT/USD'));
    const ticker = await client.ticker([pairs[0]?.id ?? '']);
    const t = Object.values(ticker)[0];
    assert.ok(t !== undefined && t.ask >= t.bid && t.bid > 0);
  });

  test('signed account calls: balances and fee fractions', async () => {
    const balances = await client.balance();
    assert.ok((balances['ZUSD'] ?? 0) > 0);
    const { pairs } = await client.assetPairs();
    const ids = pairs.map((p) => p.id);
    const { fees, missing } = pickFeeFractions(await client.tradeVolume(ids), ids);
    assert.deepEqual(missing, []);
    for (const f of fees.values()) assert.ok(f.taker > 0 && f.taker < 0.01);
  });

  test('an IOC market buy is placed, then reconciled through QueryOrders and TradesHistory', async () => {
    const { pairs } = await client.assetPairs();
    const usdt = pairs.find((p) => p.wsname === 'USDT/USD');
    assert.ok(usdt);
    const volume = Math.max(usdt.ordermin, 10).toFixed(usdt.lotDecimals);
    const placed = await client.addOrder({
      pair: usdt.altname,
      type: 'buy',
      ordertype: 'market',
      volume,
      timeinforce: 'IOC',
    });
    assert.equal(placed.txids.length, 1);
    const txid = placed.txids[0] ?? '';
    const order = (await client.queryOrders([txid], { trades: true }))[txid];
    assert.ok(order);
    assert.equal(order.status, 'closed');
    assert.equal(order.volumeExecuted, Number(volume));
    const { trades } = await client.tradesHistory();
    assert.ok(Object.values(trades).some((t) => t.ordertxid === txid));
  });

  test("Kraken's refusals come back typed", async () => {
    await assert.rejects(
      client.cancelOrder('OXXXXX-XXXXX-XXXXXX'),
      (e: unknown) =>
        e instanceof KrakenError && e.code === 'EOrder:Unknown order' && e.retry === 'not-retryable',
    );
    const bad = new KrakenRestClient({
      baseUrl: sim.urls.rest,
      apiKey: sim.apiKey,
      apiSecret: Buffer.alloc(64, 1).toString('base64'),
      clock,
    });
    await assert.rejects(
      bad.balance(),
      (e: unknown) => e instanceof KrakenError && e.code === 'EAPI:Invalid signature' && e.retry === 'fatal',
    );
  });

  test('a rate-limited answer is retried for Balance, never for AddOrder', async () => {
    sim.faults.rateLimited = true;
    try {
      const before = clock.sleeps.length;
      await assert.rejects(
        client.balance(),
        (e: unknown) => e instanceof KrakenError && e.code === 'EAPI:Rate limit exceeded',
      );
      const afterBalance = clock.sleeps.length;
      assert.ok(afterBalance - before >= 2, 'Balance was retried after backoff');
      await assert.rejects(
        client.addOrder({ pair: 'USDTUSD', type: 'buy', ordertype: 'market', volume: '10' }),
        (e: unknown) => e instanceof KrakenError && e.code === 'EAPI:Rate limit exceeded',
      );
      assert.equal(clock.sleeps.length, afterBalance, 'AddOrder was neither retried nor delayed');
    } finally {
      sim.faults.rateLimited = false;
    }
  });
});

describe('KrakenRestClient ↔ simulator: throttled', () => {
  test('EService: Throttled: <ts> (the documented spelling) is waited out to its time, then retried once', async () => {
    const real = new KrakenRestClient({
      baseUrl: sim.urls.rest,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      tier: 'pro',
      timeoutMs: 5_000,
    });
    const throttled0 = sim.counters.get('rest.throttled');
    const calls0 = sim.counters.get('rest.private.BalanceEx');
    sim.faults.throttledUntilMs = Date.now() + 1_200;
    const until = Math.ceil(sim.faults.throttledUntilMs / 1000) * 1000;
    const t0 = Date.now();
    const balances = await real.balanceEx();
    assert.ok((balances['ZUSD']?.balance ?? 0) > 0);
    assert.ok(Date.now() >= until - 5, `answered ${until - Date.now()} ms before the throttle's time`);
    assert.equal(sim.counters.get('rest.throttled') - throttled0, 1, 'retried before the throttle ended');
    assert.equal(sim.counters.get('rest.private.BalanceEx') - calls0, 2);
    assert.ok(Date.now() - t0 < 5_000);
  });
});

describe('KrakenRestClient ↔ simulator: two threads on one key', () => {
  // Two clients on the same nonce and call-gate buffers, as the fetcher and trader threads are. The
  // first call's request is held up 30 ms on its way (a slow connection): without the gate the
  // second call's higher nonce would reach Kraken first and the first would be refused
  // `EAPI:Invalid nonce` — seen in the real program at start-up (balance and fee fetch together).
  test('calls reach Kraken in nonce order, so neither is refused EAPI:Invalid nonce', async () => {
    const nonceBuffer = createNonceBuffer();
    const gateBuffer = createPrivateCallGateBuffer();
    const clientOf = (fetchImpl: typeof fetch): KrakenRestClient =>
      new KrakenRestClient({
        baseUrl: sim.urls.rest,
        apiKey: sim.apiKey,
        apiSecret: sim.apiSecret,
        tier: 'pro',
        nonce: new NonceGenerator(nonceBuffer),
        callGateBuffer: gateBuffer,
        timeoutMs: 5_000,
        maxAttempts: 1,
        fetch: fetchImpl,
      });
    const slow = clientOf(async (url, init) => {
      await new Promise((r) => setTimeout(r, 30));
      return fetch(url, init);
    });
    const fast = clientOf(fetch);
    for (let round = 0; round < 3; round++) {
      const first = slow.balanceEx();
      await new Promise((r) => setImmediate(r));
      const second = fast.balanceEx();
      const answers = await Promise.allSettled([first, second]);
      assert.deepEqual(
        answers.map((a) => (a.status === 'rejected' ? String(a.reason) : 'ok')),
        ['ok', 'ok'],
      );
    }
  });
});
