import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReconnectPolicy } from '../../../../src/kraken/ws/shared/reconnect-policy.js';

test('backoff doubles from initialDelayMs, is capped, and jitter stays in [base/2, base]', () => {
  const lo = new ReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0);
  const hi = new ReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0.999999);
  const los = Array.from({ length: 8 }, () => lo.nextDelay(0));
  const his = Array.from({ length: 8 }, () => hi.nextDelay(0));
  assert.deepEqual(los, [50, 100, 200, 400, 500, 500, 500, 500]);
  assert.deepEqual(his, [100, 200, 400, 800, 1000, 1000, 1000, 1000]);
});

test('a stable session resets the backoff; a short one does not', () => {
  const p = new ReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 10_000, stableAfterMs: 5000 }, () => 0);
  p.nextDelay(0);
  p.nextDelay(0);
  p.onSessionEnd(100);
  assert.equal(p.nextDelay(0), 200);
  p.onSessionEnd(5000);
  assert.equal(p.nextDelay(0), 50);
});

test('budget: attempts in any window never exceed budgetAttempts (fake clock)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1000, max: 600_000 }),
      fc.integer({ min: 0, max: 500 }),
      (budget, windowMs, initial) => {
        const p = new ReconnectPolicy(
          {
            budgetAttempts: budget,
            budgetWindowMs: windowMs,
            initialDelayMs: initial,
            maxDelayMs: initial * 4 + 1,
            stableAfterMs: 0,
          },
          Math.random,
        );
        const times: number[] = [];
        let now = 0;
        for (let i = 0; i < budget * 4; i++) {
          now += i === 0 ? p.initialDelay(now) : p.nextDelay(now);
          p.recordAttempt(now);
          times.push(now);
          // a session that "stays open" resets backoff, so only the budget spaces attempts
          p.onSessionEnd(1);
        }
        for (let i = 0; i < times.length; i++) {
          const t = times[i] as number;
          const inWindow = times.filter((x) => x > t - windowMs && x <= t).length;
          assert.ok(inWindow <= budget, `${inWindow} attempts in a window at ${t}`);
        }
        assert.ok(p.attemptsInWindow(now) <= budget);
      },
    ),
    { numRuns: 200 },
  );
});

test('budget exhaustion is reported as the limiting factor', () => {
  const p = new ReconnectPolicy(
    { budgetAttempts: 3, budgetWindowMs: 60_000, initialDelayMs: 10, maxDelayMs: 10 },
    () => 0,
  );
  for (const t of [0, 10, 20]) p.recordAttempt(t);
  const d = p.nextDelay(30);
  assert.equal(d, 60_000 - 30);
  assert.equal(p.lastLimit, 'budget');
});

test('maintenance spaces attempts at least maintenanceMinIntervalMs apart', () => {
  const p = new ReconnectPolicy(
    { initialDelayMs: 10, maxDelayMs: 10, maintenanceMinIntervalMs: 5000 },
    () => 0,
  );
  p.maintenance = true;
  p.recordAttempt(1000);
  assert.equal(p.nextDelay(1200), 4800);
  assert.equal(p.lastLimit, 'maintenance');
  p.maintenance = false;
  assert.equal(p.nextDelay(1200), 5);
});

test('invalid options are refused', () => {
  assert.throws(() => new ReconnectPolicy({ budgetAttempts: 0 }), RangeError);
  assert.throws(() => new ReconnectPolicy({ initialDelayMs: 10, maxDelayMs: 5 }), RangeError);
});
