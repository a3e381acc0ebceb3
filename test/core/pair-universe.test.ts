import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  localToGlobalIndex,
  PairUniverseError,
  selectUniverse,
  splitUniverse,
} from '../../src/core/pair-universe.js';
import { coinOfPairIndex, eurPairIndex, pairCountForCoins, usdPairIndex } from '../../src/core/pair-index.js';
import type { PairInfo } from '../../src/core/pair.js';
import { pair } from './fixtures.js';

const stables = [pair('USDT', 'USD', { id: 'USDTZUSD' }), pair('USDT', 'EUR')];

function coins(bases: string[]): PairInfo[] {
  return bases.flatMap((b) => [pair(b, 'USD'), pair(b, 'EUR')]);
}

function hasCode(code: string) {
  return (e: unknown) => e instanceof PairUniverseError && e.code === code;
}

describe('selectUniverse', () => {
  test('keeps bases with both legs online, sorted, with the stablecoin legs first', () => {
    const all = [
      ...coins(['SOL', 'ADA', 'XBT']),
      pair('DOT', 'USD'), // no EUR leg
      pair('ETH', 'USD'),
      pair('ETH', 'EUR', { status: 'cancel_only' }), // EUR leg not online
      pair('XBT', 'GBP'),
      pair('GBP', 'USD'),
      pair('GBP', 'EUR'), // fiat: excluded
      pair('EUR', 'USD'), // FX pair
      pair('USDT', 'GBP'),
      pair('XBT', 'USD', { id: 'XXBTZUSD.d', altname: 'XBTUSD.d' }), // dark pool
      ...stables,
    ];
    const u = selectUniverse(all);
    assert.deepEqual(
      u.coins.map((c) => c.base),
      ['ADA', 'SOL', 'XBT'],
    );
    assert.equal(u.usdtUsd.id, 'USDTZUSD');
    assert.equal(u.pairs.length, pairCountForCoins(3));
    assert.deepEqual(
      u.pairs.map((p) => p.wsname),
      ['USDT/USD', 'USDT/EUR', 'ADA/USD', 'ADA/EUR', 'SOL/USD', 'SOL/EUR', 'XBT/USD', 'XBT/EUR'],
    );
    assert.equal(u.coins[2]?.usd.id, 'XBTUSD', 'the dark pool pair is never picked');
  });

  test('input order does not change the result', () => {
    const all = [...coins(['B', 'A', 'C']), ...stables];
    const a = selectUniverse(all).pairs.map((p) => p.id);
    const b = selectUniverse([...all].reverse()).pairs.map((p) => p.id);
    assert.deepEqual(a, b);
  });

  test('duplicates of the same base/quote resolve to the smallest id', () => {
    const all = [
      ...stables,
      pair('A', 'USD', { id: 'ZZ' }),
      pair('A', 'USD', { id: 'AA' }),
      pair('A', 'EUR'),
    ];
    assert.equal(selectUniverse(all).coins[0]?.usd.id, 'AA');
  });

  test('missing or offline USDT legs are clear, coded errors', () => {
    assert.throws(
      () => selectUniverse([...coins(['A']), stables[1] as PairInfo]),
      hasCode('E_PAIR_MISSING_USDT_USD'),
    );
    assert.throws(
      () => selectUniverse([...coins(['A']), stables[0] as PairInfo]),
      hasCode('E_PAIR_MISSING_USDT_EUR'),
    );
    assert.throws(
      () =>
        selectUniverse([
          ...coins(['A']),
          stables[0] as PairInfo,
          pair('USDT', 'EUR', { status: 'maintenance' }),
        ]),
      hasCode('E_PAIR_USDT_OFFLINE'),
    );
    assert.throws(() => selectUniverse([...stables]), hasCode('E_PAIR_NO_COINS'));
  });

  test('extra excluded bases (e.g. other stablecoins) are honoured', () => {
    const u = selectUniverse([...coins(['USDC', 'A']), ...stables], {
      excludedBases: new Set(['USDC', 'USD', 'EUR', 'USDT']),
    });
    assert.deepEqual(
      u.coins.map((c) => c.base),
      ['A'],
    );
  });
});

describe('splitUniverse', () => {
  const u = selectUniverse([...coins(['A', 'B', 'C', 'D', 'E', 'F', 'G']), ...stables]);

  test('even contiguous split with the local layout and local→global map', () => {
    const parts = splitUniverse(u, 3);
    assert.deepEqual(
      parts.map((p) => p.coinCount),
      [3, 2, 2],
    );
    const second = parts[1];
    assert.ok(second);
    assert.deepEqual(
      second.pairs.map((p) => p.wsname),
      ['USDT/USD', 'USDT/EUR', 'D/USD', 'D/EUR', 'E/USD', 'E/EUR'],
    );
    assert.deepEqual(second.localToGlobal, [0, 1, 8, 9, 10, 11]);
    for (let l = 0; l < second.pairs.length; l++) {
      assert.equal(localToGlobalIndex(second, l), second.localToGlobal[l]);
      assert.equal(u.pairs[second.localToGlobal[l] as number], second.pairs[l]);
    }
  });

  test('more listeners than coins gives one coin per subset, never an empty one', () => {
    const parts = splitUniverse(u, 10);
    assert.equal(parts.length, 7);
    assert.ok(parts.every((p) => p.coinCount === 1));
  });

  test('bad listener counts are coded errors', () => {
    for (const n of [0, -1, 1.5, NaN])
      assert.throws(() => splitUniverse(u, n), hasCode('E_PAIR_BAD_LISTENER_COUNT'));
  });

  test('property: every coin exactly once, sizes differ by ≤ 1, global layout consistent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), (coinN, listeners) => {
        const bases = Array.from({ length: coinN }, (_, i) => `C${String(i).padStart(3, '0')}`);
        const uni = selectUniverse([...stables, ...coins(bases)]);
        const parts = splitUniverse(uni, listeners);
        assert.equal(parts.length, Math.min(listeners, coinN));
        const sizes = parts.map((p) => p.coinCount);
        assert.ok(
          Math.max(...sizes) - Math.min(...sizes) <= 1,
          'property violated: Math.max(...sizes) - Math.min(...sizes) <= 1',
        );
        const seen: number[] = [];
        for (const p of parts) {
          assert.equal(p.pairs[0]?.wsname, 'USDT/USD');
          assert.equal(p.pairs[1]?.wsname, 'USDT/EUR');
          for (let k = 0; k < p.coinCount; k++) {
            const gu = p.localToGlobal[usdPairIndex(k)] as number;
            const ge = p.localToGlobal[eurPairIndex(k)] as number;
            assert.equal(ge, gu + 1);
            assert.equal(coinOfPairIndex(gu), coinOfPairIndex(ge));
            assert.equal(uni.pairs[gu]?.quote, 'USD');
            assert.equal(uni.pairs[ge]?.quote, 'EUR');
            assert.equal(uni.pairs[gu]?.base, p.pairs[usdPairIndex(k)]?.base);
            seen.push(coinOfPairIndex(gu));
          }
        }
        assert.deepEqual(
          seen,
          bases.map((_, i) => i),
        );
      }),
      { numRuns: 200 },
    );
  });
});
