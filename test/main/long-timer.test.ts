import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_MS, setLongTimeout } from '../../src/main/long-timer.js';
import { FakeClock } from '../helpers/fake-clock.js';

const DAY_MS = 86_400_000;

test('no timer is ever armed beyond setTimeout range (Node would run it after 1 ms)', () => {
  const timers = new FakeClock();
  let fired = 0;
  setLongTimeout(() => fired++, 60 * DAY_MS, timers);
  for (const t of timers.pending.values()) assert.ok(t.delay <= MAX_TIMER_MS, `armed ${t.delay} ms`);
  timers.advance(59 * DAY_MS);
  assert.equal(fired, 0, 'fired before the delay');
  for (const t of timers.pending.values()) assert.ok(t.delay <= MAX_TIMER_MS, `armed ${t.delay} ms`);
  timers.advance(DAY_MS);
  assert.equal(fired, 1);
  assert.equal(timers.pending.size, 0);
});

test('a short delay is one timer; cancel between chunks stops it', () => {
  const timers = new FakeClock();
  let fired = 0;
  setLongTimeout(() => fired++, 1500, timers);
  assert.equal([...timers.pending.values()][0]?.delay, 1500);
  timers.advance(1500);
  assert.equal(fired, 1);
  const long = setLongTimeout(() => fired++, 40 * DAY_MS, timers);
  timers.advance(30 * DAY_MS);
  long.cancel();
  timers.advance(20 * DAY_MS);
  assert.equal(fired, 1);
});

test('a bad delay is refused', () => {
  assert.throws(() => setLongTimeout(() => undefined, Number.NaN, new FakeClock()), RangeError);
});
