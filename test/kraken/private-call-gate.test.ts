// One private REST call of a key in flight at a time (src/kraken/private-call-gate.ts): calls wait
// their turn across gates that share a buffer (as threads do), a holder past its deadline is taken
// over and its late release does not free its successor, aborts and over-long waits reject.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  createPrivateCallGateBuffer,
  PrivateCallGate,
  PrivateCallGateError,
} from '../../src/kraken/private-call-gate.js';
import { FakeClock } from '../helpers/fake-clock.js';

interface Deferred {
  readonly promise: Promise<string>;
  resolve(v: string): void;
}
function deferred(): Deferred {
  let resolve: (v: string) => void = () => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}
/** A hold that no test's wait reaches, unless the test is about the hold's deadline. */
const HOLD_MS = 11_000;
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Moves the fake clock 2 ms at a time, letting the waiting gates look, until `done` (at most `steps`). */
async function advanceUntil(clock: FakeClock, done: () => boolean, steps: number): Promise<void> {
  for (let i = 0; i < steps && !done(); i++) {
    clock.advance(2);
    await settle();
  }
}
/** Gates on one buffer (as threads share it) with the transport's routine grace of 3 s. */
function sharedGates(clock: FakeClock): () => PrivateCallGate {
  const buffer = createPrivateCallGateBuffer();
  return () => new PrivateCallGate(HOLD_MS, 3_000, buffer, clock);
}

