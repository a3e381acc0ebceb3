import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BookLevel, Side } from '../../../src/sim/contracts.js';
import { OrderBook, type Fill } from '../../../src/sim/market/order-book.js';
import { assertBook } from './book-invariants.js';

type Op =
  | { kind: 'set'; side: Side; ticks: number; lots: number }
  | { kind: 'take'; side: Side; lots: number; limit: number }
  | { kind: 'clear'; side: Side; ticks: number };

const side = fc.constantFrom<Side>('bid', 'ask');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    side,
    ticks: fc.integer({ min: 1, max: 400 }),
    lots: fc.integer({ min: 0, max: 5000 }),
  }),
  fc.record({
    kind: fc.constant('take' as const),
    side,
    lots: fc.integer({ min: 1, max: 20_000 }),
    limit: fc.integer({ min: 1, max: 400 }),
  }),
  fc.record({ kind: fc.constant('clear' as const), side, ticks: fc.integer({ min: 1, max: 400 }) }),
);

describe('OrderBook', () => {
  test('property: sorted, grid-aligned, and takes respect limit and size', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 120 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        (ops, pd, ld) => {
          const book = new OrderBook(pd, ld);
          for (const o of ops) {
            const out: BookLevel[] = [];
            if (o.kind === 'set') {
              // Keep the book uncrossed the way the market does: never set a level through the other side.
              const other = o.side === 'bid' ? book.bestTicks('ask') : book.bestTicks('bid');
              if (other === other && (o.side === 'bid' ? o.ticks >= other : o.ticks <= other)) continue;
              const changed = book.set(o.side, o.ticks, o.lots, 1, out);
              assert.equal(changed, out.length === 1);
            } else if (o.kind === 'clear') {
              book.removeBetterThan(o.side, o.ticks, 1, out);
              const best = book.bestTicks(o.side);
              if (best === best) assert.ok(o.side === 'ask' ? best >= o.ticks : best <= o.ticks);
            } else {
              const before = book.levels(o.side).reduce((a, l) => a + Math.round(l.qty * book.lotScale), 0);
              const fills: Fill[] = [];
              const got = book.take(o.side, o.lots, o.limit, 1, fills, out);
              assert.ok(got <= o.lots);
              const filled = fills.reduce((a, f) => a + Math.round(f.qty * book.lotScale), 0);
              assert.equal(filled, got);
              for (const f of fills)
                assert.ok(
                  o.side === 'ask'
                    ? f.price <= o.limit / book.priceScale
                    : f.price >= o.limit / book.priceScale,
                );
              const after = book.levels(o.side).reduce((a, l) => a + Math.round(l.qty * book.lotScale), 0);
              assert.equal(before - after, got);
              // Fills walk the book best first.
              for (let i = 1; i < fills.length; i++)
                assert.ok(
                  o.side === 'ask'
                    ? fills[i]!.price > fills[i - 1]!.price
                    : fills[i]!.price < fills[i - 1]!.price,
                );
            }
            assertBook(book.levels('bid'), book.levels('ask'), pd, ld);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('take walks levels up to the limit and reports changed levels', () => {
    const book = new OrderBook(2, 3);
    book.set('ask', 10_000, 1_500, 1, null); // 100.00 × 1.5
    book.set('ask', 10_001, 2_000, 1, null); // 100.01 × 2
    book.set('ask', 10_005, 9_000, 1, null); // 100.05 × 9
    const fills: Fill[] = [];
    const out: BookLevel[] = [];
    const got = book.take('ask', 4_000, 10_001, 2, fills, out);
    assert.equal(got, 3_500);
    assert.deepEqual(fills, [
      { price: 100, qty: 1.5 },
      { price: 100.01, qty: 2 },
    ]);
    assert.deepEqual(
      out.map((l) => [l.price, l.qty]),
      [
        [100, 0],
        [100.01, 0],
      ],
    );
    assert.equal(book.levels('ask')[0]!.price, 100.05);
    // A market take (Infinity) reaches the deepest level; partial fills leave the rest.
    const fills2: Fill[] = [];
    assert.equal(book.take('ask', 1_000, Infinity, 3, fills2, []), 1_000);
    assert.equal(book.levels('ask')[0]!.qty, 8);
  });

  test('off-grid levels are refused with a code', () => {
    const book = new OrderBook(2, 3);
    assert.throws(() => book.set('bid', 1.5, 1, 1, null), /E_SIM_BOOK/);
    assert.throws(() => book.set('bid', 0, 1, 1, null), /E_SIM_BOOK/);
  });
});

test('a tick coarser than the decimals: every level is on it', () => {
  const book = new OrderBook(2, 3, 0.05);
  assert.equal(book.tickUnits, 5);
  book.set('ask', Math.ceil(1.23 * book.priceScale), 1000, 1, null);
  book.set('bid', Math.floor(1.23 * book.priceScale), 1000, 1, null);
  assert.equal(book.levels('ask')[0]?.price, 1.25);
  assert.equal(book.levels('bid')[0]?.price, 1.2);
});
