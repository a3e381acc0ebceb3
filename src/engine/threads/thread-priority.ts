/**
 * The CALLING thread's scheduling policy (call it from inside the worker), set with `chrt -p` on its
 * tid (util-linux; the tid from /proc/thread-self) and read back from /proc/thread-self/stat. Never
 * throws: where it cannot, it says why and the thread runs on as it was.
 *
 * Why: on Linux 6.6+ (EEVDF) a woken ordinary thread may wait for the running one's slice (about
 * 1.5–3 ms on a 2-CPU box) before it runs; the trader's "opportunity stale at the trader" drops
 * were waits of 1.1–6.5 ms between the listener's hand-off and the trader taking it, with the
 * trader idle (bench/README.md, "Real-time priority for the trader"). Two ways out:
 *  - SCHED_FIFO for the trader (setRealtimePriority, TRADER_RT_PRIORITY): it preempts every
 *    ordinary thread on its CPU when it wakes. It needs root or CAP_SYS_NICE (or an RLIMIT_RTPRIO of
 *    at least the priority). The kernel's real-time throttling (sched_rt_runtime_us, 95 % by
 *    default) still keeps a runaway thread from starving the rest.
 *  - SCHED_IDLE for the thread that shares the trader's CPU (setIdlePriority: the fetcher): a woken
 *    ordinary thread preempts a SCHED_IDLE one at once, whatever its slice. Any thread may lower
 *    its own policy so, without privilege. It runs whenever the CPU is otherwise idle, which a
 *    parked trader's CPU nearly always is; never pair it with a spinning trader, which would leave
 *    it almost nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ownThreadId } from './affinity.js';

export interface PriorityResult {
  readonly set: boolean;
  readonly reason?: string;
}

const CHRT_TIMEOUT_MS = 5_000;
/** Linux's policy numbers (field 41 of /proc/<tid>/stat). */
export const SCHED_FIFO = 1;
export const SCHED_IDLE = 5;

/** Policy and real-time priority from a thread's /proc/<pid>/task/<tid>/stat text; null if unreadable. */
export function schedPolicyOf(stat: string): { policy: number; rtPriority: number } | null {
  // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 40 (rt_priority) and 41 (policy), counted from 1 with pid and comm as fields 1 and 2.
  const rtPriority = Number(fields[40 - 3]);
  const policy = Number(fields[41 - 3]);
  if (!Number.isInteger(rtPriority) || !Number.isInteger(policy)) return null;
  return { policy, rtPriority };
}

/** The calling thread's policy and real-time priority (/proc/thread-self/stat); null if unknown. */
export function ownSchedPolicy(): { policy: number; rtPriority: number } | null {
  try {
    return schedPolicyOf(readFileSync('/proc/thread-self/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** SCHED_FIFO at `priority` (1–99) for the calling thread. */
export function setRealtimePriority(priority: number): PriorityResult {
  if (!Number.isInteger(priority) || priority < 1 || priority > 99)
    return { set: false, reason: `invalid priority ${priority} (1 … 99)` };
  return setOwnPolicy(
    ['-f', '-p', String(priority)],
    { policy: SCHED_FIFO, rtPriority: priority },
    'real-time',
  );
}

/** SCHED_IDLE for the calling thread: any ordinary thread that wakes on its CPU runs first. */
export function setIdlePriority(): PriorityResult {
  return setOwnPolicy(['-i', '-p', '0'], { policy: SCHED_IDLE, rtPriority: 0 }, 'idle');
}

function setOwnPolicy(
  chrtArgs: string[],
  want: { policy: number; rtPriority: number },
  what: string,
): PriorityResult {
  if (process.platform !== 'linux')
    return { set: false, reason: `${what} priority is Linux-only (${process.platform})` };
  const tid = ownThreadId();
  if (tid === null) return { set: false, reason: 'cannot read own thread id (/proc/thread-self)' };
  try {
    execFileSync('chrt', [...chrtArgs, String(tid)], { stdio: 'pipe', timeout: CHRT_TIMEOUT_MS });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    const why = stderr !== undefined && stderr !== '' ? stderr : e instanceof Error ? e.message : String(e);
    const privilege = want.policy === SCHED_FIFO ? ' (needs root or CAP_SYS_NICE)' : '';
    return { set: false, reason: `chrt failed: ${why.split('\n')[0] ?? why}${privilege}` };
  }
  const now = ownSchedPolicy();
  if (now === null || now.policy !== want.policy || now.rtPriority !== want.rtPriority)
    return { set: false, reason: `chrt ran but the thread's policy is ${JSON.stringify(now)}` };
  return { set: true };
}
