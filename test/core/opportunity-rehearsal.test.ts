/**
 * OpportunityRehearsal: the evaluation's opportunity branch run on a scratch market, so a listener
 * keeps it warm between real opportunities. Each case checks that the branch really runs to a sized
 * opportunity on the listener's own pair metadata, and that nothing of the caller's is written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OpportunityRehearsal,
  SCENARIOS,
  SCRATCH_LOT_DECIMALS,
  SCRATCH_PAIR_DECIMALS,
} from '../../src/core/opportunity-rehearsal.js';
import { createEvalParams } from '../../src/core/arbitrage.js';
import { DROP_ZERO_VOLUME, EVAL_OPPORTUNITY } from '../../src/core/eval-codes.js';
import {
  DIR_EUR_TO_USD,
  DIR_USD_TO_EUR,
  LIMIT_ASK_VOLUME,
  LIMIT_BALANCE,
  LIMIT_BID_VOLUME,
  LIMIT_MAX_ORDER_VALUE,
  readOpportunity,
} from '../../src/core/opportunity.js';
import { buildPairMeta } from '../../src/core/pair-meta.js';
import { NOW_US, pair } from './fixtures.js';

const USDT = [
  pair('USDT', 'USD', { pairDecimals: 4, lotDecimals: 2, ordermin: 5, costmin: 5 }),
  pair('USDT', 'EUR', { pairDecimals: 4, lotDecimals: 2, ordermin: 5, costmin: 5 }),
];
const ABC = [
  pair('ABC', 'USD', { pairDecimals: 3, lotDecimals: 8, ordermin: 0.01, costmin: 0.5 }),
  pair('ABC', 'EUR', { pairDecimals: 3, lotDecimals: 6, ordermin: 0.01, costmin: 0.5 }),
];
/** A listener's pairs from global index 40 on: its opportunities name global indices. */
const META = buildPairMeta([...USDT, ...ABC], [0, 1, 40, 41]);
/** What each scenario's run returns: an opportunity, but for the one offered less than a lot. */
const expected = (k: number): number =>
  (SCENARIOS[k]?.askVolume ?? 0) < 1e-8 ? DROP_ZERO_VOLUME : EVAL_OPPORTUNITY;

