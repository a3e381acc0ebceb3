/**
 * The trader's record of its own GC pauses: which of them overlap an opportunity's hand-off, and that
 * the observer really sees this thread's collections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { GcPauseRing, GC_ENTRY_DELAY_MS, observeGcPauses } from '../../../src/engine/trade/gc-pauses.js';
import { epochMicros } from '../../../src/clock/clock.js';

test('overlap counts the pauses inside, across either end of, and around the interval, and only the covered µs', () => {
  const ring = new GcPauseRing();
  ring.record(100, 50); // before: 100–150
  ring.record(900, 200); // across the start: 900–1100 → 100 µs inside
  ring.record(1_300, 400); // inside: 1300–1700 → 400
  ring.record(1_900, 300); // across the end: 1900–2200 → 100
  ring.record(2_500, 10); // after
  assert.deepEqual(ring.overlap(1_000, 2_000), { gcPauses: 3, gcPausedUs: 600 });
  assert.deepEqual(ring.overlap(0, 99), { gcPauses: 0, gcPausedUs: 0 });
  const around = new GcPauseRing();
  around.record(0, 10_000);
  assert.deepEqual(around.overlap(1_000, 2_000), { gcPauses: 1, gcPausedUs: 1_000 });
});

test('the ring keeps the newest 64 pauses', () => {
  const ring = new GcPauseRing();
  for (let i = 0; i < 100; i++) ring.record(i * 1_000, 10);
  assert.deepEqual(ring.overlap(0, 36_000 - 1), { gcPauses: 0, gcPausedUs: 0 }, 'the oldest 36 are gone');
  assert.deepEqual(ring.overlap(36_000, 100_000), { gcPauses: 64, gcPausedUs: 640 });
});

test("the observer records this thread's collections on the epochMicros timebase", async () => {
  const ring = new GcPauseRing();
  const stop = observeGcPauses(ring);
  try {
    const fromUs = epochMicros();
    let keep: object[] = [];
    // Young-generation garbage until a scavenge has been reported (bounded: a few MB suffice).
    for (let round = 0; round < 200 && ring.overlap(fromUs, Infinity).gcPauses === 0; round++) {
      for (let i = 0; i < 100_000; i++) {
        keep.push({ i });
        if (keep.length > 1_000) keep = [];
      }
      await delay(GC_ENTRY_DELAY_MS);
    }
    const toUs = epochMicros();
    const seen = ring.overlap(fromUs, toUs);
    assert.ok(seen.gcPauses > 0, 'no collection observed');
    assert.ok(seen.gcPausedUs > 0 && seen.gcPausedUs < toUs - fromUs, JSON.stringify(seen));
    assert.deepEqual(
      ring.overlap(0, fromUs - 1_000_000),
      { gcPauses: 0, gcPausedUs: 0 },
      'a pause before it started',
    );
  } finally {
    stop();
  }
});
