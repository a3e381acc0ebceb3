/**
 * OpportunityRehearsal: the evaluation's opportunity branch run on a scratch market, so a listener
 * keeps it warm between real opportunities. Each case checks that the branch really runs to a sized
 * opportunity on the listener's own pair metadata, and that nothing of the caller's is written.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpportunityRehearsal } from '../../src/core/opportunity-rehearsal.js';
import { createEvalParams } from '../../src/core/arbitrage.js';
import { DROP_BELOW_ORDERMIN_BUY, EVAL_OPPORTUNITY } from '../../src/core/eval-codes.js';
import { DIR_USD_TO_EUR, readOpportunity } from '../../src/core/opportunity.js';
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
    // The 100-unit cap at an ask of 100, to the coin's 8 lot decimals: a buy of about one unit.
    assert.ok(opp.volume > 0.99 && opp.volume <= 1, `volume ${opp.volume}`);
  });

  test('stays an opportunity run after run as the clock moves (the scratch legs restamped each time)', () => {
    const live = createEvalParams({ nowUs: NOW_US });
    const r = new OpportunityRehearsal(META);
    for (let k = 0; k < 1000; k++) {
      live.nowUs = NOW_US + k * 1000;
      assert.equal(r.run(live), EVAL_OPPORTUNITY, `run ${k}`);
      assert.equal(readOpportunity(r.out, 0).evalNowUs, live.nowUs);
    }
  });

  test("the caller's parameters are only read, whatever its threshold", () => {
    const live = createEvalParams({ nowUs: NOW_US, minRoi: 1.5, balanceUsd: 7, maxOrderValueUsd: 3 });
    const before = { ...live };
    assert.equal(new OpportunityRehearsal(META).run(live), EVAL_OPPORTUNITY);
    assert.deepEqual(live, before);
  });

  test('a coin whose minimum is above the scratch buy still runs the sizing, and says so', () => {
    const big = [pair('BIG', 'USD', { ordermin: 50 }), pair('BIG', 'EUR', { ordermin: 50 })];
    const r = new OpportunityRehearsal(buildPairMeta([...USDT, ...big]));
    assert.equal(r.run(createEvalParams({ nowUs: NOW_US })), DROP_BELOW_ORDERMIN_BUY);
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
