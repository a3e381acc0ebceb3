/**
 * Thread scheduling policies. The policy is read from /proc/thread-self/stat (fields 40 and 41, after
 * a command name that may hold spaces and parentheses). The trader's real-time priority
 * (TRADER_RT_PRIORITY): bad priorities are refused with a reason, and in a worker thread the kernel
 * really runs it under SCHED_FIFO when the process may (root or CAP_SYS_NICE), or the reason says
 * it may not. The fetcher's idle priority needs no privilege: the kernel runs the worker under
 * SCHED_IDLE. Either way the calling thread is left as it was.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ownSchedPolicy,
  schedPolicyOf,
  SCHED_IDLE,
  setRealtimePriority,
  type PriorityResult,
} from '../../../src/engine/threads/thread-priority.js';
import { fixtureResult } from '../../helpers/start-fixture.js';

// /proc/<pid>/stat of `cat` on the development VM, with the command name swapped for a hostile one.
const STAT_TAIL =
  'R 27717 27717 21257 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 6110224 3133440 416 18446744073709551615 ' +
  '94633280667648 94633280687529 140731490475856 0 0 0 0 0 0 0 0 0 17 1 RT POLICY 0 0 0 ' +
  '94633280703536 94633280705152 94633970192384 140731490478622 140731490478642 140731490478642 140731490480107 0';

describe('schedPolicyOf', () => {
  test('reads rt_priority (field 40) and policy (field 41), whatever the command name holds', () => {
    const stat = (rt: string, policy: string): string =>
      `27719 (a) (b c) ${STAT_TAIL.replace('RT', rt).replace('POLICY', policy)}`;
    assert.deepEqual(schedPolicyOf(stat('0', '0')), { policy: 0, rtPriority: 0 });
    assert.deepEqual(schedPolicyOf(stat('7', '1')), { policy: 1, rtPriority: 7 });
    assert.equal(schedPolicyOf('27719 (cat) R 1 2'), null, 'too short: unknown, not zero');
  });
});

const linux = process.platform === 'linux' ? false : 'Linux only';

/** Runs the priority worker with `data`: its answer, and what the kernel then says of its policy. */
function inWorker(
  data: Record<string, unknown>,
): Promise<{ result: PriorityResult; after: ReturnType<typeof ownSchedPolicy> }> {
  return fixtureResult('priority-worker', data);
}

describe('setRealtimePriority', () => {
  test('refuses a priority outside 1 … 99 and says so', () => {
    for (const p of [0, 100, 1.5, Number.NaN]) {
      const r = setRealtimePriority(p);
      assert.equal(r.set, false);
      assert.match(r.reason ?? '', /invalid priority/);
    }
  });

  test(
    'a worker thread gets SCHED_FIFO where the process may; otherwise the reason names the privilege',
    { skip: linux },
    async () => {
      const before = ownSchedPolicy();
      const m = await inWorker({ priority: 3 });
      if (process.getuid?.() === 0) {
        assert.deepEqual(m.result, { set: true });
        assert.deepEqual(
          m.after,
          { policy: 1, rtPriority: 3 },
          'the kernel runs the worker under SCHED_FIFO',
        );
      } else {
        // Without root, CAP_SYS_NICE may still be granted (or RLIMIT_RTPRIO); either way it is told.
        if (!m.result.set) assert.match(m.result.reason ?? '', /CAP_SYS_NICE/);
        else assert.deepEqual(m.after, { policy: 1, rtPriority: 3 });
      }
      assert.deepEqual(ownSchedPolicy(), before, 'the calling thread keeps its scheduling');
    },
  );
});

describe('setIdlePriority', () => {
  test(
    'a worker thread gets SCHED_IDLE without privilege; the calling thread keeps its own',
    { skip: linux },
    async () => {
      const before = ownSchedPolicy();
      const m = await inWorker({ idle: true });
      assert.deepEqual(m.result, { set: true });
      assert.deepEqual(
        m.after,
        { policy: SCHED_IDLE, rtPriority: 0 },
        'the kernel runs the worker under SCHED_IDLE',
      );
      assert.deepEqual(ownSchedPolicy(), before, 'the calling thread keeps its scheduling');
    },
  );
});
