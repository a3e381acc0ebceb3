import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BookChange } from '../../../src/sim/contracts.js';
import { createMarket, type SimMarketModel } from '../../../src/sim/market/market.js';
import { coinRoi } from '../../../src/sim/market/roi.js';
import { MarketOptionsError } from '../../../src/sim/market/market-params.js';
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

function firstChanges(seed: number, n: number): BookChange[] {
  const m = createMarket({ seed, epochMs: EPOCH_MS, updatesPerSecond: 10_000, coins: 60 });
  const seen: BookChange[] = [];
  m.onChange((c) => {
    if (seen.length < n) seen.push(structuredClone(c));
  });
  m.step((n / 10_000) * 1000 + 1);
  return seen;
}

describe('market: determinism and shape', () => {
  test('same seed ⇒ same first changes; another seed differs', () => {
    const a = firstChanges(5, 300);
    assert.equal(a.length, 300);
    assert.deepEqual(firstChanges(5, 300), a);
    assert.notDeepEqual(firstChanges(6, 300), a);
  });

  test('every book starts with ≥ 100 levels a side, sorted, uncrossed, on the grid', () => {
    const m = createMarket({ seed: 3, epochMs: EPOCH_MS });
    assert.ok(m.coins.length >= 500);
    m.pairs.forEach((p, i) => {
      assert.ok(m.levels(i, 'bid').length >= BOOK_DEPTH_MIN, p.wsname);
      assert.ok(m.levels(i, 'ask').length >= BOOK_DEPTH_MIN, p.wsname);
      assertBook(m.levels(i, 'bid'), m.levels(i, 'ask'), p.pairDecimals, p.lotDecimals, p.wsname);
    });
  });

  test('X/EUR ≈ X/USD / EURUSD and USDT ≈ 1 USD', () => {
    const m = createMarket({ seed: 3, epochMs: EPOCH_MS, coins: 40 });
    const mid = (i: number): number => (m.levels(i, 'bid')[0]!.price + m.levels(i, 'ask')[0]!.price) / 2;
    const eurusd = mid(m.universe.eurUsdIndex);
    assert.ok(Math.abs(mid(0) - 1) < 0.002);
    assert.ok(Math.abs(mid(1) * eurusd - 1) < 0.002);
    for (const c of m.coins) {
      const ratio = (mid(c.eurIndex) * eurusd) / mid(c.usdIndex);
      assert.ok(Math.abs(ratio - 1) < 0.003, `${c.name} EUR/USD consistency ${ratio}`);
    }
  });
});

describe('market: consistent feed', () => {
  test('no arbitrage after fees at any point, and books stay valid', () => {
    const m = createMarket({ seed: 11, epochMs: EPOCH_MS, updatesPerSecond: 10_000, coins: 80 });
    let worst = 0;
    let checked = 0;
    m.onChange((ch) => {
      const coin = ch.pairIndex >= 2 && ch.pairIndex < 2 + 2 * m.coins.length ? (ch.pairIndex - 2) >> 1 : -1;
      // USDT legs move every coin's ROI: check all coins then; otherwise the coin that moved.
      const coins = coin >= 0 ? [coin] : m.coins.map((_, k) => k);
      for (const k of coins) {
        const r = roiOf(m, k);
        worst = Math.max(worst, r.usdToEur, r.eurToUsd);
        checked++;
      }
    });
    for (let t = 100; t <= 3_000; t += 100) {
      m.step(t);
      m.pairs.forEach((p, i) =>
        assertBook(m.levels(i, 'bid'), m.levels(i, 'ask'), p.pairDecimals, p.lotDecimals, p.wsname),
      );
    }
    assert.ok(checked > 30_000, `only ${checked} checks`);
    assert.ok(worst <= 1, `roi ${worst} > 1 in a consistent market`);
    assert.ok(worst > 0.98, `roi ${worst}: books implausibly wide`);
  });

  test('rate accounting: updates after T ms of sim time = ⌊T × rate⌋ (+1 for a straddling two-book event)', () => {
    for (const rate of [2_000, 100_000]) {
      const m = createMarket({ seed: 2, epochMs: EPOCH_MS, updatesPerSecond: rate, coins: 50 });
      let changes = 0;
      m.onChange(() => changes++);
      for (const T of [0.5, 10, 250, 1_000]) {
        m.step(T);
        const expected = Math.floor((T * rate) / 1000);
        const got = m.stats().updates;
        assert.ok(got >= expected && got <= expected + 1, `rate ${rate}, T ${T}: ${got} vs ${expected}`);
      }
      assert.equal(changes, m.stats().updates);
    }
  });

  test('update rates are skewed: USDT legs hot, a long quiet tail', () => {
    const m = createMarket({ seed: 4, epochMs: EPOCH_MS, updatesPerSecond: 50_000 });
    const perPair = new Array<number>(m.pairs.length).fill(0);
    m.onChange((c) => perPair[c.pairIndex]!++);
    m.step(2_000);
    const sorted = [...perPair].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    assert.ok(perPair[0]! > 20 * Math.max(1, median), `USDT/USD ${perPair[0]} vs median ${median}`);
    assert.ok(perPair[1]! > 10 * Math.max(1, median), `USDT/EUR ${perPair[1]} vs median ${median}`);
    const top10 = [...perPair]
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((a, b) => a + b, 0);
    assert.ok(top10 > 0.3 * m.stats().updates, 'a few hot pairs carry a large share');
  });

  test('options are validated with a code', () => {
    assert.throws(() => createMarket({ noiseBps: 40 }), MarketOptionsError);
    assert.throws(() => createMarket({ updatesPerSecond: -1 }), /E_SIM_MARKET_OPTIONS/);
  });
});
