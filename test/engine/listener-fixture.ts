/**
 * A Listener over real shared memory, ready to trade (fresh balances and fees, trading on, every
 * pair tradable and online), fed spread updates by hand; what each update moved is read back from
 * the listener's counter row by name.
 */
import { Listener, type ListenerStrategy } from '../../src/engine/listener.js';
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
import { DROP_STALE_LOCAL, EVAL_CODE_COUNT, EVAL_OPPORTUNITY } from '../../src/core/eval-codes.js';
import { OPPORTUNITY_FIELDS } from '../../src/core/opportunity.js';
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
import type { MetricsRecorder } from '../../src/metrics/recorder.js';

export const PAIRS: ListenerPairs = {
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
export const ABC_EUR = 3;
/** Not 0, so the counter row and the opportunity's listener field are this listener's own. */
export const LISTENER = 1;
export const STRATEGY: ListenerStrategy = {
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
  staleLocal: CTR_FIXED_COLUMNS + DROP_STALE_LOCAL,
};

export interface Rig {
  shared: SharedState;
  listener: Listener;
  /** Feeds one update for local pair `i`; returns the counters it moved (name → delta). */
  send(i: number, bid: number, ask: number, exchTs?: number): Record<string, number>;
  /** Feeds the four legs of a clear USD→EUR dislocation; returns the counters the last leg moved. */
  sendDislocation(): Record<string, number>;
}

/** A listener ready to trade: fresh balances and fees, trading on, every pair tradable and online. */
export function rig(
  balancesAtUs = NOW_US,
  recorder: MetricsRecorder | null = null,
  nowUs: () => number = () => NOW_US,
): Rig {
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
  shared.setTraderTaking(true);
  const listener = new Listener(LISTENER, PAIRS, shared, STRATEGY, recorder, nowUs);
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
export const FOUND = { updates: 1, evalOpportunity: 1, oppUsdToEur: 1 };
