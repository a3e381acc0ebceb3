import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Side } from '../../../src/sim/contracts.js';
import { createMarket } from '../../../src/sim/market/market.js';
import { coinRoi } from '../../../src/sim/market/roi.js';
import { assertBook } from './book-invariants.js';

type Action =
  | { kind: 'step'; ms: number }
  | { kind: 'take'; pair: number; side: Side; fraction: number; market: boolean }
  | { kind: 'dislocate'; coin: number; leg: 'buy' | 'sell'; usdToEur: boolean };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('step' as const),
      ms: fc.double({ min: 0, max: 400, noNaN: true }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('take' as const),
      pair: fc.nat({ max: 1_000 }),
      side: fc.constantFrom<Side>('bid', 'ask'),
      fraction: fc.double({ min: 0.01, max: 3, noNaN: true }),
      market: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('dislocate' as const),
      coin: fc.nat({ max: 1_000 }),
      leg: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      usdToEur: fc.boolean(),
    }),
  },
);

describe('market property: any mix of time, takes and dislocations keeps every book valid', () => {
  test('sorted, uncrossed, on the grid; no arbitrage on coins without an open dislocation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(action, { maxLength: 25 }),
        (seed, actions) => {
          const m = createMarket({
            seed,
            coins: 12,
            epochMs: 1_700_000_000_000,
            updatesPerSecond: 3_000,
            dislocationsPerMinute: 120,
          });
          for (const a of actions) {
            if (a.kind === 'step') m.step(m.now() + a.ms);
            else if (a.kind === 'take') {
              const pair = a.pair % m.pairs.length;
              const levels = m.levels(pair, a.side);
              const top = levels.slice(0, 3).reduce((x, l) => x + l.qty, 0);
              const p = m.pairs[pair]!;
              const qty = Math.floor(top * a.fraction * 10 ** p.lotDecimals) / 10 ** p.lotDecimals;
              const limit = a.market
                ? a.side === 'ask'
                  ? Infinity
                  : 0
                : (levels[2]?.price ?? (a.side === 'ask' ? Infinity : 0));
              if (qty > 0) m.take(pair, a.side, qty, limit);
            } else {
              m.dislocate({
                coin: a.coin % m.coins.length,
                leg: a.leg,
                direction: a.usdToEur ? 'usd-to-eur' : 'eur-to-usd',
              });
            }
            m.pairs.forEach((p, i) =>
              assertBook(m.levels(i, 'bid'), m.levels(i, 'ask'), p.pairDecimals, p.lotDecimals, p.wsname),
            );
            const busy = new Set(m.dislocations().map((d) => d.coin));
            m.coins.forEach((c, k) => {
              if (busy.has(k)) return;
              const r = coinRoi(
                (i, s) => m.levels(i, s),
                { usdIndex: c.usdIndex, eurIndex: c.eurIndex, usdtUsdIndex: 0, usdtEurIndex: 1 },
                0.4,
              );
              // Takes can empty a touch for a moment (NaN); a present touch never shows an arbitrage.
              assert.ok(
                !(r.usdToEur > 1) && !(r.eurToUsd > 1),
                `${c.name} roi ${r.usdToEur} / ${r.eurToUsd}`,
              );
            });
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
