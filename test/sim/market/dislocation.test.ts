import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookChange } from '../../../src/sim/contracts.js';
import { createMarket, type SimMarketModel } from '../../../src/sim/market/market.js';
import type { Dislocation, DislocationPhase } from '../../../src/sim/market/dislocations.js';
import { coinRoi } from '../../../src/sim/market/roi.js';
import { BOOK_DEPTH_MIN } from '../../../src/sim/market/liquidity.js';
import { assertBook } from './book-invariants.js';

const EPOCH_MS = 1_700_000_000_000;

function roiOf(m: SimMarketModel, coin: number): { usdToEur: number; eurToUsd: number } {
  const c = m.coins[coin]!;
  return coinRoi(
    (i, s) => m.levels(i, s),
    { usdIndex: c.usdIndex, eurIndex: c.eurIndex, usdtUsdIndex: 0, usdtEurIndex: 1 },
    0.4,
  );
}

function assertTakeable(m: SimMarketModel, d: Readonly<Dislocation>): void {
  const buy = m.pairs[d.buyPairIndex]!;
  const sell = m.pairs[d.sellPairIndex]!;
  const ask = m.levels(d.buyPairIndex, 'ask')[0]!;
  const bid = m.levels(d.sellPairIndex, 'bid')[0]!;
  const vol = Math.min(ask.qty, bid.qty);
  assert.ok(vol >= buy.ordermin && vol >= sell.ordermin, `volume ${vol} below ordermin`);
  assert.ok(vol * ask.price >= buy.costmin && vol * bid.price >= sell.costmin, 'volume below costmin');
}