describe('PrivateCallGate', () => {
  test('a second call on the same buffer (another thread) starts only after the first answered', async () => {
    const clock = new FakeClock();
    const buffer = createPrivateCallGateBuffer();
    const a = new PrivateCallGate(HOLD_MS, HOLD_MS, buffer, clock);
    const b = new PrivateCallGate(HOLD_MS, HOLD_MS, buffer, clock);
    const started: string[] = [];
    const first = deferred();
    const one = a.run(() => {
      started.push('first');
      return first.promise;
    });
    await settle();
    const two = b.run(async () => {
      started.push('second');
      return 'second done';
    });
    for (let i = 0; i < 5; i++) {
      clock.advance(2);
      await settle();
    }
    assert.deepEqual(started, ['first'], 'the second call ran while the first was in flight');
    assert.equal(b.busy(), true);
    first.resolve('first done');
    assert.equal(await one, 'first done');
    await advanceUntil(clock, () => !(started.length < 2), 5);
    assert.equal(await two, 'second done');
    assert.deepEqual(started, ['first', 'second']);
    assert.equal(a.busy(), false, 'the gate was left held');
  });

  test('a failing call releases the gate', async () => {
    const gate = new PrivateCallGate(HOLD_MS, HOLD_MS, createPrivateCallGateBuffer(), new FakeClock());
    await assert.rejects(
      gate.run(() => Promise.reject(new Error('refused'))),
      /refused/,
    );
    assert.equal(gate.busy(), false);
    assert.equal(await gate.run(async () => 'next'), 'next');
  });

  test("a holder past its deadline is taken over, and its late release leaves the successor's hold", async () => {
    const clock = new FakeClock();
    const buffer = createPrivateCallGateBuffer();
    const stuck = new PrivateCallGate(100, 100, buffer, clock);
    const next = new PrivateCallGate(100, 100, buffer, clock);
    const hung = deferred();
    const held = stuck.run(() => hung.promise);
    await settle();
    const successor = deferred();
    let successorStarted = false;
    const taking = next.run(() => {
      successorStarted = true;
      return successor.promise;
    });
    await advanceUntil(clock, () => !!successorStarted, 60);
    assert.equal(successorStarted, true, 'the gate was not taken over after the deadline');
    assert.ok(clock.time > 100 && clock.time <= 104, `taken over at ${clock.time} ms`);
    hung.resolve('late');
    await held;
    assert.equal(next.busy(), true, "the stuck call's release freed its successor's hold");
    successor.resolve('ok');
    assert.equal(await taking, 'ok');
    assert.equal(next.busy(), false);
  });

  test('a waiting call rejects when its signal aborts, and after four of its holds of waiting', async () => {
    const clock = new FakeClock();
    const buffer = createPrivateCallGateBuffer();
    // A holder allowed a long hold (1 s) keeps the gate while the waiter (50 ms holds) waits.
    const holder = new PrivateCallGate(1_000, 1_000, buffer, clock);
    const hung = deferred();
    const held = holder.run(() => hung.promise);
    await settle();
    const waiter = new PrivateCallGate(50, 50, buffer, clock);
    const abort = new AbortController();
    const aborted = waiter.run(async () => 'ran', abort.signal);
    clock.advance(2);
    await settle();
    abort.abort(new Error('shutting down'));
    clock.advance(2);
    await assert.rejects(aborted, /shutting down/);

    let outcome: unknown;
    waiter
      .run(async () => 'ran')
      .then(
        (v) => (outcome = v),
        (e: unknown) => (outcome = e),
      );
    await advanceUntil(clock, () => !(outcome === undefined), 200);
    assert.ok(outcome instanceof PrivateCallGateError, `outcome: ${String(outcome)}`);
    assert.match(outcome.message, /no turn for a private REST call after 20\d ms/);
    hung.resolve('done');
    await held;
    assert.equal(await waiter.run(async () => 'ran'), 'ran');
  });

  test('rejects a buffer too small, a hold of zero and a grace longer than the hold', () => {
    assert.throws(() => new PrivateCallGate(HOLD_MS, HOLD_MS, new SharedArrayBuffer(16)), TypeError);
    assert.throws(
      () => new PrivateCallGate(0, 0, createPrivateCallGateBuffer(), new FakeClock()),
      RangeError,
    );
    assert.throws(
      () => new PrivateCallGate(100, 0, createPrivateCallGateBuffer(), new FakeClock()),
      RangeError,
    );
    assert.throws(
      () => new PrivateCallGate(100, 101, createPrivateCallGateBuffer(), new FakeClock()),
      RangeError,
    );
  });

  test('an urgent call goes before a routine one that has waited longer', async () => {
    const clock = new FakeClock();
    const gate = sharedGates(clock);
    const first = deferred();
    const held = gate().run(() => first.promise);
    await settle();
    const order: string[] = [];
    const poll = gate().run(async () => void order.push('routine'), undefined, 'routine');
    clock.advance(2);
    await settle();
    const token = gate().run(async () => void order.push('urgent'), undefined, 'urgent');
    clock.advance(2);
    await settle();
    first.resolve('done');
    await held;
    await advanceUntil(clock, () => !(order.length < 2), 100);
    await Promise.all([poll, token]);
    assert.deepEqual(order, ['urgent', 'routine']);
  });

  test('an urgent call takes over a routine hold past its grace; not a routine or urgent one before its deadline', async () => {
    const clock = new FakeClock();
    const gate = sharedGates(clock);
    // A hanging balance poll (routine): an urgent call waits out its grace, then goes.
    const hungPoll = deferred();
    const poll = gate().run(() => hungPoll.promise, undefined, 'routine');
    await settle();
    let urgentAt = -1;
    const urgent = gate().run(async () => void (urgentAt = clock.time), undefined, 'urgent');
    // Another routine call does not overtake the hanging poll.
    let routineAt = -1;
    const nextPoll = gate().run(async () => void (routineAt = clock.time), undefined, 'routine');
    await advanceUntil(clock, () => !(urgentAt < 0), 2_000);
    assert.ok(urgentAt > 3_000 && urgentAt <= 3_004, `urgent call started at ${urgentAt} ms`);
    await urgent;
    hungPoll.resolve('late');
    await poll;
    await advanceUntil(clock, () => !(routineAt < 0), 100);
    await nextPoll;
    assert.ok(routineAt >= urgentAt, `the routine call overtook: ${routineAt} < ${urgentAt}`);

    // A hanging urgent call (e.g. a reconciliation) is only taken over at its deadline, by anyone.
    const start = clock.time;
    const hungUrgent = deferred();
    const slow = gate().run(() => hungUrgent.promise, undefined, 'urgent');
    await settle();
    let secondAt = -1;
    const second = gate().run(async () => void (secondAt = clock.time), undefined, 'urgent');
    await advanceUntil(clock, () => !(secondAt < 0), 6_000);
    assert.ok(
      secondAt - start > HOLD_MS,
      `taken over after ${secondAt - start} ms, before the hold of ${HOLD_MS}`,
    );
    await second;
    hungUrgent.resolve('late');
    await slow;
  });

  test('a routine call never takes over a routine hold before its deadline; the takeover is reported', async () => {
    const clock = new FakeClock();
    const gate = sharedGates(clock);
    const hung = deferred();
    const poll = gate().run(() => hung.promise, undefined, 'routine');
    await settle();
    let nextAt = -1;
    const next = gate().run(async () => void (nextAt = clock.time), undefined, 'routine');
    await advanceUntil(clock, () => !(nextAt < 0), 6_000);
    assert.ok(nextAt > HOLD_MS && nextAt <= HOLD_MS + 4, `the routine call went at ${nextAt} ms`);
    await next;
    hung.resolve('late');
    await poll;

    // An urgent call that takes a routine hold over is told how long that hold had been held.
    const start = clock.time;
    const hung2 = deferred();
    const poll2 = gate().run(() => hung2.promise, undefined, 'routine');
    await settle();
    const reported: number[] = [];
    let urgentDone = false;
    const urgent = gate()
      .run(
        async () => 'ok',
        undefined,
        'urgent',
        (ms) => reported.push(ms),
      )
      .then(() => (urgentDone = true));
    await advanceUntil(clock, () => !!urgentDone, 2_000);
    await urgent;
    assert.equal(reported.length, 1);
    assert.ok(
      (reported[0] ?? 0) > 3_000 && (reported[0] ?? 0) <= 3_004 + (clock.time - start),
      String(reported),
    );
    hung2.resolve('late');
    await poll2;
  });

  test('routine calls hold back only while an urgent caller is looking: a waiter that died stops counting', async () => {
    const clock = new FakeClock();
    const gate = sharedGates(clock);
    const first = deferred();
    const held = gate().run(() => first.promise);
    await settle();
    // An urgent waiter whose thread stops looking (aborted here: it never comes back).
    const abort = new AbortController();
    const gone = gate().run(async () => 'ran', abort.signal, 'urgent');
    clock.advance(2);
    await settle();
    const lostAt = clock.time;
    abort.abort(new Error('thread gone'));
    clock.advance(2);
    await assert.rejects(gone, /thread gone/);
    first.resolve('done');
    await held;
    let pollAt = -1;
    const poll = gate().run(async () => void (pollAt = clock.time), undefined, 'routine');
    await advanceUntil(clock, () => !(pollAt < 0), 100);
    await poll;
    assert.ok(
      pollAt >= lostAt + 50 && pollAt <= lostAt + 56,
      `the routine call ran at +${pollAt - lostAt} ms`,
    );
  });
});
