/**
 * Listener.onSpread, the hot path's per-update step, over real shared memory: each case feeds
 * spread updates and asserts, through the listener's counter row and the slot, exactly what the
 * step did (which counters moved, whether an opportunity reached the slot).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Listener, MAX_BALANCE_AGE_US, type ListenerStrategy } from '../../src/engine/listener.js';
import {
  BAL_EUR,
  BAL_USD,
  BALANCE_FIELDS,
  createSharedState,
  type SharedState,
} from '../../src/engine/shared/shared-state.js';
import {
  CTR_DROP_BALANCE_UNAVAILABLE,
  CTR_DROP_PAIR_NOT_ONLINE,
  CTR_DROP_SLOT_FULL,
  CTR_DROP_TRADER_BUSY,
  CTR_DROP_TRADING_DISABLED,
  CTR_FIXED_COLUMNS,
  CTR_FUTURE_TIMESTAMP,
  CTR_MALFORMED,
  CTR_OPP_USD_TO_EUR,
  CTR_OUT_OF_ORDER,
  CTR_PUBLISHED,
  CTR_UPDATES,
} from '../../src/engine/shared/shared-counters.js';
import { EVAL_CODE_COUNT, EVAL_OPPORTUNITY } from '../../src/core/eval-codes.js';
import { DIR_USD_TO_EUR, OPPORTUNITY_FIELDS, readOpportunity } from '../../src/core/opportunity.js';
import type { ListenerPairs } from '../../src/core/pair-universe.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
  QUOTE_FIELDS,
  QUOTE_RECV_US,
} from '../../src/core/quote-layout.js';
import { NOW_US, pair, TS } from '../core/fixtures.js';

const PAIRS: ListenerPairs = {
  listenerIndex: 0,
  firstCoin: 0,
  coinCount: 1,
  pairs: [
    pair('USDT', 'USD', { pairDecimals: 4, lotDecimals: 2, ordermin: 5, costmin: 5 }),
    pair('USDT', 'EUR', { pairDecimals: 4, lotDecimals: 2, ordermin: 5, costmin: 5 }),
    pair('ABC', 'USD', { pairDecimals: 3, lotDecimals: 8, ordermin: 0.01, costmin: 0.5 }),
    pair('ABC', 'EUR', { pairDecimals: 3, lotDecimals: 6, ordermin: 0.01, costmin: 0.5 }),
  ],
  localToGlobal: [0, 1, 2, 3],
};
const ABC_EUR = 3;
/** Not 0, so the counter row and the opportunity's listener field are this listener's own. */
const LISTENER = 1;
const STRATEGY: ListenerStrategy = {
  minRoi: 1,
  maxLocalAgeMs: 60_000,
  maxExchangeAgeMs: 60_000,
  maxOrderValue: 1000,
};

/** Counter columns by name, so a failure shows which counter moved. */
const COLUMNS: Record<string, number> = {
  updates: CTR_UPDATES,
  malformed: CTR_MALFORMED,
  outOfOrder: CTR_OUT_OF_ORDER,
  futureTimestamp: CTR_FUTURE_TIMESTAMP,
  oppUsdToEur: CTR_OPP_USD_TO_EUR,
  published: CTR_PUBLISHED,
  dropSlotFull: CTR_DROP_SLOT_FULL,
  dropTraderBusy: CTR_DROP_TRADER_BUSY,
  dropTradingDisabled: CTR_DROP_TRADING_DISABLED,
  dropBalanceUnavailable: CTR_DROP_BALANCE_UNAVAILABLE,
  dropPairNotOnline: CTR_DROP_PAIR_NOT_ONLINE,
  evalOpportunity: CTR_FIXED_COLUMNS + EVAL_OPPORTUNITY,
};

interface Rig {
  shared: SharedState;
  listener: Listener;
  /** Feeds one update for local pair `i`; returns the counters it moved (name → delta). */
  send(i: number, bid: number, ask: number, exchTs?: number): Record<string, number>;
  /** Feeds the four legs of a clear USD→EUR dislocation; returns the counters the last leg moved. */
  sendDislocation(): Record<string, number>;
}

