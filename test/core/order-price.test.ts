import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatOrderPrice, onTickPrice } from '../../src/core/order-price.js';
import { testPair } from '../helpers/test-pair.js';

test('a tick coarser than the decimals: buys round down onto it, sells up', () => {
  assert.equal(onTickPrice(1.23, 0.05, 2, 'buy'), 1.2);
  assert.equal(onTickPrice(1.23, 0.05, 2, 'sell'), 1.25);
  assert.equal(onTickPrice(1.25, 0.05, 2, 'buy'), 1.25, 'already on the tick');
  assert.equal(onTickPrice(68123.4, 0.5, 1, 'buy'), 68123);
  assert.equal(onTickPrice(0.123456, 0.0001, 4, 'buy'), 0.1234, 'tick = 10^-decimals: the decimals rule');
  assert.equal(onTickPrice(0.29, 0.01, 2, 'buy'), 0.29, 'no binary drift off a grid value');
});

test('order price text at pair_decimals', () => {
  const p = { ...testPair('ABC/USD'), pairDecimals: 2, tickSize: 0.05 };
  assert.equal(formatOrderPrice(1.23, p, 'buy'), '1.20');
  assert.equal(formatOrderPrice(1.23, p, 'sell'), '1.25');
});

test('property: on the grid, on the safe side, within one tick', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.0001, max: 100_000, noNaN: true }),
      fc.integer({ min: 0, max: 6 }),
      fc.constantFrom(1, 2, 5, 10, 25),
      fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      (price, decimals, tickUnits, side) => {
        const tick = tickUnits / 10 ** decimals;
        const p = onTickPrice(price, tick, decimals, side);
        if (side === 'buy' && p === 0) return; // below the first tick
        const units = Math.round(p * 10 ** decimals);
        assert.equal(units % tickUnits, 0, `${p} off the tick ${tick}`);
        if (side === 'buy') assert.ok(p <= price && price - p < tick * (1 + 1e-9), `${price} → ${p}`);
        else assert.ok(p >= price && p - price < tick * (1 + 1e-9), `${price} → ${p}`);
      },
    ),
  );
});
