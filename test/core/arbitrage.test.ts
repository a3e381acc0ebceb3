import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createEvalParams,
  evaluate,
  feeFactor,
  roiEurToUsd,
  roiUsdToEur,
  type EvalParams,
} from '../../src/core/arbitrage.js';
import * as C from '../../src/core/eval-codes.js';
import {
  DIR_EUR_TO_USD,
  DIR_USD_TO_EUR,
  LIMIT_ASK_VOLUME,
  LIMIT_BALANCE,
  LIMIT_MAX_ORDER_VALUE,
  OPPORTUNITY_FIELDS,
  readOpportunity,
  stampOpportunity,
} from '../../src/core/opportunity.js';
import { buildPairMeta } from '../../src/core/pair-meta.js';
import { dislocatedUsdToEur, market, NOW_US, pair, TS, type Market } from './fixtures.js';

const OUT_OFF = 3; // a non-zero offset proves evaluate honours it
function run(m: Market, p: Partial<EvalParams> = {}, trigger = 3, now = NOW_US) {
  const out = new Float64Array(OUT_OFF + OPPORTUNITY_FIELDS).fill(-7);
  const params = createEvalParams({ balanceUsd: 1000, balanceEur: 1000, ...p });
  const code = evaluate(m.table, m.meta, 0, trigger, params, now, out, OUT_OFF);
  return { code, out, opp: code === C.EVAL_NONE ? undefined : readOpportunity(out, OUT_OFF) };
}

describe('roi formulas', () => {
  test("match the original system's formula by hand", () => {
    const k = 0.996 / 1.004;
    assert.equal(feeFactor(0.004), k);
    assert.ok(Math.abs(roiUsdToEur(100, 94, 1, 0.92, 0.004) - ((94 * 1) / (100 * 0.92)) * k) < 1e-15);
    assert.ok(
      Math.abs(roiEurToUsd(94.1, 99.9, 0.9199, 1.0001, 0.004) - ((99.9 * 0.9199) / (94.1 * 1.0001)) * k) <
        1e-15,
    );
  });
});

describe('evaluate: opportunities', () => {
  test('USD→EUR dislocation: buy X/USD at the ask, sell X/EUR, sized by balance incl. fee, floored to the coarser lot', () => {
    const { code, opp } = run(dislocatedUsdToEur());
    assert.equal(code, C.EVAL_OPPORTUNITY);
    assert.ok(opp);
    assert.equal(opp.direction, DIR_USD_TO_EUR);
    assert.equal(opp.buyPair, 2);
    assert.equal(opp.sellPair, 3);
    assert.equal(opp.coin, 0);
    assert.equal(opp.buyPrice, 100);
    assert.equal(opp.sellPrice, 94);
    assert.equal(opp.limitedBy, LIMIT_BALANCE);
    assert.equal(opp.rawVolume, 1000 / (100 * 1.004));
    assert.equal(opp.volume, 9.960159); // 9.9601593625... floored at min(8, 6) = 6 decimals
    assert.ok(opp.amountIn <= 1000);
    assert.equal(opp.code, C.EVAL_OPPORTUNITY);
    assert.equal(opp.roi, roiUsdToEur(100, 94, 1, 0.92, 0.004));
    assert.equal(opp.triggerPair, 3);
    assert.equal(opp.triggerExchTs, TS);
    assert.equal(opp.triggerRecvUs, NOW_US);
    assert.equal(opp.evalNowUs, NOW_US);
    assert.deepEqual(opp.usdtEur, { bid: 0.9199, ask: 0.92, bidVol: 1000, askVol: 1000 });
  });

  test('EUR→USD dislocation picks direction 1', () => {
    const m = market({
      uu: { bid: 1.0, ask: 1.0001 },
      ue: { bid: 0.92, ask: 0.9201 },
      xu: { bid: 105, ask: 105.1 },
      xe: { bid: 91.9, ask: 92.0 },
    });
    const { code, opp } = run(m, {}, 2);
    assert.equal(code, C.EVAL_OPPORTUNITY);
    assert.equal(opp?.direction, DIR_EUR_TO_USD);
    assert.equal(opp?.buyPair, 3);
    assert.equal(opp?.sellPair, 2);
    assert.equal(opp?.volume, 10.82626); // 1000 / (92 × 1.004) = 10.8262601...
  });

  test('consistent market: none, and out is not written', () => {
    const m = market({
      uu: { bid: 1.0, ask: 1.0001 },
      ue: { bid: 0.9199, ask: 0.92 },
      xu: { bid: 99.9, ask: 100.0 },
      xe: { bid: 91.9, ask: 92.0 },
    });
    const { code, out } = run(m);
    assert.equal(code, C.EVAL_NONE);
    assert.ok(out.every((v) => v === -7));
  });

  test('roi must be strictly above minRoi', () => {
    const m = dislocatedUsdToEur();
    const roi = roiUsdToEur(100, 94, 1, 0.92, 0.004);
    assert.equal(run(m, { minRoi: roi }).code, C.EVAL_NONE);
    assert.equal(run(m, { minRoi: roi - 1e-9 }).code, C.EVAL_OPPORTUNITY);
  });

  test('max order value caps the notional in the spending currency', () => {
    const { code, opp } = run(dislocatedUsdToEur(), { maxOrderValueUsd: 500 });
    assert.equal(code, C.EVAL_OPPORTUNITY);
    assert.equal(opp?.limitedBy, LIMIT_MAX_ORDER_VALUE);
    assert.equal(opp?.volume, 5);
  });

  test('top-of-book volume caps the order', () => {
    const m = dislocatedUsdToEur();
    m.table.update(2, 99.9, 100, TS, 1000, 0.123456789, NOW_US);
    const { opp } = run(m, {}, 2);
    assert.equal(opp?.limitedBy, LIMIT_ASK_VOLUME);
    assert.equal(opp?.volume, 0.123456);
  });

  test('stamp writes seq, evaluation-done time and listener', () => {
    const { out } = run(dislocatedUsdToEur());
    stampOpportunity(out, OUT_OFF, 42, NOW_US + 3, 5);
    const o = readOpportunity(out, OUT_OFF);
    assert.deepEqual([o.seq, o.evalDoneUs, o.listener], [42, NOW_US + 3, 5]);
    assert.throws(() => readOpportunity(out, 10), /E_OPP_BOUNDS/);
  });
});

