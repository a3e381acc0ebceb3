/**
 * The process-wide connection budget: attempts from any number of threads and sockets together
 * never exceed it within the rolling window, a socket held back waits (with jitter) and says so,
 * and attempts free again as the window rolls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConnectionBudget,
  createConnectionBudgetBuffer,
  type BudgetWait,
} from '../../../../src/kraken/ws/shared/connection-budget.js';
import { WsConnection } from '../../../../src/kraken/ws/shared/connection.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { deadUrl, waitFor } from '../helpers.js';
import { firstMessage, startFixture } from '../../../helpers/start-fixture.js';

test('takes up to the limit, then says how long until the oldest attempt leaves the window', () => {
  let now = 1_000;
  const b = new ConnectionBudget(createConnectionBudgetBuffer(3), { now: () => now });
  assert.equal(b.tryTake(), 0);
  now += 100;
  assert.equal(b.tryTake(), 0);
  assert.equal(b.tryTake(), 0);
  assert.equal(b.used(), 3);
  assert.equal(b.tryTake(), 600_000 - 100);
  now = 1_000 + 600_000;
  assert.equal(b.tryTake(), 0, 'the first attempt left the window');
  assert.equal(b.tryTake(), 100);
  assert.equal(b.used(), 3);
});

test('two views of one buffer share one budget', () => {
  const buffer = createConnectionBudgetBuffer(2);
  const a = new ConnectionBudget(buffer, { now: () => 5 });
  const b = new ConnectionBudget(buffer, { now: () => 5 });
  assert.equal(a.tryTake(), 0);
  assert.equal(b.tryTake(), 0);
  assert.ok(a.tryTake() > 0 && b.tryTake() > 0);
});

test('threads racing for attempts together never get more than the budget', async () => {
  const buffer = createConnectionBudgetBuffer(120);
  const workers = Array.from({ length: 4 }, () => startFixture('budget-worker', { buffer, tries: 5_000 }));
  const taken = await Promise.all(workers.map((w) => firstMessage<number>(w, 30_000)));
  await Promise.all(workers.map((w) => w.terminate()));
  assert.equal(
    taken.reduce((a, b) => a + b, 0),
    120,
    `per thread: ${taken.join(', ')}`,
  );
});

test('a wait is reported with who waits and for how long, jittered above the budget wait', async () => {
  const waits: BudgetWait[] = [];
  let now = 0;
  const b = new ConnectionBudget(createConnectionBudgetBuffer(1), {
    now: () => now,
    random: () => 0.5,
    onWait: (w) => waits.push(w),
  });
  await b.take('token');
  const slept: number[] = [];
  await b.take('token', async (ms) => {
    slept.push(ms);
    now += ms;
  });
  assert.equal(slept.length, 1);
  assert.ok((slept[0] as number) >= 600_000 && (slept[0] as number) <= 602_000, String(slept[0]));
  assert.deepEqual(waits, [{ who: 'token', waitMs: slept[0], used: 1, limit: 1 }]);
});

test('sockets of one process refused by the venue: attempts stay within the shared budget', async (t) => {
  const url = await deadUrl();
  const timers = new FakeClock();
  const waits: BudgetWait[] = [];
  const budget = new ConnectionBudget(createConnectionBudgetBuffer(5), {
    now: () => timers.now(),
    onWait: (w) => waits.push(w),
  });
  const conns = Array.from(
    { length: 8 },
    (_, i) =>
      new WsConnection(
        { url, name: `public-${i}`, timers, budget, reconnect: { initialDelayMs: 10, maxDelayMs: 100 } },
        { onFrame: () => undefined },
      ),
  );
  t.after(() => conns.forEach((c) => c.close()));
  for (const c of conns) c.start();
  // Drive time for a minute of refused attempts (each refusal arrives asynchronously).
  for (let step = 0; step < 60; step++) {
    timers.advance(1_000);
    await waitFor(() => conns.every((c) => c.state !== 'connecting'), 'refusals to arrive');
  }
  const attempts = conns.reduce((n, c) => n + c.stats.attempts, 0);
  assert.equal(attempts, 5, 'attempts beyond the shared budget');
  assert.ok(conns.every((c) => c.stats.budgetWaits > 0 || c.stats.attempts > 0));
  assert.ok(waits.length >= 3 && waits.every((w) => w.limit === 5 && w.who.startsWith('public-')));
});
