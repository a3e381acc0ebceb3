/**
 * The trader continues the risk state the journal tells: a restarted trader thread (supervisor) or
 * process holds a journaled stop instead of trading at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trader } from '../../../src/engine/trade/trader.js';
import { initialRisk, RISK_STOP_CODES } from '../../../src/core/risk-limits.js';
import { traderOptions, tradingSharedState } from './trader-fixture.js';

function trader(mode: 'trade' | 'evaluate', stop: boolean) {
  const shared = tradingSharedState();
  const state = { ...initialRisk(Date.now()), consecutiveFailures: 2 };
  new Trader(
    traderOptions(shared, {
      mode,
      initialRisk: {
        state,
        stop: stop ? { reason: 'max-consecutive-failures', sinceMs: Date.now() - 60_000 } : null,
      },
    }),
  );
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
