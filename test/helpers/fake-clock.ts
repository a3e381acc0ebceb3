// The one fake clock (src/clock/clock.ts is the real one): time moves only when the test says so.
// Timers and sleeps fire in due order as the test advances time (fireNext, advance); in auto mode
// every sleep instead jumps time to its end at once. Every sleep is recorded.
import type { Clock, TimerHandle } from '../../src/clock/clock.js';

interface PendingTimer {
  readonly due: number;
  readonly fn: () => void;
  readonly delay: number;
}

export class FakeClock implements Clock {
  /** The fake's time in ms; both now() and nowMs() read it. */
  time = 0;
  readonly sleeps: number[] = [];
  readonly pending = new Map<number, PendingTimer>();
  private seq = 0;

  /** @param autoSleep each sleep advances time by its length and resolves at once. */
  constructor(private readonly autoSleep = false) {}

  now(): number {
    return this.time;
  }

  nowMs(): number {
    return this.time;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = ++this.seq;
    this.pending.set(id, { due: this.time + delayMs, fn, delay: delayMs });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (this.autoSleep) {
      this.time += ms;
      return Promise.resolve();
    }
    signal?.throwIfAborted();
    return new Promise<void>((resolve) => this.setTimeout(resolve, ms));
  }

  /** Advance to the earliest timer and run it; returns its delay, or -1 if none. */
  fireNext(): number {
    const next = this.earliest(Infinity);
    if (next === undefined) return -1;
    this.pending.delete(next[0]);
    this.time = Math.max(this.time, next[1].due);
    next[1].fn();
    return next[1].delay;
  }

  /** Moves time forward by `ms`, running every timer due by then in due order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = this.earliest(target);
      if (next === undefined) break;
      this.pending.delete(next[0]);
      this.time = next[1].due;
      next[1].fn();
    }
    this.time = target;
  }

  private earliest(dueBy: number): [number, PendingTimer] | undefined {
    let best: [number, PendingTimer] | undefined;
    for (const e of this.pending)
      if (e[1].due <= dueBy && (best === undefined || e[1].due < best[1].due)) best = e;
    return best;
  }
}

/** Lets queued promise callbacks run (no timers involved). */
export async function flushMicrotasks(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
