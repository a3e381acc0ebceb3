/**
 * A timeout of any length. Node's setTimeout takes at most 2^31−1 ms (about 24.8 days); a longer
 * delay is replaced by 1 ms with only a warning, so `--duration 2200000` stopped the program at
 * once. This arms chunks of at most that size against a monotonic deadline.
 */
import { realClock, type TimerHandle, type Clock } from '../clock/clock.js';

export const MAX_TIMER_MS = 2_147_483_647;

export interface LongTimer {
  cancel(): void;
}

export function setLongTimeout(fn: () => void, delayMs: number, timers: Clock = realClock): LongTimer {
  if (!(delayMs >= 0) || !Number.isFinite(delayMs)) throw new RangeError('delayMs must be finite and >= 0');
  const end = timers.now() + delayMs;
  let handle: TimerHandle | null = null;
  const arm = (): void => {
    const left = end - timers.now();
    if (left <= 0) {
      handle = null;
      fn();
      return;
    }
    handle = timers.setTimeout(arm, Math.min(MAX_TIMER_MS, Math.ceil(left)));
  };
  arm();
  return {
    cancel: () => {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
