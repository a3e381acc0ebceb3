/**
 * The trader continues the risk state the journal tells: a restarted trader thread (supervisor) or
 * process holds a journaled stop instead of trading at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trader } from '../../../src/engine/trade/trader.js';
import { createSharedState } from '../../../src/engine/shared/shared-state.js';
import { OPPORTUNITY_FIELDS } from '../../../src/core/opportunity.js';
import { initialRisk, RISK_STOP_CODES } from '../../../src/core/risk-limits.js';
import type { Logger } from '../../../src/log/logger.js';

const silent: Logger = { level: 'error', debug() {}, info() {}, warn() {}, error() {} };

function trader(mode: 'trade' | 'evaluate', stop: boolean) {
  const shared = createSharedState({
    listeners: 1,
    opportunityFields: OPPORTUNITY_FIELDS,
    evalCodes: 0,
    pairs: 4,
  });
  shared.setTradingEnabled(true);
  const state = { ...initialRisk(Date.now()), consecutiveFailures: 2 };
  new Trader({
    mode,
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
    initialRisk: {
      state,
      stop: stop ? { reason: 'max-consecutive-failures', sinceMs: Date.now() - 60_000 } : null,
    },
    spin: false,
    nowUs: () => Date.now() * 1000,
    warmer: null,
    recorder: null,
  });
  return shared;
}

test('a journaled stop that still holds keeps trading stopped when the trader (re)starts', () => {
  const shared = trader('trade', true);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.riskStopCode(), RISK_STOP_CODES['max-consecutive-failures']);
});

test('without a held stop, trading stays as main set it', () => {
  assert.equal(trader('trade', false).isTradingEnabled(), true);
});
