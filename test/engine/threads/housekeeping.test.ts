// Moves this whole test process's threads (node --test runs each file in a process of its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import {
  keepHousekeepingOff,
  readCpusAllowed,
  type PinResult,
} from '../../../src/engine/threads/affinity.js';
import { fixtureResult } from '../../helpers/start-fixture.js';

/** Every thread of this process: its name and the CPUs it may run on. */
function threads(): Array<{ tid: string; name: string; cpus: string }> {
  return readdirSync('/proc/self/task').map((tid) => {
    const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
    return {
      tid,
      name: /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '',
      cpus: /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '',
    };
  });
}

test('nothing moves without a trader CPU, or with no CPU beside it', () => {
  assert.equal(keepHousekeepingOff(null, [0, 1]).moved, false);
  const alone = keepHousekeepingOff(3, [3]);
  assert.equal(alone.moved, false);
  assert.match(alone.summary, process.platform === 'linux' ? /no CPU besides/ : /Linux only/);
});

const start = process.platform === 'linux' ? readCpusAllowed() : [];
const skip =
  process.platform !== 'linux'
    ? 'Linux only'
    : !(start.includes(0) && start.includes(1))
      ? `needs CPUs 0 and 1 (this process may use ${start.join(',')})`
      : false;

test(
  'every thread leaves the trader CPU, and a worker started after still pins itself there',
  { skip },
  async () => {
    const before = threads();
    assert.ok(
      before.some((t) => t.cpus !== '0'),
      'the test must start with threads allowed on CPU 1',
    );
    const r = keepHousekeepingOff(1, [0, 1]);
    assert.deepEqual(r, { moved: true, summary: 'main thread and helpers on CPUs 0' });
    const moved = threads();
    assert.ok(moved.length >= before.length, 'no thread lost');
    assert.deepEqual(
      moved.filter((t) => t.cpus !== '0'),
      [],
      'every thread of the process (main, V8 helpers, libuv) on CPU 0 only',
    );
    // The trader starts after this (it inherits CPU 0) and moves itself to CPU 1.
    const m = await fixtureResult<{ results: PinResult[]; allowedAfter: number[][] }>('pin-worker', {
      cpus: [1],
      name: 'trader',
      methods: ['addon', 'taskset'],
    });
    assert.equal(m.results[0]?.pinned, true, m.results[0]?.reason);
    assert.deepEqual(m.allowedAfter, [[1]]);
    assert.deepEqual(readCpusAllowed(), [0], 'the main thread stays off the trader CPU');
  },
);
