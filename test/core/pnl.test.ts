import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computePnl, pnlOfTrade } from '../../src/core/pnl.js';
import { roiUsdToEur } from '../../src/core/arbitrage.js';
import { DIR_EUR_TO_USD, DIR_USD_TO_EUR } from '../../src/core/opportunity.js';
import { createTrade, transition } from '../../src/core/trade-state.js';
import { type TradeEvent, type TradeState } from '../../src/core/trade-types.js';

const Q = { usdtUsdBid: 1.0, usdtUsdAsk: 1.0002, usdtEurBid: 0.9199, usdtEurAsk: 0.9201, stableFee: 0.002 };
const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

describe('computePnl', () => {
  test('USD→EUR: spend USD, receive EUR, valued at USDT mids', () => {
    const p = computePnl({
      ...Q,
      direction: DIR_USD_TO_EUR,
      buy: { volume: 10, cost: 1000, fee: 4 },
      sold: { volume: 10, cost: 940, fee: 3.76 },
    });
    assert.equal(p.spentCurrency, 'USD');
    assert.equal(p.receivedCurrency, 'EUR');
    assert.equal(p.spent, 1004);
    assert.equal(p.received, 936.24);
    const eurUsd = (1.0 + 1.0002) / (0.9199 + 0.9201);
    close(p.eurUsd, eurUsd);
    close(p.pnlUsd, 936.24 * eurUsd - 1004);
    close(p.pnlEur, p.pnlUsd / eurUsd);
    close(p.receivedConverted, (936.24 / (0.9201 * 1.002)) * 1.0 * 0.998);
    close(p.realizedRoi, p.receivedConverted / 1004);
    assert.equal(p.unsoldVolume, 0);
  });

  test('EUR→USD mirrors it', () => {
    const p = computePnl({
      ...Q,
      direction: DIR_EUR_TO_USD,
      buy: { volume: 1, cost: 92, fee: 0 },
      sold: { volume: 1, cost: 105, fee: 0 },
    });
    assert.equal(p.spentCurrency, 'EUR');
    const eurUsd = (1.0 + 1.0002) / (0.9199 + 0.9201);
    close(p.pnlUsd, 105 - 92 * eurUsd);
    close(p.receivedConverted, (105 / (1.0002 * 1.002)) * 0.9199 * 0.998);
  });

  test('with a zero stable fee the realized roi equals the evaluation roi at the same prices', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        (ask, ratio, f) => {
          const bid = ask * ratio; // X/EUR bid
          const q = { usdtUsdBid: 1, usdtUsdAsk: 1.001, usdtEurBid: 0.92, usdtEurAsk: 0.921, stableFee: 0 };
          const p = computePnl({
            ...q,
            direction: DIR_USD_TO_EUR,
            buy: { volume: 1, cost: ask, fee: ask * f },
            sold: { volume: 1, cost: bid, fee: bid * f },
          });
          close(p.realizedRoi, roiUsdToEur(ask, bid, q.usdtUsdBid, q.usdtEurAsk, f), 1e-12);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('stranded volume is reported, not valued', () => {
    const p = computePnl({
      ...Q,
      direction: DIR_USD_TO_EUR,
      buy: { volume: 2, cost: 200, fee: 0 },
      sold: { volume: 1.5, cost: 140, fee: 0 },
    });
    assert.equal(p.unsoldVolume, 0.5);
  });

  test('nothing spent → realizedRoi is NaN, not a division by zero surprise', () => {
    const zero = { volume: 0, cost: 0, fee: 0 };
    assert.ok(
      Number.isNaN(computePnl({ ...Q, direction: DIR_USD_TO_EUR, buy: zero, sold: zero }).realizedRoi),
    );
  });
});

describe('pnlOfTrade', () => {
  test('reads buy and all sell orders from a finished trade', () => {
    let s: TradeState = createTrade({
      buyLotDecimals: 8,
      sellLotDecimals: 8,
      sellOrdermin: 0.01,
      sellCostmin: 0,
      sellPriceEstimate: 1,
      maxSellAttempts: 3,
    });
    const events: TradeEvent[] = [
      { type: 'buy-sent', volume: 2, price: 100 },
      { type: 'fill', volume: 2, price: 100, fee: 0.8 },
      { type: 'order-closed' },
      { type: 'sell-sent', volume: 2 },
      { type: 'sell-fill', volume: 1, price: 94, fee: 0.1 },
      { type: 'sell-closed' },
      { type: 'sell-sent', volume: 1 },
      { type: 'sell-fill', volume: 1, price: 93, fee: 0.1 },
      { type: 'sell-closed' },
    ];
    for (const e of events) {
      const r = transition(s, e);
      assert.ok(r.ok);
      s = r.state;
    }
    assert.equal(s.phase, 'sold');
    const p = pnlOfTrade(s, DIR_USD_TO_EUR, Q);
    assert.equal(p.spent, 200.8);
    close(p.received, 187 - 0.2);
  });
});