describe('evaluate: every drop reason', () => {
  test('pair offline / feed offline', () => {
    const m = dislocatedUsdToEur();
    m.table.setOnline(1, false);
    assert.equal(run(m).code, C.DROP_PAIR_OFFLINE);
    const m2 = dislocatedUsdToEur();
    m2.table.feedOnline = false;
    assert.equal(run(m2).code, C.DROP_PAIR_OFFLINE);
  });

  for (const [name, args] of [
    ['NaN', [NaN, 94.1]],
    ['Infinity', [94, Infinity]],
    ['negative', [-94, 94.1]],
    ['zero', [0, 94.1]],
    ['crossed', [95, 94.1]],
  ] as Array<[string, [number, number]]>) {
    test(`bad quote: ${name} on a leg`, () => {
      const m = dislocatedUsdToEur();
      m.table.update(3, args[0], args[1], TS, 1, 1, NOW_US);
      assert.equal(run(m).code, C.DROP_BAD_QUOTE);
    });
  }

  test('no quote yet on a leg', () => {
    const m = dislocatedUsdToEur();
    m.table.valid[0] = 0;
    assert.equal(run(m).code, C.DROP_BAD_QUOTE);
  });

  test('stale local: age > maxLocalAgeUs (exactly max is fresh); payload still written', () => {
    const m = dislocatedUsdToEur();
    assert.equal(run(m, { maxLocalAgeUs: 1500 }, 3, NOW_US + 1500).code, C.EVAL_OPPORTUNITY);
    const r = run(m, { maxLocalAgeUs: 1500 }, 3, NOW_US + 1501);
    assert.equal(r.code, C.DROP_STALE_LOCAL);
    assert.equal(r.opp?.code, C.DROP_STALE_LOCAL);
    assert.ok((r.opp?.roi ?? 0) > 1);
  });

  test('stale exchange: oldest other leg too far behind the trigger in Kraken time (no local clock involved)', () => {
    const m = dislocatedUsdToEur();
    m.table.update(3, 94.0, 94.1, TS + 0.011, 1000, 1000, NOW_US); // trigger 11 ms after the others
    assert.equal(run(m, { maxExchangeAgeMs: 10 }).code, C.DROP_STALE_EXCHANGE);
    assert.equal(run(m, { maxExchangeAgeMs: 12 }).code, C.EVAL_OPPORTUNITY);
    // A local clock far from Kraken's changes nothing (docs/design-decisions.md, defect 4).
    assert.equal(run(m, { maxExchangeAgeMs: 12 }, 3, NOW_US).code, C.EVAL_OPPORTUNITY);
  });

  test('balance too small', () => {
    assert.equal(run(dislocatedUsdToEur(), { balanceUsd: 0 }).code, C.DROP_BALANCE_TOO_SMALL);
    assert.equal(run(dislocatedUsdToEur(), { balanceUsd: NaN }).code, C.DROP_BALANCE_TOO_SMALL);
    assert.equal(run(dislocatedUsdToEur(), { balanceUsd: 0.00001 }).code, C.DROP_BALANCE_TOO_SMALL);
  });

  test('zero volume (spread without volumes)', () => {
    const m = dislocatedUsdToEur();
    m.table.update(2, 99.9, 100, TS, NaN, NaN, NOW_US);
    assert.equal(run(m, {}, 2).code, C.DROP_ZERO_VOLUME);
  });

  function withMeta(over: { usd?: object; eur?: object }): Market {
    const m = dislocatedUsdToEur();
    const ps = [
      pair('USDT', 'USD', { pairDecimals: 4, lotDecimals: 2 }),
      pair('USDT', 'EUR', { pairDecimals: 4, lotDecimals: 2 }),
      pair('ABC', 'USD', { pairDecimals: 3, lotDecimals: 8, ordermin: 0.01, costmin: 0.5, ...over.usd }),
      pair('ABC', 'EUR', { pairDecimals: 3, lotDecimals: 6, ordermin: 0.01, costmin: 0.5, ...over.eur }),
    ];
    return { table: m.table, meta: buildPairMeta(ps) };
  }

  test('ordermin on each leg', () => {
    assert.equal(run(withMeta({ usd: { ordermin: 10 } })).code, C.DROP_BELOW_ORDERMIN_BUY);
    assert.equal(run(withMeta({ eur: { ordermin: 10 } })).code, C.DROP_BELOW_ORDERMIN_SELL);
    assert.equal(
      run(withMeta({ eur: { ordermin: 9.960159 } })).code,
      C.EVAL_OPPORTUNITY,
      'volume = ordermin passes',
    );
  });

  test('costmin on each leg as volume × price (defect 1)', () => {
    // 9.960159 × 100 = 996.0159 bought; × 94 = 936.25 sold.
    assert.equal(run(withMeta({ usd: { costmin: 1000 } })).code, C.DROP_BELOW_COSTMIN_BUY);
    assert.equal(run(withMeta({ eur: { costmin: 950 } })).code, C.DROP_BELOW_COSTMIN_SELL);
    // An expensive coin with a small costmin passes (the original system compared volume with costmin × price and blocked it).
    assert.equal(run(withMeta({ usd: { costmin: 900 }, eur: { costmin: 900 } })).code, C.EVAL_OPPORTUNITY);
  });

  test('bad params', () => {
    const m = dislocatedUsdToEur();
    const out = new Float64Array(OPPORTUNITY_FIELDS);
    const p = createEvalParams({ balanceUsd: 1000 });
    assert.equal(evaluate(m.table, m.meta, -1, 3, p, NOW_US, out, 0), C.DROP_BAD_PARAMS);
    assert.equal(evaluate(m.table, m.meta, 1, 3, p, NOW_US, out, 0), C.DROP_BAD_PARAMS);
    assert.equal(evaluate(m.table, m.meta, 0.5, 3, p, NOW_US, out, 0), C.DROP_BAD_PARAMS);
    assert.equal(evaluate(m.table, m.meta, 0, 9, p, NOW_US, out, 0), C.DROP_BAD_PARAMS);
    for (const takerFee of [NaN, -0.001, 1, Infinity]) {
      assert.equal(evaluate(m.table, m.meta, 0, 3, { ...p, takerFee }, NOW_US, out, 0), C.DROP_BAD_PARAMS);
    }
    assert.equal(
      evaluate(m.table, m.meta, 0, 3, { ...p, maxOrderValueUsd: NaN }, NOW_US, out, 0),
      C.DROP_BAD_PARAMS,
    );
    assert.equal(evaluate(m.table, m.meta, 0, 3, { ...p, minRoi: NaN }, NOW_US, out, 0), C.DROP_BAD_PARAMS);
  });

  test('every code has a name', () => {
    for (let c = 0; c < C.EVAL_CODE_COUNT; c++) assert.notEqual(C.evalCodeName(c), 'unknown');
    assert.equal(C.evalCodeName(99), 'unknown');
  });
});
