/**
 * Whether this process may run a thread under SCHED_FIFO at a given priority, and by what right
 * (sched(7)): CAP_SYS_NICE among its effective capabilities (root has it, unless a container
 * dropped it), or a soft RLIMIT_RTPRIO at least that high. Read from /proc/self/status and
 * /proc/self/limits, so the preflight can say before the program starts whether the trader will
 * get its real-time priority (TRADER_RT_PRIORITY) or run at ordinary priority.
 */
import { readFileSync } from 'node:fs';

export type RealtimeGrant =
  { readonly allowed: true; readonly by: string } | { readonly allowed: false; readonly why: string };

/** Bit 23 of the capability sets (linux/capability.h). */
const CAP_SYS_NICE = 23n;

/** The grant from the texts of /proc/<pid>/status and /proc/<pid>/limits. Pure. */
export function realtimeGrantOf(status: string, limits: string, priority: number): RealtimeGrant {
  const capEff = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(status)?.[1];
  if (capEff !== undefined && ((BigInt(`0x${capEff}`) >> CAP_SYS_NICE) & 1n) === 1n)
    return { allowed: true, by: 'CAP_SYS_NICE' };
  // "Max realtime priority     0     0": the soft limit, then the hard one.
  const soft = /^Max realtime priority\s+(\S+)\s+\S+/m.exec(limits)?.[1];
  if (soft === 'unlimited' || (soft !== undefined && Number(soft) >= priority))
    return { allowed: true, by: `RLIMIT_RTPRIO ${soft}` };
  const caps = capEff === undefined ? 'capabilities unreadable' : 'no CAP_SYS_NICE';
  const limit = soft === undefined ? 'RLIMIT_RTPRIO unreadable' : `RLIMIT_RTPRIO ${soft}, below ${priority}`;
  return { allowed: false, why: `${caps}; ${limit}` };
}

/** What to grant for `priority`, said alike by the trader's start-up warning and the preflight. */
export function realtimeRemedy(priority: number): string {
  return `run as root, or grant CAP_SYS_NICE or an RLIMIT_RTPRIO of ${priority} (systemd: LimitRTPRIO=${priority})`;
}

/** This process's grant; never throws. */
export function ownRealtimeGrant(priority: number): RealtimeGrant {
  if (process.platform !== 'linux')
    return { allowed: false, why: `real-time priority is Linux-only (${process.platform})` };
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const limits = readFileSync('/proc/self/limits', 'utf8');
    return realtimeGrantOf(status, limits, priority);
  } catch (err) {
    return { allowed: false, why: `cannot read /proc/self: ${(err as Error).message}` };
  }
}