describe('dislocations', () => {
  test('scheduled dislocations give roi > 1 after fees with enough volume, then expire', () => {
    const m = createMarket({
      seed: 9,
      epochMs: EPOCH_MS,
      coins: 60,
      updatesPerSecond: 2_000,
      dislocationsPerMinute: 600,
      dislocationBps: 80,
      dislocationLifetimeMs: 300,
    });
    const events: Array<[number, DislocationPhase]> = [];
    const opening: BookChange[] = [];
    m.onDislocation((d, phase) => {
      events.push([d.id, phase]);
      if (phase !== 'open') return;
      const r = roiOf(m, d.coin);
      const roi = d.direction === 'usd-to-eur' ? r.usdToEur : r.eurToUsd;
      assert.ok(roi > 1, `dislocation ${d.id} roi ${roi}`);
      assert.ok(Math.abs(roi - 1.008) < 0.003, `edge ≈ 80 bps, got ${roi}`);
      assert.equal(d.roi, roi);
      assert.equal(m.levels(d.pairIndex, d.side)[0]!.price, d.price);
      assertTakeable(m, d);
      const p = m.pairs[d.pairIndex]!;
      assertBook(
        m.levels(d.pairIndex, 'bid'),
        m.levels(d.pairIndex, 'ask'),
        p.pairDecimals,
        p.lotDecimals,
        p.wsname,
      );
    });
    m.onChange((c) => {
      if (c.dislocationId === undefined) return;
      opening.push(c);
      // 'open' is announced before the opening frame, so the timing registry knows the id first.
      assert.deepEqual(events.at(-1), [c.dislocationId, 'open']);
    });
    m.step(10_000);
    const s = m.stats();
    assert.ok(s.dislocationsOpened >= 50, `opened ${s.dislocationsOpened}`);
    assert.equal(opening.length, s.dislocationsOpened);
    assert.equal(s.dislocationsTaken, 0);
    assert.equal(s.dislocationsExpired + s.openDislocations, s.dislocationsOpened);
    for (const d of m.dislocationHistory()) {
      assert.equal(d.state, 'expired');
      assert.ok(Math.abs(d.closedAtMs! - d.openedAtMs - 300) < 1e-6);
    }
    // Each opening change carries the moved level.
    const d0 = m.dislocationHistory()[0]!;
    const ch0 = opening.find((c) => c.dislocationId === d0.id)!;
    assert.equal(ch0.pairIndex, d0.pairIndex);
    assert.ok(
      (d0.side === 'ask' ? ch0.asks : ch0.bids).some((l) => l.price === d0.price && l.qty === d0.qty),
    );
    assert.deepEqual(
      events.filter(([id]) => id === d0.id).map(([, p]) => p),
      ['open', 'closed'],
    );
    // After expiry the coin is consistent again.
    m.step(10_400);
    const r = roiOf(m, d0.coin);
    if (m.dislocations().every((d) => d.coin !== d0.coin)) assert.ok(r.usdToEur <= 1 && r.eurToUsd <= 1);
  });

  test('both legs and both directions are possible; the sell leg raises a bid', () => {
    const m = createMarket({ seed: 9, epochMs: EPOCH_MS, coins: 30 });
    for (const direction of ['usd-to-eur', 'eur-to-usd'] as const) {
      for (const leg of ['buy', 'sell'] as const) {
        const d = m.dislocate({ coin: 7, direction, leg })!;
        assert.ok(d, `${direction} ${leg}`);
        assert.equal(d.side, leg === 'buy' ? 'ask' : 'bid');
        assert.equal(d.pairIndex, leg === 'buy' ? d.buyPairIndex : d.sellPairIndex);
        const r = roiOf(m, 7);
        assert.ok((direction === 'usd-to-eur' ? r.usdToEur : r.eurToUsd) > 1);
        assertTakeable(m, d);
        // A coin holds one dislocation at a time.
        assert.equal(m.dislocate({ coin: 7 }), null);
        m.step(m.now() + 301);
        assert.equal(m.dislocations().length, 0);
      }
    }
    assert.equal(m.stats().dislocationsFailed, 4);
  });

  test('a fast client takes it (marked taken, restored next step); a slow one misses it', () => {
    const m = createMarket({ seed: 21, epochMs: EPOCH_MS, coins: 30, updatesPerSecond: 1_000 });
    const d = m.dislocate({ coin: 5, direction: 'eur-to-usd', leg: 'buy' })!;
    const phases: DislocationPhase[] = [];
    m.onDislocation((x, p) => x.id === d.id && phases.push(p));
    const fills = m.take(d.pairIndex, 'ask', d.qty * 10, d.price);
    assert.deepEqual(fills, [{ price: d.price, qty: d.qty }]);
    assert.equal(d.state, 'taken');
    assert.equal(d.takenQty, d.qty);
    assert.deepEqual(phases, ['taken']);
    m.step(m.now() + 1);
    assert.deepEqual(phases, ['taken', 'closed']);
    assert.equal(m.stats().dislocationsTaken, 1);
    assert.equal(m.stats().dislocationsExpired, 0);
    const r = roiOf(m, 5);
    assert.ok(r.eurToUsd <= 1 && r.usdToEur <= 1);

    const late = m.dislocate({ coin: 6, direction: 'usd-to-eur' })!;
    m.step(m.now() + 301);
    assert.deepEqual(m.take(late.pairIndex, 'ask', late.qty, late.price), []);
    assert.equal(late.state, 'expired');
  });
});

