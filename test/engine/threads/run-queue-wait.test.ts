/**
 * The trader's run-queue wait around a hand-off: sampled at most every SAMPLE_EVERY_US, measured from
 * the newest sample at or before the moment, and silent where the kernel does not say.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  readOwnRunQueueNs,
  RunQueueWaitSampler,
  SAMPLE_EVERY_US,
} from '../../../src/engine/threads/run-queue-wait.js';

/** A kernel counter the test sets, counting the reads. */
function fakeKernel(): { read: () => number | null; set(ns: number | null): void; reads(): number } {
  let ns: number | null = 0;
  let reads = 0;
  return {
    read: () => {
      reads++;
      return ns;
    },
    set: (v) => {
      ns = v;
    },
    reads: () => reads,
  };
}

test('samples at most once per SAMPLE_EVERY_US', () => {
  const k = fakeKernel();
  const s = new RunQueueWaitSampler(k.read);
  s.sampleIfDue(1_000_000);
  s.sampleIfDue(1_000_000 + SAMPLE_EVERY_US - 1);
  assert.equal(k.reads(), 1);
  s.sampleIfDue(1_000_000 + SAMPLE_EVERY_US);
  assert.equal(k.reads(), 2);
});

test('the wait is measured from the newest sample at or before the moment to the read for the line', () => {
  const k = fakeKernel();
  const s = new RunQueueWaitSampler(k.read);
  k.set(5_000_000); // 5 ms waited before anything of interest
  s.sampleIfDue(1_000_000);
  k.set(5_200_000);
  s.sampleIfDue(1_100_000); // the newest sample before the moment
  k.set(8_200_000); // 3 ms more waited, around the moment
  s.sampleIfDue(1_200_000); // after the moment: not the baseline
  assert.deepEqual(s.waitedAround(1_150_000, 1_170_000), { runQueueWaitUs: 3_000, runQueueWindowUs: 70_000 });
  assert.equal(s.waitedAround(999_999, 1_170_000), null, 'no sample before the moment');
});

test('only the newest 16 samples are kept', () => {
  const k = fakeKernel();
  const s = new RunQueueWaitSampler(k.read);
  for (let i = 0; i < 40; i++) {
    k.set(i * 1_000);
    s.sampleIfDue(i * SAMPLE_EVERY_US);
  }
  k.set(100_000);
  // Sample 10 (at 1 s) was overwritten by the ring: the moment has no sample left at or before it.
  assert.equal(s.waitedAround(10 * SAMPLE_EVERY_US, 41 * SAMPLE_EVERY_US), null);
  assert.deepEqual(s.waitedAround(39 * SAMPLE_EVERY_US, 40 * SAMPLE_EVERY_US), {
    runQueueWaitUs: 61,
    runQueueWindowUs: SAMPLE_EVERY_US,
  });
});

test('where the kernel does not say, nothing is read again and nothing is reported', () => {
  const k = fakeKernel();
  const s = new RunQueueWaitSampler(k.read);
  s.sampleIfDue(1_000_000);
  k.set(null);
  s.sampleIfDue(1_000_000 + SAMPLE_EVERY_US);
  s.sampleIfDue(1_000_000 + 2 * SAMPLE_EVERY_US);
  assert.equal(k.reads(), 2, 'no read after the failed one');
  assert.equal(s.waitedAround(1_000_000, 1_500_000), null);
});

test("this thread's own counter is read from the kernel where it has one", () => {
  const ns = readOwnRunQueueNs();
  if (existsSync('/proc/thread-self/schedstat')) {
    assert.ok(ns !== null && Number.isInteger(ns) && ns >= 0, String(ns));
  } else assert.equal(ns, null);
});
