/** The balances' age watched from the main thread: alerted once when old, once when fresh again. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalanceAgeWatch, BALANCE_AGE_ALERT_MS } from '../../src/main/balance-age-watch.js';
import { BALANCE_FIELDS, createSharedState } from '../../src/engine/shared/shared-state.js';
import type { AlertEvent } from '../../src/engine/threads/messages.js';

const START_US = 1_700_000_000_000_000;

function rig() {
  const shared = createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 0, pairs: 4 });
  let nowUs = START_US;
  const alerts: AlertEvent[] = [];
  const logged: string[] = [];
  const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) };
  const watch = new BalanceAgeWatch({ shared, nowUs: () => nowUs, log, alert: (a) => alerts.push(a) });
  return {
    watch,
    alerts,
    logged,
    at(ms: number) {
      nowUs = START_US + ms * 1000;
    },
    fetched() {
      shared.balances.write(new Float64Array(BALANCE_FIELDS), nowUs);
    },
  };
}

test('balances older than the threshold are alerted once, and their return once', () => {
  const r = rig();
  r.fetched();
  r.at(BALANCE_AGE_ALERT_MS - 1);
  r.watch.check();
  assert.equal(r.alerts.length, 0, 'just under the threshold');
  r.at(BALANCE_AGE_ALERT_MS + 500);
  r.watch.check();
  r.at(BALANCE_AGE_ALERT_MS + 5_000);
  r.watch.check();
  assert.deepEqual(
    r.alerts.map((a) => [a.key, a.severity, a.text]),
    [
      [
        'balances-age',
        'warning',
        'Balances not refreshed for 20 s: from 30 s every opportunity is refused until fresh ones come',
      ],
    ],
  );
  // Fresh balances at 32 s, seen by the watch 5 s later: the gap is the balances', 32 s.
  r.at(BALANCE_AGE_ALERT_MS + 12_000);
  r.fetched();
  r.at(BALANCE_AGE_ALERT_MS + 17_000);
  r.watch.check();
  r.watch.check();
  assert.equal(r.alerts.length, 2);
  assert.deepEqual(
    [r.alerts[1]?.key, r.alerts[1]?.severity, r.alerts[1]?.text],
    ['balances-age', 'info', 'Balances fresh again, after a gap of 32 s'],
  );
  assert.deepEqual(r.logged, ['balances not refreshed', 'balances fresh again']);
});

test('no balances ever fetched: their age counts from the start', () => {
  const r = rig();
  r.at(BALANCE_AGE_ALERT_MS - 1);
  r.watch.check();
  assert.equal(r.alerts.length, 0);
  r.at(BALANCE_AGE_ALERT_MS);
  r.watch.check();
  assert.equal(r.alerts.length, 1);
  assert.match(r.alerts[0]?.text ?? '', /^Balances not refreshed for 20 s/);
});

test('balances kept fresh are never alerted', () => {
  const r = rig();
  for (let ms = 0; ms <= 120_000; ms += 1_000) {
    r.at(ms);
    if (ms % 2_000 === 0) r.fetched();
    r.watch.check();
  }
  assert.equal(r.alerts.length, 0);
});
