/**
 * This thread's recent garbage-collection pauses, so that an opportunity dropped as stale at the
 * trader can say whether a pause of the trader's own heap fell in its hand-off: while V8 collects,
 * the thread takes nothing from the slot (scavenges of ~1 ms were seen in a worker on the 2-vCPU VM).
 * A stale drop with no pause in its hand-off was delayed elsewhere: the thread not scheduled, an
 * event-loop task, or the publishing listener.
 *
 * Fed by a PerformanceObserver on 'gc' entries (start and duration, on the timebase of
 * `epochMicros`: `performance.timeOrigin` + the entry's start); a fixed ring, written only when V8
 * collects and read only when a drop is logged.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Pauses remembered: scavenges come seconds apart on an idle trader; a drop is logged within ms. */
const RING_SIZE = 64;

/**
 * How long after a pause its entry reaches the observer: V8 reports it from its GC callback through
 * two event-loop turns, so a drop logged at once would not see the pause that caused it.
 */
export const GC_ENTRY_DELAY_MS = 20;

export interface GcOverlap {
  /** Pauses that overlapped the interval. */
  readonly gcPauses: number;
  /** µs of the interval they covered. */
  readonly gcPausedUs: number;
}

export class GcPauseRing {
  private readonly startUs = new Float64Array(RING_SIZE);
  private readonly endUs = new Float64Array(RING_SIZE);
  private next = 0;
  private size = 0;

  record(startUs: number, durationUs: number): void {
    this.startUs[this.next] = startUs;
    this.endUs[this.next] = startUs + Math.max(0, durationUs);
    this.next = (this.next + 1) % RING_SIZE;
    if (this.size < RING_SIZE) this.size++;
  }

  /** The remembered pauses that overlap [fromUs, toUs], and how much of it they covered. */
  overlap(fromUs: number, toUs: number): GcOverlap {
    let gcPauses = 0;
    let gcPausedUs = 0;
    for (let i = 0; i < this.size; i++) {
      const start = Math.max(fromUs, this.startUs[i] as number);
      const end = Math.min(toUs, this.endUs[i] as number);
      if (end <= start) continue;
      gcPauses++;
      gcPausedUs += end - start;
    }
    return { gcPauses, gcPausedUs: Math.round(gcPausedUs) };
  }
}

/** Records this thread's GC pauses into `ring` until the returned function is called. */
export function observeGcPauses(ring: GcPauseRing): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      ring.record((performance.timeOrigin + e.startTime) * 1000, e.duration * 1000);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
