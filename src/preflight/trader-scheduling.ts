/**
 * The preflight's row for the trader thread's scheduling: ordinary priority (TRADER_RT_PRIORITY=0,
 * the default, or --spin), or whether the real-time priority asked for will be granted, checked
 * for the preflight's own process (a systemd unit's limits, e.g. LimitRTPRIO, apply to the
 * program's process instead). A warning, not a failure: without it the program trades at ordinary
 * priority, as it does by default.
 */
import { realtimeRemedy, type RealtimeGrant } from '../engine/threads/realtime-grant.js';
import { check, type CheckResult } from './check.js';

const NAME = 'Trader priority';
const WITHOUT =
  "a woken trader may wait out another thread's time slice (milliseconds) and drop the opportunity as stale (README: The trader thread's scheduling)";

export function traderScheduling(
  priority: number,
  spin: boolean,
  grant: (priority: number) => RealtimeGrant,
  hasChrt: () => boolean,
): CheckResult {
  if (priority === 0)
    return check(NAME, 'ok', `ordinary priority (${spin ? '--spin' : 'TRADER_RT_PRIORITY=0'})`, WITHOUT);
  const g = grant(priority);
  if (!g.allowed)
    return check(
      NAME,
      'warn',
      `SCHED_FIFO at ${priority} not allowed: ${g.why}`,
      `the trader would run at ordinary priority: ${realtimeRemedy(priority)}, or set TRADER_RT_PRIORITY=0`,
    );
  if (!hasChrt())
    return check(
      NAME,
      'warn',
      `SCHED_FIFO at ${priority} allowed (${g.by}), but no chrt on this machine`,
      'the trader sets its priority with chrt: install util-linux',
    );
  return check(NAME, 'ok', `SCHED_FIFO at ${priority} allowed (${g.by})`);
}
