/**
 * Injectable clock and one-shot timers, so the connection's backoff, watchdog and order
 * timeouts can be driven by a fake clock in tests (the undici pattern).
 */
export type TimerHandle = unknown;

export interface Timers {
  /** Monotonic milliseconds (any origin). */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Real timers over performance.now(): monotonic, allocation-free to read (docs/node-latency.md §5). */
export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Local receive time in epoch microseconds (≈0.25 µs resolution, no allocation; docs/node-latency.md §5). */
export function epochMicros(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}
