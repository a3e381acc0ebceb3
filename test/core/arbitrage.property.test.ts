// Property tests of the arbitrage core: sizing invariants, fee monotonicity, no phantom
// opportunities in a consistent market, hostile quotes never produce an order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createEvalParams, evaluate, roiEurToUsd, roiUsdToEur } from '../../src/core/arbitrage.js';
import * as C from '../../src/core/eval-codes.js';
import { formatDecimal } from '../../src/core/decimals.js';
import { OPPORTUNITY_FIELDS, readOpportunity } from '../../src/core/opportunity.js';
import { buildPairMeta } from '../../src/core/pair-meta.js';
import { QuoteTable, UPDATE_INVALID } from '../../src/core/quote-table.js';
import { NOW_US, pair, TS } from './fixtures.js';

/**
 * True when `x` is exactly the double of a `decimals`-digit decimal string: the string we send
 * parses back to the very value the balance and minimum checks used. (formatDecimal is itself
 * checked digit for digit against BigInt arithmetic in decimals.test.ts.)
 */
function onGrid(x: number, decimals: number): boolean {
  return Number(formatDecimal(x, decimals)) === x;
}

/** Spread over orders of magnitude (fc.double alone piles up at the extremes), with arbitrary low digits. */
function logUniform(min: number, max: number) {
  return fc
    .double({ min: Math.log(min), max: Math.log(max), noNaN: true })
    .map((e) => Math.min(max, Math.max(min, Math.exp(e))));
}

function rarely(value: number, usual: fc.Arbitrary<number>) {
  return fc.oneof({ arbitrary: fc.constant(value), weight: 1 }, { arbitrary: usual, weight: 12 });
}

const legMeta = fc.record({
  pairDecimals: fc.integer({ min: 1, max: 6 }),
  lotDecimals: fc.integer({ min: 0, max: 8 }),
  ordermin: fc.constantFrom(0, 0.0001, 0.01, 0.5, 1, 10),
  costmin: fc.constantFrom(0, 0.5, 5, 10, 100),
});

const scenario = fc.record({
  usdMeta: legMeta,
  eurMeta: legMeta,
  xu: logUniform(0.01, 50_000),
  eurusd: fc.double({ min: 0.8, max: 1.3, noNaN: true }),
  dislocation: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
  spread: fc.double({ min: 1e-6, max: 0.01, noNaN: true }),
  vols: fc.array(rarely(0, logUniform(1e-6, 1e5)), { minLength: 4, maxLength: 4 }),
  fee: fc.double({ min: 0, max: 0.01, noNaN: true }),
  balanceUsd: rarely(0, logUniform(1e-4, 1e6)),
  balanceEur: rarely(0, logUniform(1e-4, 1e6)),
  maxValue: fc.oneof(fc.constant(Infinity), logUniform(1, 1e5)),
});

