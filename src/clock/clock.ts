/**
 * The one clock module (the undici pattern): production code reads time and arms timers through
 * these functions or a `Clock`, and tests pass a fake `Clock` (test/helpers/fake-clock.ts) so
 * backoff, watchdogs, order timeouts and the REST rate limiter move only when the test says so.
 *
 * Two timebases, on purpose:
 * - epoch time from `performance.timeOrigin + performance.now()`: monotonic within a thread, on one
 *   timebase across worker threads (bare `performance.now()` is per-thread), ≈0.25 µs resolution and
 *   no allocation (docs/node-latency.md §5). Hot-path readers call `epochMicros()`, a plain function
 *   V8 inlines.
 * - wall time from `Date.now()` (`wallEpochMicros`) for REST nonces only: Kraken remembers nonces
 *   across restarts, so they must follow the wall clock, not this process's origin.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Monotonic milliseconds (any origin), for timeouts and backoff within one thread. */
  now(): number;
  /** Epoch milliseconds on one timebase across threads (shared rate-limiter and connection budgets). */
  nowMs(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Resolves after `ms`; rejects with the signal's reason if it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Epoch milliseconds, the same timebase in every thread. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Local receive time in epoch microseconds (≈0.25 µs resolution, no allocation; docs/node-latency.md §5). */
export function epochMicros(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** Wall-clock epoch microseconds as a BigInt, for nonces (Kraken remembers them across restarts). */
export function wallEpochMicros(): bigint {
  return BigInt(Date.now()) * 1000n;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock: performance.now() and Node's timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  nowMs: epochMs,
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  sleep,
};
