/** A Trader's options for unit tests: the shipped-like defaults, and what a test changes. */
import type { TraderOptions } from '../../../src/engine/trade/trader.js';
import { createSharedState, type SharedState } from '../../../src/engine/shared/shared-state.js';
import {
  DIR_USD_TO_EUR,
  OPPORTUNITY_FIELDS,
  OPP_BUY_PAIR,
  OPP_BUY_PRICE,
  OPP_DIRECTION,
  OPP_EVAL_DONE_US,
  OPP_PUBLISHED_US,
  OPP_FEE,
  OPP_SELL_PAIR,
  OPP_SELL_PRICE,
  OPP_SEQ,
  OPP_TRIGGER_RECV_US,
  OPP_VOLUME,
} from '../../../src/core/opportunity.js';
import type { Trader } from '../../../src/engine/trade/trader.js';
import { initialRisk } from '../../../src/core/risk-limits.js';
import type { Logger } from '../../../src/log/logger.js';
import type { TradeDeps } from '../../../src/engine/trade/trade-runner.js';
import type { OrderEntry } from '../../../src/engine/trade/order-entry.js';
import { OrderTracker } from '../../../src/engine/trade/order-tracker.js';

export const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

/** Shared state for one listener and four pairs, trading switched on. */
export function tradingSharedState(): SharedState {
  const shared = createSharedState({
    listeners: 1,
    opportunityFields: OPPORTUNITY_FIELDS,
    evalCodes: 0,
    pairs: 4,
  });
  shared.setTradingEnabled(true);
  return shared;
}

export function traderOptions(shared: SharedState, changes: Partial<TraderOptions> = {}): TraderOptions {
  return {
    mode: 'trade',
    shared,
    pairs: [],
    deps: null,
    log: silent,
    alert: () => undefined,
    onOutcome: () => undefined,
    fillTimeoutMs: 1000,
    orderDeadlineMs: 3000,
    postTradePauseMs: 0,
    maxLocalAgeMs: 1.5,
    sellRetries: 2,
    risk: { maxTradesPerMinute: 20, maxDailyLoss: 100, maxConsecutiveFailures: 3 },
    initialRisk: { state: initialRisk(Date.now()), stop: null },
    spin: false,
    parkThread: false,
    nowUs: () => Date.now() * 1000,
    warmer: null,
    recorder: null,
    ...changes,
  };
}

/**
 * Trade dependencies that count instead of trading: the order entry is always ready and counts the
 * readiness asks and the orders it is given (each answered not-sent); the journal keeps the kinds.
 */
export function countingDeps(): {
  deps: TradeDeps;
  counts: { readyAsked: number; ordersSent: number };
  journaled: string[];
} {
  const counts = { readyAsked: 0, ordersSent: 0 };
  const journaled: string[] = [];
  const deps = {
    orderEntry: {
      isReady: () => {
        counts.readyAsked++;
        return true;
      },
      addOrder: () => {
        counts.ordersSent++;
        return Promise.resolve({ status: 'not-sent', reason: 'test' });
      },
    },
    journal: { append: (kind: string) => journaled.push(kind), backlog: 0 },
  } as unknown as TradeDeps;
  return { deps, counts, journaled };
}

/**
 * An opportunity received 5 ms ago and evaluated 40 µs after receipt: the trader drops it as stale
 * (MAX_LOCAL_AGE_MS 1.5), which shows it was taken, and sends nothing.
 */
export function staleOpportunity(): Float64Array {
  const nowUs = Date.now() * 1000;
  const opp = new Float64Array(OPPORTUNITY_FIELDS);
  opp[OPP_SEQ] = 1;
  opp[OPP_BUY_PAIR] = 0;
  opp[OPP_SELL_PAIR] = 1;
  opp[OPP_TRIGGER_RECV_US] = nowUs - 5_000;
  opp[OPP_EVAL_DONE_US] = nowUs - 4_960;
  return opp;
}

/** Waits (at most `deadlineMs`) until the trader has dropped an opportunity as stale. */
export async function untilStaleDrop(trader: Trader, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (trader.counters.staleAtTrader === 0 && Date.now() < until)
    await new Promise((r) => setTimeout(r, 5));
}

/**
 * A USD→EUR opportunity the listener fixture's account can pay for (buy at 100, sell at 94, volume 1,
 * fee 0.4 %) on the given pairs, received at `triggerRecvUs` (evaluated at `evalDoneUs` and put in the
 * slot at `publishedUs`, if given).
 */
export function tradableOpportunity(o: {
  seq: number;
  buyPair: number;
  sellPair: number;
  triggerRecvUs: number;
  evalDoneUs?: number;
  publishedUs?: number;
}): Float64Array {
  const opp = new Float64Array(OPPORTUNITY_FIELDS);
  opp[OPP_SEQ] = o.seq;
  opp[OPP_DIRECTION] = DIR_USD_TO_EUR;
  opp[OPP_BUY_PAIR] = o.buyPair;
  opp[OPP_SELL_PAIR] = o.sellPair;
  opp[OPP_BUY_PRICE] = 100;
  opp[OPP_SELL_PRICE] = 94;
  opp[OPP_VOLUME] = 1;
  opp[OPP_FEE] = 0.004;
  opp[OPP_TRIGGER_RECV_US] = o.triggerRecvUs;
  if (o.evalDoneUs !== undefined) opp[OPP_EVAL_DONE_US] = o.evalDoneUs;
  if (o.publishedUs !== undefined) opp[OPP_PUBLISHED_US] = o.publishedUs;
  return opp;
}

/** Trade dependencies around `orderEntry`: a real order tracker, no journal, a clock fixed at `nowUs`. */
export function depsAround(orderEntry: OrderEntry, nowUs: number): TradeDeps {
  return {
    orderEntry,
    tracker: new OrderTracker(),
    orderLookup: null,
    journal: { append: () => undefined } as unknown as TradeDeps['journal'],
    log: silent,
    alert: () => undefined,
    nowUs: () => nowUs,
    sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
  };
}