describe('sizing invariants (property)', () => {
  test('an order never exceeds balance incl. fee, never breaks ordermin, costmin, lot or price decimals', () => {
    let opportunities = 0;
    const counts: number[] = [];
    fc.assert(
      fc.property(scenario, (s) => {
        const ps = [
          pair('USDT', 'USD', { pairDecimals: 4, lotDecimals: 2 }),
          pair('USDT', 'EUR', { pairDecimals: 4, lotDecimals: 2 }),
          pair('X', 'USD', s.usdMeta),
          pair('X', 'EUR', s.eurMeta),
        ];
        const meta = buildPairMeta(ps);
        const t = new QuoteTable(4);
        t.feedOnline = true;
        t.setAllOnline(true);
        const onTick = (p: number, d: number, up: boolean) =>
          (up ? Math.ceil(p * 10 ** d) : Math.floor(p * 10 ** d)) / 10 ** d;
        const quote = (i: number, mid: number, d: number, bv: number, av: number) => {
          const bid = onTick(mid * (1 - s.spread), d, false);
          let ask = onTick(mid * (1 + s.spread), d, true);
          if (ask <= bid) ask = (Math.round(bid * 10 ** d) + 1) / 10 ** d;
          return t.update(i, bid, ask, TS, bv, av, NOW_US);
        };
        const [v0, v1, v2, v3] = s.vols as [number, number, number, number];
        quote(0, 1, 4, 1e6, 1e6);
        quote(1, 1 / s.eurusd, 4, 1e6, 1e6);
        quote(2, s.xu, s.usdMeta.pairDecimals, v0, v1);
        quote(3, (s.xu / s.eurusd) * s.dislocation, s.eurMeta.pairDecimals, v2, v3);
        fc.pre(t.isUsable(2) && t.isUsable(3));
        const params = createEvalParams({
          takerFee: s.fee,
          balanceUsd: s.balanceUsd,
          balanceEur: s.balanceEur,
          minRoi: 0, // size every direction, profitable or not: this test is about sizing
          maxOrderValueUsd: s.maxValue,
          maxOrderValueEur: s.maxValue,
          maxExchangeAgeMs: Infinity,
        });
        const out = new Float64Array(OPPORTUNITY_FIELDS);
        const code = evaluate(t, meta, 0, 3, params, NOW_US, out, 0);
        assert.ok(
          code >= 0 && code < C.EVAL_CODE_COUNT,
          'property violated: code >= 0 && code < C.EVAL_CODE_COUNT',
        );
        if (code === C.EVAL_NONE) return;
        const o = readOpportunity(out);
        const buyMeta = o.buyPair === 2 ? s.usdMeta : s.eurMeta;
        const sellMeta = o.buyPair === 2 ? s.eurMeta : s.usdMeta;
        const balance = o.buyPair === 2 ? s.balanceUsd : s.balanceEur;
        counts[code] = (counts[code] ?? 0) + 1;
        if (code !== C.EVAL_OPPORTUNITY) {
          if (code === C.DROP_BELOW_ORDERMIN_BUY)
            assert.ok(o.volume < buyMeta.ordermin, 'property violated: o.volume < buyMeta.ordermin');
          if (code === C.DROP_BELOW_ORDERMIN_SELL)
            assert.ok(o.volume < sellMeta.ordermin, 'property violated: o.volume < sellMeta.ordermin');
          if (code === C.DROP_BELOW_COSTMIN_BUY)
            assert.ok(
              o.volume * o.buyPrice < buyMeta.costmin * 1.000001,
              'property violated: o.volume * o.buyPrice < buyMeta.costmin * 1.000001',
            );
          if (code === C.DROP_BELOW_COSTMIN_SELL)
            assert.ok(
              o.volume * o.sellPrice < sellMeta.costmin * 1.000001,
              'property violated: o.volume * o.sellPrice < sellMeta.costmin * 1.000001',
            );
          return;
        }
        opportunities++;
        assert.ok(o.volume > 0, 'property violated: o.volume > 0');
        assert.ok(o.volume * o.buyPrice * (1 + s.fee) <= balance, 'cost incl. fee within balance');
        assert.ok(o.volume * o.buyPrice <= s.maxValue, 'within max order value');
        assert.ok(o.volume <= o.buyQuote.askVol && o.volume <= o.sellQuote.bidVol, 'within shown depth');
        assert.ok(o.volume <= o.rawVolume, 'rounded down');
        assert.ok(o.volume >= buyMeta.ordermin && o.volume >= sellMeta.ordermin, 'ordermin on both legs');
        assert.ok(o.volume * o.buyPrice >= buyMeta.costmin, 'costmin buy leg');
        assert.ok(o.volume * o.sellPrice >= sellMeta.costmin, 'costmin sell leg');
        assert.ok(
          onGrid(o.volume, buyMeta.lotDecimals) && onGrid(o.volume, sellMeta.lotDecimals),
          'lot decimals of both legs',
        );
        assert.ok(
          onGrid(o.buyPrice, buyMeta.pairDecimals) && o.buyPrice >= o.buyQuote.ask,
          'buy price on grid, not below ask',
        );
        assert.ok(
          onGrid(o.sellPrice, sellMeta.pairDecimals) && o.sellPrice <= o.sellQuote.bid,
          'sell price on grid, not above bid',
        );
        // Rounded down by less than one lot of the coarser grid (unless the step-down re-check fired).
        const step = 10 ** -Math.min(buyMeta.lotDecimals, sellMeta.lotDecimals);
        assert.ok(
          o.rawVolume - o.volume < 2 * step + 1e-12,
          'property violated: o.rawVolume - o.volume < 2 * step + 1e-12',
        );
      }),
      { numRuns: 3000 },
    );
    assert.ok(
      opportunities > 100,
      `the generator must reach the sizing path often (got ${opportunities}; codes ${JSON.stringify(counts)})`,
    );
  });
});

