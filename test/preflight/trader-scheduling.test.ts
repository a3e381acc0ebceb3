/** The preflight's trader-priority row: ok when granted or not asked for, a warning with the remedy when not granted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traderScheduling } from '../../src/preflight/trader-scheduling.js';
import type { RealtimeGrant } from '../../src/engine/threads/realtime-grant.js';

const granted = (): RealtimeGrant => ({ allowed: true, by: 'CAP_SYS_NICE' });
const refused = (): RealtimeGrant => ({ allowed: false, why: 'no CAP_SYS_NICE; RLIMIT_RTPRIO 0, below 10' });
const chrt = (): boolean => true;

test('granted: ok, naming the right', () => {
  const r = traderScheduling(10, false, granted, chrt);
  assert.equal(r.status, 'ok');
  assert.equal(r.detail, 'SCHED_FIFO at 10 allowed (CAP_SYS_NICE)');
});

test('refused: a warning (the program still runs) that says why and what to grant', () => {
  const r = traderScheduling(10, false, refused, chrt);
  assert.equal(r.status, 'warn');
  assert.match(r.detail, /not allowed: no CAP_SYS_NICE; RLIMIT_RTPRIO 0, below 10/);
  assert.match(r.meaning ?? '', /LimitRTPRIO=10/);
  assert.match(r.meaning ?? '', /TRADER_RT_PRIORITY=0/);
});

test('granted but no chrt to set it: a warning', () => {
  const r = traderScheduling(10, false, granted, () => false);
  assert.equal(r.status, 'warn');
  assert.match(r.meaning ?? '', /util-linux/);
});

test('priority 0 (chosen, or --spin): ok, ordinary priority, the grant not asked', () => {
  const ask = (): RealtimeGrant => assert.fail('the grant was read for priority 0');
  assert.match(traderScheduling(0, false, ask, chrt).detail, /ordinary priority \(TRADER_RT_PRIORITY=0\)/);
  assert.match(traderScheduling(0, true, ask, chrt).detail, /ordinary priority \(--spin\)/);
});