describe('OpportunityRehearsal', () => {
  test("runs the branch to a sized USD→EUR opportunity on the first coin, stamped with the caller's clock and fee", () => {
    const live = createEvalParams({ nowUs: NOW_US, takerFee: 0.0026 });
    const r = new OpportunityRehearsal(META);
    assert.equal(r.run(live), EVAL_OPPORTUNITY);
    const opp = readOpportunity(r.out, 0);
    assert.equal(opp.direction, DIR_USD_TO_EUR);
    assert.equal(opp.buyPair, 40);
    assert.equal(opp.sellPair, 41);
    assert.equal(opp.evalNowUs, NOW_US);
    assert.equal(opp.triggerRecvUs, NOW_US);
    assert.equal(opp.fee, 0.0026);
    assert.ok(opp.roi > 1.02 && opp.roi < 1.03, `roi ${opp.roi}`);
    // The 100-unit cap at an ask of 100, to the scratch lot decimals: a buy of about one unit.
    assert.ok(opp.volume > 0.99 && opp.volume <= 1, `volume ${opp.volume}`);
  });

  test('cycles through both directions, every pair kind as the trigger, each limit binding, volumes from under one lot to lot counts past 2^31, and prices past it', () => {
    const live = createEvalParams({ nowUs: NOW_US, takerFee: 0.0026 });
    const r = new OpportunityRehearsal(META);
    const seen = { directions: new Set<number>(), limits: new Set<number>(), triggers: new Set<number>() };
    const volumes: number[] = [];
    const prices: number[] = [];
    for (let k = 0; k < SCENARIOS.length; k++) {
      const code = r.run(live);
      assert.equal(code, expected(k), `scenario ${k}`);
      if (code !== EVAL_OPPORTUNITY) continue;
      const opp = readOpportunity(r.out, 0);
      assert.equal(opp.direction, SCENARIOS[k]?.direction, `scenario ${k}`);
      // Global indices: USDT/USD 0, the coin's USD pair 40, its EUR pair 41.
      const [buy, sell] = opp.direction === DIR_USD_TO_EUR ? [40, 41] : [41, 40];
      assert.deepEqual([opp.buyPair, opp.sellPair], [buy, sell], `scenario ${k}`);
      assert.ok(opp.roi > 1.02 && opp.roi < 1.09, `scenario ${k}: roi ${opp.roi}`);
      seen.directions.add(opp.direction);
      seen.limits.add(opp.limitedBy);
      seen.triggers.add(opp.triggerPair);
      volumes.push(opp.volume);
      prices.push(opp.buyPrice);
    }
    assert.deepEqual([...seen.directions].sort(), [DIR_USD_TO_EUR, DIR_EUR_TO_USD].sort());
    assert.deepEqual(
      [...seen.limits].sort(),
      [LIMIT_BALANCE, LIMIT_MAX_ORDER_VALUE, LIMIT_ASK_VOLUME, LIMIT_BID_VOLUME].sort(),
    );
    assert.deepEqual([...seen.triggers].sort(), [0, 40, 41]);
    // Grid integers at the scratch decimals past the int32 range, for a volume and for a price; and
    // a volume under one unit.
    const lot = 10 ** SCRATCH_LOT_DECIMALS;
    const tick = 10 ** SCRATCH_PAIR_DECIMALS;
    assert.ok(
      volumes.some((v) => v * lot > 2 ** 31),
      `volumes ${volumes.join(', ')}`,
    );
    assert.ok(
      prices.some((p) => p * tick > 2 ** 31),
      `prices ${prices.join(', ')}`,
    );
    assert.ok(
      volumes.some((v) => v < 1),
      `volumes ${volumes.join(', ')}`,
    );
    // And one scenario was refused by the sizing (its code asserted above): offered less than a lot.
    assert.ok(SCENARIOS.some((_, k) => expected(k) === DROP_ZERO_VOLUME));
    // Then the cycle starts again.
    r.run(live);
    assert.equal(readOpportunity(r.out, 0).direction, SCENARIOS[0]?.direction);
  });

  test('gives the same codes run after run as the clock moves (the scratch legs restamped each time)', () => {
    const live = createEvalParams({ nowUs: NOW_US });
    const r = new OpportunityRehearsal(META);
    for (let k = 0; k < 1000; k++) {
      live.nowUs = NOW_US + k * 1000;
      assert.equal(r.run(live), expected(k % SCENARIOS.length), `run ${k}`);
      assert.equal(readOpportunity(r.out, 0).evalNowUs, live.nowUs);
    }
  });

  test("the caller's parameters are only read, whatever its threshold", () => {
    const live = createEvalParams({ nowUs: NOW_US, minRoi: 1.5, balanceUsd: 7, maxOrderValueUsd: 3 });
    const before = { ...live };
    assert.equal(new OpportunityRehearsal(META).run(live), EVAL_OPPORTUNITY);
    assert.deepEqual(live, before);
  });

  test("the last scenario's ask, bid and volume are where the grid rounding's corrections run", () => {
    const live = createEvalParams({ nowUs: NOW_US });
    const r = new OpportunityRehearsal(META);
    for (let k = 0; k < SCENARIOS.length - 1; k++) r.run(live);
    assert.equal(r.run(live), EVAL_OPPORTUNITY);
    const opp = readOpportunity(r.out, 0);
    const price = 10 ** SCRATCH_PAIR_DECIMALS;
    const lot = 10 ** SCRATCH_LOT_DECIMALS;
    // The naive rounding is one step off each time; the rounded values are the quoted ones.
    assert.equal(Math.ceil(opp.buyPrice * price), 12803);
    assert.equal(opp.buyPrice, 128.02);
    assert.equal(Math.floor(opp.sellPrice * price), 12813);
    assert.equal(opp.sellPrice, 128.14);
    assert.equal(Math.floor(opp.volume * lot), 2);
    assert.equal(opp.volume, 3e-8);
  });

  test("the scratch coin has decimals and minimums of its own: a listener whose first coin's minimum is above every scenario's size still rehearses opportunities on that coin's pairs", () => {
    const big = [pair('BIG', 'USD', { ordermin: 1e12 }), pair('BIG', 'EUR', { ordermin: 1e12 })];
    const r = new OpportunityRehearsal(buildPairMeta([...USDT, ...big], [0, 1, 7, 8]));
    for (let k = 0; k < SCENARIOS.length; k++) {
      const code = r.run(createEvalParams({ nowUs: NOW_US }));
      assert.equal(code, expected(k), `scenario ${k}`);
      if (code !== EVAL_OPPORTUNITY) continue;
      const opp = readOpportunity(r.out, 0);
      assert.deepEqual([opp.buyPair, opp.sellPair].sort(), [7, 8], `scenario ${k}`);
    }
  });

  test('a listener without a coin: not usable, and run does nothing', () => {
    const r = new OpportunityRehearsal(buildPairMeta(USDT));
    assert.equal(r.usable, false);
    assert.equal(r.run(createEvalParams({ nowUs: NOW_US })), -1);
    assert.equal(
      r.out.every((v) => v === 0),
      true,
    );
  });
});
