import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  KRAKEN_REST_TIERS,
  RestRateLimiter,
  createRateLimiterBuffer,
  restCallCost,
} from '../../src/kraken/rate-limiter.js';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock.js';

describe('restCallCost', () => {
  test('history +2, trading 0, others +1', () => {
    assert.equal(restCallCost('Balance'), 1);
    assert.equal(restCallCost('TradeVolume'), 1);
    assert.equal(restCallCost('TradesHistory'), 2);
    assert.equal(restCallCost('ClosedOrders'), 2);
    assert.equal(restCallCost('Ledgers'), 2);
    assert.equal(restCallCost('AddOrder'), 0);
    assert.equal(restCallCost('CancelOrder'), 0);
  });

  test('tiers as documented', () => {
    assert.deepEqual(KRAKEN_REST_TIERS.starter, { maxCounter: 15, decayPerSec: 0.33 });
    assert.deepEqual(KRAKEN_REST_TIERS.intermediate, { maxCounter: 20, decayPerSec: 0.5 });
    assert.deepEqual(KRAKEN_REST_TIERS.pro, { maxCounter: 20, decayPerSec: 1 });
  });
});

describe('RestRateLimiter', () => {
  test('takes up to the maximum at once, then reports the wait', () => {
    const clock = new FakeClock(false);
    const lim = new RestRateLimiter(KRAKEN_REST_TIERS.pro, clock);
    for (let i = 0; i < 20; i++) assert.equal(lim.tryAcquire(1), 0);
    assert.equal(lim.tryAcquire(1), 1000);
    assert.equal(lim.tryAcquire(2), 2000);
    clock.advance(1000);
    assert.equal(lim.tryAcquire(1), 0);
    assert.equal(lim.level(), 20);
  });

  test('acquire waits for decay, in arrival order', async () => {
    const clock = new FakeClock(false);
    const lim = new RestRateLimiter({ maxCounter: 2, decayPerSec: 1 }, clock);
    await lim.acquire(1);
    await lim.acquire(1);
    const order: string[] = [];
    const a = lim.acquire(1).then(() => order.push('a'));
    const b = lim.acquire(1).then(() => order.push('b'));
    await flushMicrotasks();
    assert.deepEqual(order, []);
    clock.advance(500);
    await flushMicrotasks();
    assert.deepEqual(order, [], 'half a unit of decay is not enough room');
    clock.advance(500);
    await flushMicrotasks();
    assert.deepEqual(order, ['a']);
    clock.advance(1000);
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a', 'b']);
  });

  test('saturate fills the counter (Kraken said rate limit exceeded)', () => {
    const clock = new FakeClock(false);
    const lim = new RestRateLimiter(KRAKEN_REST_TIERS.starter, clock);
    lim.saturate();
    assert.ok(Math.abs(lim.level() - 15) < 1e-3, 'counter is full (to µs rounding)');
    assert.ok(lim.tryAcquire(1) > 3000);
  });

  test('a cost above the maximum passes once the counter is empty', () => {
    const lim = new RestRateLimiter({ maxCounter: 1, decayPerSec: 1 }, new FakeClock(false));
    assert.equal(lim.tryAcquire(2), 0);
  });

  test('aborting a waiting acquire rejects it and does not block the next caller', async () => {
    const clock = new FakeClock(false);
    const lim = new RestRateLimiter({ maxCounter: 1, decayPerSec: 1 }, clock);
    await lim.acquire(1);
    const ac = new AbortController();
    const waiting = lim.acquire(1, ac.signal);
    ac.abort(new Error('stop'));
    clock.advance(0);
    await flushMicrotasks();
    clock.advance(1000);
    await assert.rejects(waiting);
    const next = lim.acquire(1);
    clock.advance(1000);
    await next;
  });

  test('rejects nonsense limits', () => {
    assert.throws(() => new RestRateLimiter({ maxCounter: 0, decayPerSec: 1 }), RangeError);
  });
});

describe('RestRateLimiter over shared state', () => {
  test('two limiters over one buffer share the counter', () => {
    const clock = new FakeClock(false);
    const buf = createRateLimiterBuffer();
    const a = new RestRateLimiter({ maxCounter: 3, decayPerSec: 1 }, clock, buf);
    const b = new RestRateLimiter({ maxCounter: 3, decayPerSec: 1 }, clock, buf);
    assert.equal(a.tryAcquire(2), 0);
    assert.equal(b.tryAcquire(1), 0);
    assert.equal(b.tryAcquire(1), 1000);
    assert.equal(a.tryAcquire(1), 1000);
    assert.equal(a.level(), 3);
    b.saturate();
    clock.advance(1500);
    assert.equal(a.level(), 1.5);
  });

  test('a routine poller leaves its reserve free: order reconciliation never waits behind it', () => {
    const clock = new FakeClock(false);
    const buf = createRateLimiterBuffer();
    const starter = KRAKEN_REST_TIERS.starter; // 15 units, −0.33/s
    const poller = new RestRateLimiter(starter, clock, buf, 5);
    const reconcile = new RestRateLimiter(starter, clock, buf);
    // The poller takes what it may (10 of 15) and is then made to wait...
    for (let i = 0; i < 10; i++) assert.equal(poller.tryAcquire(1), 0);
    assert.ok(poller.tryAcquire(1) > 0, 'the poller stops at max − reserve');
    // ...while a REST look-up of an order in doubt (OpenOrders 1 + ClosedOrders 2) goes at once.
    assert.equal(reconcile.tryAcquire(1), 0);
    assert.equal(reconcile.tryAcquire(2), 0);
    assert.throws(() => new RestRateLimiter(starter, clock, buf, 15), RangeError);
  });

  test('rejects a buffer that is too small', () => {
    assert.throws(
      () =>
        new RestRateLimiter(
          { maxCounter: 1, decayPerSec: 1 },
          new FakeClock(false),
          new SharedArrayBuffer(4),
        ),
      RangeError,
    );
  });
});

test('holdFor: after Kraken throttles until a time, no call goes before it, a cost-1 call goes right at it', () => {
  const clock = new FakeClock(false);
  const lim = new RestRateLimiter(KRAKEN_REST_TIERS.starter, clock);
  lim.holdFor(1_500);
  assert.equal(lim.tryAcquire(1), 1_500);
  clock.advance(1_499);
  assert.ok(lim.tryAcquire(1) > 0);
  clock.advance(1);
  assert.equal(lim.tryAcquire(1), 0);
  // A later, shorter throttle never shortens a longer one already in force.
  lim.holdFor(10);
  assert.ok(lim.tryAcquire(1) > 10);
});
