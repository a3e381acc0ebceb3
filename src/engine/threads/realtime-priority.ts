/**
 * Puts the CALLING thread (call it from inside the worker) under Linux's real-time FIFO scheduling
 * (SCHED_FIFO) at a priority, so that when an opportunity wakes it, it runs at once instead of
 * waiting for whatever ordinary thread holds its CPU to use up its time slice.
 *
 * Why: on Linux 6.6+ (EEVDF) a woken ordinary thread may wait for the running one's slice (about
 * 1.5–3 ms on a 2-CPU box) before it runs; the trader's "opportunity stale at the trader" drops
 * were waits of 1.1–6.5 ms between the listener's hand-off and the trader taking it, with the
 * trader idle (bench/README.md, "Real-time priority for the trader"). A SCHED_FIFO thread preempts
 * every ordinary one on its CPU when it wakes.
 *
 * How: `chrt -f -p <priority> <tid>` (util-linux; the tid from /proc/thread-self), then the
 * thread's policy is read back from /proc/thread-self/stat. It needs root or CAP_SYS_NICE (or an
 * RLIMIT_RTPRIO of at least the priority); without them it says why and the thread runs on at
 * ordinary priority. The kernel's real-time throttling (sched_rt_runtime_us, 95 % by default)
 * still keeps a runaway thread from starving the rest. Never throws.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ownThreadId } from './affinity.js';

export interface PriorityResult {
  readonly set: boolean;
  readonly reason?: string;
}

const CHRT_TIMEOUT_MS = 5_000;
/** Linux's SCHED_FIFO policy number (field 41 of /proc/<tid>/stat). */
const SCHED_FIFO = 1;

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
  if (process.platform !== 'linux')
    return { set: false, reason: `real-time priority is Linux-only (${process.platform})` };
  if (!Number.isInteger(priority) || priority < 1 || priority > 99)
    return { set: false, reason: `invalid priority ${priority} (1 … 99)` };
  const tid = ownThreadId();
  if (tid === null) return { set: false, reason: 'cannot read own thread id (/proc/thread-self)' };
  try {
    execFileSync('chrt', ['-f', '-p', String(priority), String(tid)], {
      stdio: 'pipe',
      timeout: CHRT_TIMEOUT_MS,
    });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    const why = stderr !== undefined && stderr !== '' ? stderr : e instanceof Error ? e.message : String(e);
    return { set: false, reason: `chrt failed: ${why.split('\n')[0] ?? why} (needs root or CAP_SYS_NICE)` };
  }
  const now = ownSchedPolicy();
  if (now === null || now.policy !== SCHED_FIFO || now.rtPriority !== priority)
    return { set: false, reason: `chrt ran but the thread's policy is ${JSON.stringify(now)}` };
  return { set: true };
}
