/**
 * Whether the process may put a thread under SCHED_FIFO, read from /proc texts: CAP_SYS_NICE among
 * the effective capabilities, or a soft RLIMIT_RTPRIO at least the priority. The status and limits
 * lines are this development VM's own (`grep ^Cap /proc/self/status`, `/proc/self/limits`, root in
 * a sandbox that dropped CAP_SYS_RESOURCE, 2026-12-06), an ordinary user's (no capability), and
 * Docker's default capability set (`00000000a80425fb`, which has no CAP_SYS_NICE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownRealtimeGrant, realtimeGrantOf } from '../../../src/engine/threads/realtime-grant.js';

const status = (capEff: string): string =>
  `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t${capEff}\nCapEff:\t${capEff}\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n`;
const limits = (soft: string, hard: string): string =>
  'Limit                     Soft Limit           Hard Limit           Units     \n' +
  'Max nice priority         0                    0                    \n' +
  `Max realtime priority     ${soft.padEnd(21)}${hard.padEnd(21)}\n` +
  'Max realtime timeout      unlimited            unlimited            us        \n';

const VM_ROOT = '000001fffeffffff';
const USER = '0000000000000000';
const DOCKER_DEFAULT = '00000000a80425fb';

test('CAP_SYS_NICE (bit 23) grants it, whatever the real-time limit', () => {
  assert.deepEqual(realtimeGrantOf(status(VM_ROOT), limits('0', '0'), 10), {
    allowed: true,
    by: 'CAP_SYS_NICE',
  });
});

test('without the capability, the soft RLIMIT_RTPRIO decides: at least the priority, or unlimited', () => {
  assert.deepEqual(realtimeGrantOf(status(USER), limits('10', '20'), 10), {
    allowed: true,
    by: 'RLIMIT_RTPRIO 10',
  });
  assert.deepEqual(realtimeGrantOf(status(DOCKER_DEFAULT), limits('unlimited', 'unlimited'), 99), {
    allowed: true,
    by: 'RLIMIT_RTPRIO unlimited',
  });
  const below = realtimeGrantOf(status(USER), limits('5', '20'), 10);
  assert.deepEqual(below, { allowed: false, why: 'no CAP_SYS_NICE; RLIMIT_RTPRIO 5, below 10' });
});

test("Docker's default capabilities and an ordinary user's have no CAP_SYS_NICE", () => {
  for (const caps of [DOCKER_DEFAULT, USER]) {
    const g = realtimeGrantOf(status(caps), limits('0', '0'), 10);
    assert.equal(g.allowed, false, caps);
  }
});

test('unreadable texts are a refusal that says what could not be read, never a grant', () => {
  assert.deepEqual(realtimeGrantOf('', '', 10), {
    allowed: false,
    why: 'capabilities unreadable; RLIMIT_RTPRIO unreadable',
  });
});

test(
  'this process: granted exactly when its own capabilities or limit say so',
  { skip: process.platform !== 'linux' },
  () => {
    const g = ownRealtimeGrant(10);
    if (process.getuid?.() === 0)
      assert.deepEqual(g, { allowed: true, by: 'CAP_SYS_NICE' }, JSON.stringify(g));
    else assert.equal(typeof g.allowed, 'boolean');
  },
);