describe('roi properties', () => {
  const price = fc.double({ min: 1e-4, max: 1e5, noNaN: true });
  test('roi falls strictly as the fee rises (both directions)', () => {
    fc.assert(
      fc.property(
        price,
        price,
        price,
        price,
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 1e-6, max: 0.05, noNaN: true }),
        (a, b, c, d, f, df) => {
          assert.ok(
            roiUsdToEur(a, b, c, d, f + df) < roiUsdToEur(a, b, c, d, f),
            'property violated: roiUsdToEur(a, b, c, d, f + df) < roiUsdToEur(a, b, c, d, f)',
          );
          assert.ok(
            roiEurToUsd(a, b, c, d, f + df) < roiEurToUsd(a, b, c, d, f),
            'property violated: roiEurToUsd(a, b, c, d, f + df) < roiEurToUsd(a, b, c, d, f)',
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('a consistent market never shows roi > 1 after fees', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e5, noNaN: true }), // X/USD fair
        fc.double({ min: 0.5, max: 2, noNaN: true }), // EUR in USD
        fc.double({ min: 0.95, max: 1.05, noNaN: true }), // USDT peg in USD
        fc.array(fc.double({ min: 1e-9, max: 0.02, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (xu, eurusd, peg, sp, fee) => {
          const fair = [peg, peg / eurusd, xu, xu / eurusd];
          const t = new QuoteTable(4);
          t.feedOnline = true;
          t.setAllOnline(true);
          fair.forEach((m, i) =>
            t.update(
              i,
              m * (1 - (sp[2 * i] as number)),
              m * (1 + (sp[2 * i + 1] as number)),
              TS,
              10,
              10,
              NOW_US,
            ),
          );
          const meta = buildPairMeta([
            pair('USDT', 'USD'),
            pair('USDT', 'EUR'),
            pair('X', 'USD'),
            pair('X', 'EUR'),
          ]);
          const out = new Float64Array(OPPORTUNITY_FIELDS);
          const code = evaluate(
            t,
            meta,
            0,
            2,
            createEvalParams({ takerFee: fee, balanceUsd: 1e6, balanceEur: 1e6 }),
            NOW_US,
            out,
            0,
          );
          assert.equal(code, C.EVAL_NONE);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('hostile quotes (property)', () => {
  const hostile = fc.constantFrom(NaN, Infinity, -Infinity, 0, -1, -0);
  test('a hostile value on any leg is refused by the table and never yields an order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1 }),
        hostile,
        (leg, which, bad) => {
          const t = new QuoteTable(4);
          t.feedOnline = true;
          t.setAllOnline(true);
          const good = [
            [1.0, 1.0001],
            [0.9199, 0.92],
            [99.9, 100],
            [94.0, 94.1],
          ];
          good.forEach(([b, a], i) => t.update(i, b as number, a as number, TS, 1000, 1000, NOW_US));
          const [b, a] = good[leg] as [number, number];
          assert.equal(
            t.update(leg, which === 0 ? bad : b, which === 1 ? bad : a, TS, 1, 1, NOW_US),
            UPDATE_INVALID,
          );
          const meta = buildPairMeta([
            pair('USDT', 'USD'),
            pair('USDT', 'EUR'),
            pair('X', 'USD'),
            pair('X', 'EUR'),
          ]);
          const out = new Float64Array(OPPORTUNITY_FIELDS);
          const code = evaluate(
            t,
            meta,
            0,
            3,
            createEvalParams({ balanceUsd: 1000, balanceEur: 1000 }),
            NOW_US,
            out,
            0,
          );
          assert.equal(code, C.DROP_BAD_QUOTE);
        },
      ),
      { numRuns: 300 },
    );
  });
});
