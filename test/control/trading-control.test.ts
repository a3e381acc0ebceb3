/**
 * The operator's stop and resume work through the same shared flag and stop code as the risk
 * limits, and resume never clears anything but the operator's own stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSharedState, type SharedState } from '../../src/engine/shared/shared-state.js';
import { OPERATOR_STOP_CODE, stopReasonName, TradingControl } from '../../src/control/trading-control.js';
import { RISK_STOP_CODES } from '../../src/core/risk-limits.js';

function setup(): { shared: SharedState; control: TradingControl; changes: string[] } {
  const shared = createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 2, pairs: 4 });
  shared.setTradingEnabled(true);
  const changes: string[] = [];
  const control = new TradingControl(shared, {
    mode: 'trade',
    onChange: (change, source) => changes.push(`${change}:${source}`),
  });
  return { shared, control, changes };
}

test('stop disables trading with the operator code; resume clears it and enables trading again', () => {
  const { shared, control, changes } = setup();
  const stopped = control.stop('dashboard');
  assert.equal(stopped.ok, true);
  assert.match(stopped.message, /trading stopped by the operator \(dashboard\)/);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.riskStopCode(), OPERATOR_STOP_CODE);
  assert.deepEqual(control.state(), {
    mode: 'trade',
    tradingEnabled: false,
    stopCode: OPERATOR_STOP_CODE,
    stopReason: 'operator stop',
    shuttingDown: false,
  });
  assert.match(control.stop('telegram').message, /already stopped \(operator stop\)/);
  const resumed = control.resume('telegram');
  assert.equal(resumed.ok, true, resumed.message);
  assert.equal(shared.isTradingEnabled(), true);
  assert.equal(shared.riskStopCode(), 0);
  assert.deepEqual(changes, ['stop:dashboard', 'resume:telegram']);
  assert.match(control.resume('telegram').message, /already on/);
});

test('resume is refused while a risk-limit stop holds, and leaves it in place', () => {
  const { shared, control, changes } = setup();
  shared.riskStop(RISK_STOP_CODES['max-daily-loss']);
  const r = control.resume('telegram');
  assert.equal(r.ok, false);
  assert.match(r.message, /risk limit max-daily-loss holds/);
  assert.equal(shared.isTradingEnabled(), false);
  assert.equal(shared.riskStopCode(), RISK_STOP_CODES['max-daily-loss']);
  // Stop on top of a risk stop changes nothing and says so.
  assert.match(control.stop('dashboard').message, /already stopped \(risk limit max-daily-loss\)/);
  assert.equal(shared.riskStopCode(), RISK_STOP_CODES['max-daily-loss']);
  assert.deepEqual(changes, []);
});

test('a crashed trade holds like a risk stop; shutdown and start-up are not resumable', () => {
  const { shared, control } = setup();
  shared.riskStop(99);
  assert.match(control.resume('dashboard').message, /a trade failed unexpectedly holds/);
  const fresh = setup();
  fresh.shared.setTradingEnabled(false);
  assert.equal(fresh.control.resume('dashboard').ok, false);
  assert.equal(fresh.control.state().stopReason, 'starting or stopping');
  fresh.control.stop('dashboard');
  fresh.shared.requestShutdown();
  assert.match(fresh.control.resume('dashboard').message, /shutting down/);
  assert.equal(fresh.shared.isTradingEnabled(), false);
});

test('a risk stop that lands after the operator stop is never cleared by resume', () => {
  const { shared, control } = setup();
  control.stop('dashboard');
  // The trader's risk stop cannot take the code while the operator's holds; clearing it is
  // compare-and-swap, so a different code set meanwhile survives.
  assert.equal(shared.clearStopCode(RISK_STOP_CODES['max-trades-per-minute']), false);
  assert.equal(shared.riskStopCode(), OPERATOR_STOP_CODE);
  assert.equal(
    stopReasonName(RISK_STOP_CODES['max-consecutive-failures']),
    'risk limit max-consecutive-failures',
  );
  assert.equal(stopReasonName(12345), 'stop code 12345');
});
