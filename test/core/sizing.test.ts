import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeOrder } from '../../src/core/sizing.js';
import * as C from '../../src/core/eval-codes.js';
import {
  DIR_USD_TO_EUR,
  LIMIT_BALANCE,
  OPP_AMOUNT_IN,
  OPP_BUY_PRICE,
  OPP_LIMITED_BY,
  OPP_SELL_PRICE,
  OPP_VOLUME,
  OPPORTUNITY_FIELDS,
} from '../../src/core/opportunity.js';
import { buildPairMeta } from '../../src/core/pair-meta.js';
import { QuoteTable } from '../../src/core/quote-table.js';
import { pair } from './fixtures.js';

/** Sizing params with the same balance in both currencies and no max order value. */
function sp(takerFee: number, balance: number) {
  return {
    takerFee,
    balanceUsd: balance,
    balanceEur: balance,
    maxOrderValueUsd: Infinity,
    maxOrderValueEur: Infinity,
  };
}

function setup(ask: number, bid: number, lot: number, pairDecimals = 2) {
  const t = new QuoteTable(2);
  t.update(0, ask / 2, ask, 1, 1e9, 1e9, 1);
  t.update(1, bid, bid + 1, 1, 1e9, 1e9, 1);
  const meta = buildPairMeta([
    pair('X', 'USD', { lotDecimals: lot, pairDecimals, ordermin: 0, costmin: 0 }),
    pair('X', 'EUR', { lotDecimals: lot, pairDecimals, ordermin: 0, costmin: 0 }),
  ]);
  return { t, meta, out: new Float64Array(OPPORTUNITY_FIELDS) };
}

describe('sizeOrder', () => {
  // Found by search: balance/price lands exactly on a lot, but volume × price in doubles is one ulp
  // above the balance (86.01 × 367.5 = 31608.675000000003). Naive floor would send it.
  const ulpCases: Array<[number, number, number, number, number]> = [
    // ask, fee, balance, lot, expected volume
    [367.5, 0, 31608.675, 4, 86.0099],
    [280.3, 0, 3727.00895, 4, 13.2964],
  ];
  for (const [ask, fee, balance, lot, want] of ulpCases) {
    test(`cost never exceeds balance by even one ulp: ${ask} × (1+${fee}) with ${balance}`, () => {
      const { t, meta, out } = setup(ask, ask, lot);
      assert.equal(sizeOrder(t, meta, 0, 1, DIR_USD_TO_EUR, sp(fee, balance), out, 0), C.EVAL_OPPORTUNITY);
      assert.equal(out[OPP_VOLUME], want);
      assert.ok((out[OPP_VOLUME] as number) * ask * (1 + fee) <= balance);
      assert.ok((out[OPP_AMOUNT_IN] as number) <= balance);
      assert.equal(out[OPP_LIMITED_BY], LIMIT_BALANCE);
    });
  }

  test('coarser lot decimals of the two legs win', () => {
    const t = new QuoteTable(2);
    t.update(0, 9, 10, 1, 1e9, 1e9, 1);
    t.update(1, 11, 12, 1, 1e9, 1e9, 1);
    const meta = buildPairMeta([
      pair('X', 'USD', { lotDecimals: 8, pairDecimals: 2, ordermin: 0, costmin: 0 }),
      pair('X', 'EUR', { lotDecimals: 3, pairDecimals: 2, ordermin: 0, costmin: 0 }),
    ]);
    const out = new Float64Array(OPPORTUNITY_FIELDS);
    assert.equal(sizeOrder(t, meta, 0, 1, DIR_USD_TO_EUR, sp(0, 12.3456789), out, 0), C.EVAL_OPPORTUNITY);
    assert.equal(out[OPP_VOLUME], 1.234);
  });

  test('off-grid quotes: buy price rounded up, sell price rounded down, to pair decimals', () => {
    const { t, meta, out } = setup(100.123, 99.987, 4, 2);
    sizeOrder(t, meta, 0, 1, DIR_USD_TO_EUR, sp(0, 1000), out, 0);
    assert.equal(out[OPP_BUY_PRICE], 100.13);
    assert.equal(out[OPP_SELL_PRICE], 99.98);
  });

  test('balance of 32,768+ is used in full (docs/design-decisions.md, defect 3: 16-bit saturation)', () => {
    const { t, meta, out } = setup(1, 1, 2);
    sizeOrder(t, meta, 0, 1, DIR_USD_TO_EUR, sp(0, 100_000.55), out, 0);
    assert.equal(out[OPP_VOLUME], 100_000.55);
  });
});