describe('take and replenishment', () => {
  test('take consumes levels up to the limit, emits the change, and the book refills', () => {
    const m = createMarket({
      seed: 13,
      epochMs: EPOCH_MS,
      coins: 20,
      updatesPerSecond: 100,
      refillDelayMs: 25,
    });
    const pair = m.pairIndex('ETH/USD');
    const asks = m.levels(pair, 'ask');
    const best = asks[0]!.price;
    const limit = asks[4]!.price;
    const available = asks.slice(0, 5).reduce((a, l) => a + l.qty, 0);
    const changes: BookChange[] = [];
    m.onChange((c) => changes.push(structuredClone(c)));
    const fills = m.take(pair, 'ask', available * 3, limit);
    assert.equal(fills.length, 5);
    assert.ok(Math.abs(fills.reduce((a, f) => a + f.qty, 0) - available) < 1e-9);
    assert.ok(fills.every((f) => f.price <= limit));
    assert.ok(m.levels(pair, 'ask')[0]!.price > limit);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.asks.length, 5);
    assert.ok(changes[0]!.asks.every((l) => l.qty === 0));
    // Liquidity replenishes: after the refill delay the touch is back near fair and depth restored.
    m.step(m.now() + 30);
    assert.ok(m.levels(pair, 'ask')[0]!.price <= best * 1.0005, 'touch refilled');
    assert.ok(m.levels(pair, 'ask').length >= BOOK_DEPTH_MIN);
    assert.ok(m.stats().refills >= 1);
    const p = m.pairs[pair]!;
    assertBook(m.levels(pair, 'bid'), m.levels(pair, 'ask'), p.pairDecimals, p.lotDecimals);
  });

  test('selling into bids, market orders, and bad input', () => {
    const m = createMarket({ seed: 13, epochMs: EPOCH_MS, coins: 20 });
    const pair = m.pairIndex('XBT/EUR');
    const bid = m.levels(pair, 'bid')[0]!;
    const fills = m.take(pair, 'bid', 0.0001, 0);
    assert.deepEqual(fills, [{ price: bid.price, qty: 0.0001 }]);
    assert.deepEqual(m.take(pair, 'bid', 1, bid.price * 2), [], 'limit above every bid: nothing');
    assert.deepEqual(m.take(9_999, 'bid', 1, 0), []);
    assert.deepEqual(m.take(pair, 'bid', NaN, 0), []);
    assert.deepEqual(m.take(pair, 'bid', -1, 0), []);
    assert.equal(m.stats().badTakes, 3);
  });

  test('a throwing listener is counted and reported; the feed goes on', () => {
    const errors: unknown[] = [];
    const m = createMarket({ seed: 1, epochMs: EPOCH_MS, coins: 10, onListenerError: (e) => errors.push(e) });
    let calls = 0;
    const off = m.onChange(() => {
      calls++;
      throw new Error('boom');
    });
    m.step(10);
    assert.ok(calls > 0);
    assert.equal(m.stats().listenerErrors, calls);
    assert.equal(errors.length, calls);
    off();
    m.step(20);
    assert.equal(m.stats().listenerErrors, calls);
  });
});

describe('timer driver', () => {
  test('start() emits at the configured rate from a monotonic clock; stop() clears the timer', async (t) => {
    const m = createMarket({ seed: 1, coins: 10, updatesPerSecond: 5_000 });
    t.after(() => m.stop());
    let lastTs = 0;
    m.onChange((c) => (lastTs = c.ts));
    m.start();
    assert.ok(m.running);
    const deadline = Date.now() + 5_000;
    while (m.stats().updates < 50 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.ok(m.stats().updates >= 50, 'updates flow while started');
    // Without an explicit epoch, Kraken timestamps follow the wall clock (epoch seconds with µs).
    assert.ok(Math.abs(lastTs - Date.now() / 1000) < 60, `ts ${lastTs}`);
    m.stop();
    assert.ok(!m.running);
    const after = m.stats().updates;
    await new Promise((r) => setImmediate(r));
    assert.equal(m.stats().updates, after);
  });

  test('catch-up after a stall is capped (injected clock)', async (t) => {
    let clock = 0;
    const m = createMarket({
      seed: 1,
      epochMs: EPOCH_MS,
      coins: 10,
      updatesPerSecond: 10_000,
      maxCatchUpMs: 20,
      clockMs: () => clock,
    });
    t.after(() => m.stop());
    m.start();
    // A 1 s stall: the next tick sees the clock 1000 ms later.
    clock = 1_000;
    const deadline = Date.now() + 5_000;
    while (m.now() < 1_000 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    m.stop();
    assert.equal(m.now(), 1_000);
    const s = m.stats();
    // Only the last 20 ms are emitted (200 updates at 10k/s); the rest is skipped and counted.
    assert.ok(s.updates >= 200 && s.updates <= 202, `emitted ${s.updates}`);
    assert.ok(s.skippedUpdates >= 9_790 && s.skippedUpdates <= 9_800, `skipped ${s.skippedUpdates}`);
  });
});