/** A listener ready to trade: fresh balances and fees, trading on, every pair tradable and online. */
function rig(balancesAtUs = NOW_US): Rig {
  const shared = createSharedState({
    listeners: 2,
    opportunityFields: OPPORTUNITY_FIELDS,
    evalCodes: EVAL_CODE_COUNT,
    pairs: PAIRS.pairs.length,
  });
  for (const g of PAIRS.localToGlobal) shared.setPairTradable(g, true);
  const balances = new Float64Array(BALANCE_FIELDS);
  balances[BAL_USD] = 1000;
  balances[BAL_EUR] = 1000;
  shared.balances.write(balances, balancesAtUs);
  shared.fees.write(Float64Array.of(0.004, 0.002), NOW_US);
  shared.setTradingEnabled(true);
  const listener = new Listener(LISTENER, PAIRS, shared, STRATEGY, null, () => NOW_US);
  listener.setFeedOnline(true);
  for (let i = 0; i < PAIRS.pairs.length; i++) listener.setPairOnline(i, true);
  const row = shared.counters.row(LISTENER);
  const out = new Float64Array(QUOTE_FIELDS);
  const send = (i: number, bid: number, ask: number, exchTs = TS): Record<string, number> => {
    const before = Float64Array.from(row);
    out[QUOTE_BID] = bid;
    out[QUOTE_ASK] = ask;
    out[QUOTE_EXCH_TS] = exchTs;
    out[QUOTE_BID_VOL] = 1000;
    out[QUOTE_ASK_VOL] = 1000;
    out[QUOTE_RECV_US] = NOW_US;
    listener.onSpread(i, out);
    const moved: Record<string, number> = {};
    row.forEach((v, c) => {
      if (v === before[c]) return;
      const name = Object.keys(COLUMNS).find((k) => COLUMNS[k] === c) ?? `column${c}`;
      moved[name] = v - (before[c] as number);
    });
    return moved;
  };
  const sendDislocation = (): Record<string, number> => {
    send(0, 1.0, 1.0001);
    send(1, 0.9199, 0.92);
    send(2, 99.9, 100.0);
    return send(ABC_EUR, 94.0, 94.1);
  };
  return { shared, listener, send, sendDislocation };
}

/** What the step counts when it finds the USD→EUR opportunity, before the drop checks. */
const FOUND = { updates: 1, evalOpportunity: 1, oppUsdToEur: 1 };

describe('Listener.onSpread: the update', () => {
  test('accepted: counted as an update, stored, and the frame time published; USDT legs are not evaluated', () => {
    const { shared, listener, send } = rig();
    assert.deepEqual(send(0, 1.0, 1.0001), { updates: 1 });
    assert.equal(listener.table.valid[0], 1);
    assert.equal(listener.table.bid[0], 1.0);
    assert.equal(shared.lastFrameUs(LISTENER), NOW_US);
  });

  test('stale (older Kraken timestamp than the stored one): counted out of order, not stored', () => {
    const { listener, send } = rig();
    send(2, 99.9, 100.0, TS);
    assert.deepEqual(send(2, 98, 99, TS - 1), { outOfOrder: 1 });
    assert.equal(listener.table.bid[2], 99.9);
  });

  test('future-dated beyond the allowed clock skew: counted as a future timestamp, not stored', () => {
    const { listener, send } = rig();
    assert.deepEqual(send(2, 99.9, 100.0, TS + 3600), { futureTimestamp: 1 });
    assert.equal(listener.table.valid[2], 0);
  });

  test('crossed (bid ≥ ask): counted malformed, the pair marked invalid', () => {
    const { listener, send } = rig();
    send(2, 99.9, 100.0);
    assert.deepEqual(send(2, 100.0, 99.9, TS + 1), { malformed: 1 });
    assert.equal(listener.table.valid[2], 0);
  });

  test('a pair index outside the table: counted malformed', () => {
    const { send } = rig();
    assert.deepEqual(send(PAIRS.pairs.length, 99.9, 100.0), { malformed: 1 });
  });
});

describe('Listener.onSpread: the opportunity', () => {
  test('published: counted and written to the slot with this listener and sequence 1', () => {
    const { shared, sendDislocation } = rig();
    assert.deepEqual(sendDislocation(), { ...FOUND, published: 1 });
    const got = new Float64Array(OPPORTUNITY_FIELDS);
    assert.ok(shared.slot.tryTake(got));
    const opp = readOpportunity(got, 0);
    assert.equal(opp.direction, DIR_USD_TO_EUR);
    assert.equal(opp.buyPair, 2);
    assert.equal(opp.sellPair, ABC_EUR);
    assert.equal(opp.seq, 1);
    assert.equal(opp.listener, LISTENER);
  });

  test('balances older than MAX_BALANCE_AGE_US: dropped as balance unavailable, slot stays empty', () => {
    const { shared, sendDislocation } = rig(NOW_US - MAX_BALANCE_AGE_US - 1);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropBalanceUnavailable: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('trading disabled: dropped as trading disabled', () => {
    const { shared, sendDislocation } = rig();
    shared.setTradingEnabled(false);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropTradingDisabled: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('a leg not tradable on the exchange: dropped as pair not online', () => {
    const { shared, sendDislocation } = rig();
    shared.setPairTradable(ABC_EUR, false);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropPairNotOnline: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('trader busy: dropped as trader busy', () => {
    const { shared, sendDislocation } = rig();
    shared.setTraderBusy(true);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropTraderBusy: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('slot still full from the previous opportunity: dropped as slot full, the first one kept', () => {
    const { shared, send, sendDislocation } = rig();
    sendDislocation();
    assert.deepEqual(send(ABC_EUR, 94.0, 94.1, TS + 0.001), { ...FOUND, dropSlotFull: 1 });
    const got = new Float64Array(OPPORTUNITY_FIELDS);
    assert.ok(shared.slot.tryTake(got));
    assert.equal(readOpportunity(got, 0).seq, 1);
  });
});
