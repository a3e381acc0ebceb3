/** A Trader's options for unit tests: the shipped-like defaults, and what a test changes. */
import type { TraderOptions } from '../../../src/engine/trade/trader.js';
import { createSharedState, type SharedState } from '../../../src/engine/shared/shared-state.js';
import { OPPORTUNITY_FIELDS } from '../../../src/core/opportunity.js';
import { initialRisk } from '../../../src/core/risk-limits.js';
import type { Logger } from '../../../src/log/logger.js';
import type { TradeDeps } from '../../../src/engine/trade/trade-runner.js';

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
