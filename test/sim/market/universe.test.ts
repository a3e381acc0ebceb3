import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  coarseTickUnits,
  DEFAULT_COIN_COUNT,
  decimalsForPrice,
  generateUniverse,
} from '../../../src/sim/market/universe.js';
import { MAJORS } from '../../../src/sim/market/majors.js';
import { createMarket } from '../../../src/sim/market/market.js';

describe('universe', () => {
  const u = generateUniverse({ seed: 42 });

  test('≥ 500 coins, each with X/USD and X/EUR, plus USDT/USD, USDT/EUR and EUR/USD', () => {
    assert.ok(DEFAULT_COIN_COUNT >= 500);
    assert.equal(u.coins.length, DEFAULT_COIN_COUNT);
    assert.equal(u.pairs.length, 2 * u.coins.length + 3);
    for (const c of u.coins) {
      const usd = u.pairs[c.usdIndex]!;
      const eur = u.pairs[c.eurIndex]!;
      assert.equal(usd.wsname, `${c.name}/USD`);
      assert.equal(eur.wsname, `${c.name}/EUR`);
      assert.equal(usd.quoteId, 'ZUSD');
      assert.equal(eur.quoteId, 'ZEUR');
      assert.equal(usd.baseId, eur.baseId);
    }
    assert.equal(u.pairs[u.usdtUsdIndex]!.id, 'USDTZUSD');
    assert.equal(u.pairs[u.usdtEurIndex]!.id, 'USDTEUR');
    const eurusd = u.pairs[u.eurUsdIndex]!;
    assert.deepEqual(
      [eurusd.id, eurusd.altname, eurusd.wsname, eurusd.baseId, eurusd.quoteId],
      ['ZEURZUSD', 'EURUSD', 'EUR/USD', 'ZEUR', 'ZUSD'],
    );
    // Layout shared with src/core/pair-index.ts.
    assert.equal(u.usdtUsdIndex, 0);
    assert.equal(u.usdtEurIndex, 1);
    u.coins.forEach((c, k) => {
      assert.equal(c.usdIndex, 2 + 2 * k);
      assert.equal(c.eurIndex, 3 + 2 * k);
    });
  });

  test('majors carry Kraken legacy ids and v2 symbols', () => {
    const byId = new Map(u.pairs.map((p) => [p.id, p]));
    const btc = byId.get('XXBTZUSD')!;
    assert.deepEqual(
      [btc.altname, btc.wsname, btc.symbol, btc.baseId, btc.quoteId, btc.base],
      ['XBTUSD', 'XBT/USD', 'BTC/USD', 'XXBT', 'ZUSD', 'XBT'],
    );
    assert.equal(byId.get('XXBTZEUR')!.symbol, 'BTC/EUR');
    assert.ok(byId.has('XETHZUSD'));
    const doge = byId.get('XXDGZUSD')!;
    assert.deepEqual([doge.wsname, doge.symbol, doge.baseId], ['XDG/USD', 'DOGE/USD', 'XXDG']);
    const sol = byId.get('SOLUSD')!;
    assert.deepEqual([sol.altname, sol.wsname, sol.baseId], ['SOLUSD', 'SOL/USD', 'SOL']);
  });

  test('names are unique across ids, altnames, wsnames and symbols', () => {
    for (const key of ['id', 'altname', 'wsname', 'symbol'] as const) {
      assert.equal(new Set(u.pairs.map((p) => p[key])).size, u.pairs.length, key);
    }
    const generated = u.coins.slice(20);
    for (const c of generated) {
      assert.match(c.name, /^[A-WY][A-Z]{2,4}$/);
      assert.equal(u.pairs[c.usdIndex]!.id, `${c.name}USD`);
    }
  });

  test('metadata is realistic and consistent with price', () => {
    const prices = u.coins.map((c) => c.priceUsd);
    assert.ok(Math.min(...prices) >= 0.0001 && Math.max(...prices) <= 100_000);
    assert.ok(prices.filter((p) => p < 0.01).length > 20, 'cheap tail exists');
    assert.ok(prices.filter((p) => p > 1000).length > 20, 'expensive coins exist');
    let coarse = 0;
    for (const [k, c] of u.coins.entries()) {
      for (const i of [c.usdIndex, c.eurIndex]) {
        const p = u.pairs[i]!;
        // Majors tick at their decimals; some generated coins in coarser ticks, as on Kraken.
        const units = k < MAJORS.length ? 1 : coarseTickUnits(k);
        assert.equal(p.tickSize, units / 10 ** p.pairDecimals);
        if (units > 1) coarse++;
        assert.equal(p.status, 'online');
        assert.equal(p.costmin, 0.5);
        assert.equal(p.takerFees[0]?.[1], 0.4);
        assert.equal(p.makerFees[0]?.[1], 0.25);
        // ordermin is on the lot grid and worth a few USD.
        const lots = p.ordermin * 10 ** p.lotDecimals;
        assert.ok(
          Math.abs(lots - Math.round(lots)) < 1e-6,
          `${p.wsname} ordermin ${p.ordermin} off the lot grid`,
        );
        const worth = p.ordermin * c.priceUsd;
        assert.ok(worth >= 0.5 && worth <= 20, `${p.wsname} ordermin worth ${worth} USD`);
        // 5–6 significant price digits (ticks of 0.1–10 bps) for generated coins.
        const tickBps = (p.tickSize / c.priceUsd) * 1e4;
        assert.ok(tickBps <= 11, `${p.wsname} tick ${tickBps} bps`);
      }
    }
    assert.ok(coarse > 100, `${coarse} coarse-tick pairs`);
    for (const i of [u.usdtUsdIndex, u.usdtEurIndex, u.eurUsdIndex]) {
      const p = u.pairs[i]!;
      assert.deepEqual(p.makerFees, [], 'flat schedule: maker list empty as PairInfo documents');
      assert.equal(p.takerFees[0]?.[1], 0.2);
    }
    assert.equal(decimalsForPrice(90_000), 0);
    assert.equal(decimalsForPrice(2.2), 4);
    assert.equal(decimalsForPrice(0.00015), 8);
  });

  test('deterministic from the seed', () => {
    assert.deepEqual(generateUniverse({ seed: 42 }), u);
    const other = generateUniverse({ seed: 43 });
    assert.notDeepEqual(
      other.coins.map((c) => c.name),
      u.coins.map((c) => c.name),
    );
    assert.equal(generateUniverse({ seed: 1, coins: 3 }).pairs.length, 9);
    assert.throws(() => generateUniverse({ seed: 1, coins: 0 }), /E_SIM_UNIVERSE/);
  });

  test('pairIndex finds pairs by wsname, symbol, id and altname', () => {
    const m = createMarket({ seed: 42, coins: 30, epochMs: 0 });
    const i = m.pairIndex('XBT/USD');
    assert.ok(i >= 0);
    for (const n of ['BTC/USD', 'XXBTZUSD', 'XBTUSD']) assert.equal(m.pairIndex(n), i);
    assert.equal(m.pairIndex('DOGE/USD'), m.pairIndex('XDG/USD'));
    assert.equal(m.pairIndex('NOPE/USD'), -1);
    assert.equal(m.pairIndex('EURUSD'), m.pairs.length - 1);
  });
});
