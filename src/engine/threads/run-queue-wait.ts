/**
 * How long this thread waited on a run queue, runnable but not running, around a moment: so that a
 * slow hand-off to the trader can say whether the trader was kept off its CPU (by the fetcher it
 * shares CPU 1 with on a 2-CPU machine, or anything else) rather than busy or asleep.
 *
 * Linux keeps the total per thread in /proc/thread-self/schedstat ("ns on CPU, ns waiting on a run
 * queue, timeslices": Documentation/scheduler/sched-stats.rst). A read costs a system call (~10 µs),
 * so the trader samples it at most every SAMPLE_EVERY_US from its idle turns, never on the trade
 * path, and reads it once more only when it logs a hand-off. The wait is then known over the window
 * from the last sample before the moment to the log line, which the line states.
 */
import { readFileSync } from 'node:fs';

/** Between samples: a read every 100 ms is ~0.01 % of a core. */
export const SAMPLE_EVERY_US = 100_000;
/** Samples remembered: the newest one before a hand-off is at most one trade and its pause old. */
const RING_SIZE = 16;

export interface RunQueueWait {
  /** µs this thread spent runnable but not running in the window. */
  readonly runQueueWaitUs: number;
  /** The window: from the last sample before the moment to the read for the log line, µs. */
  readonly runQueueWindowUs: number;
}

/** This thread's total run-queue wait in ns, or null where the kernel does not say (not Linux). */
export function readOwnRunQueueNs(): number | null {
  try {
    const fields = readFileSync('/proc/thread-self/schedstat', 'latin1').trim().split(/\s+/);
    const waited = Number(fields[1]);
    return fields.length >= 2 && Number.isFinite(waited) ? waited : null;
  } catch {
    return null;
  }
}

export class RunQueueWaitSampler {
  private readonly atUs = new Float64Array(RING_SIZE);
  private readonly waitedNs = new Float64Array(RING_SIZE);
  private next = 0;
  private size = 0;
  /** False once a read failed: the kernel does not say, and nothing is read again. */
  private available = true;

  constructor(private readonly read: () => number | null = readOwnRunQueueNs) {}

  /** Takes a sample when the last is SAMPLE_EVERY_US old (call it from idle time only). */
  sampleIfDue(nowUs: number): void {
    if (!this.available) return;
    const newest =
      this.size === 0 ? -Infinity : (this.atUs[(this.next + RING_SIZE - 1) % RING_SIZE] as number);
    if (nowUs - newest < SAMPLE_EVERY_US) return;
    const ns = this.read();
    if (ns === null) {
      this.available = false;
      return;
    }
    this.atUs[this.next] = nowUs;
    this.waitedNs[this.next] = ns;
    this.next = (this.next + 1) % RING_SIZE;
    if (this.size < RING_SIZE) this.size++;
  }

  /**
   * The wait from the newest sample at or before `momentUs` to now (read now); null when there is no
   * such sample or the kernel does not say.
   */
  waitedAround(momentUs: number, nowUs: number): RunQueueWait | null {
    if (!this.available) return null;
    let from = -1;
    for (let i = 0; i < this.size; i++) {
      const at = this.atUs[i] as number;
      if (at <= momentUs && (from < 0 || at > (this.atUs[from] as number))) from = i;
    }
    if (from < 0) return null;
    const ns = this.read();
    if (ns === null) return null;
    return {
      runQueueWaitUs: Math.round((ns - (this.waitedNs[from] as number)) / 1000),
      runQueueWindowUs: Math.round(nowUs - (this.atUs[from] as number)),
    };
  }
}
