/**
 * Kraken's decaying counters (docs/kraken-protocol.md §5): a value that grows per call and decays linearly
 * per second; a call that would push it over the limit is refused. Time is passed in (ms) so tests
 * and the venue decide the clock.
 */

export type Tier = 'starter' | 'intermediate' | 'pro';

/** docs/kraken-protocol.md §5.1 REST call counter (non-trading endpoints). */
export const REST_COUNTER_LIMITS: Readonly<Record<Tier, { max: number; decayPerSec: number }>> = {
  starter: { max: 15, decayPerSec: 0.33 },
  intermediate: { max: 20, decayPerSec: 0.5 },
  pro: { max: 20, decayPerSec: 1 },
};

/** docs/kraken-protocol.md §5.2 matching-engine trading counter per pair, and the open-order cap per pair. */
export const TRADING_LIMITS: Readonly<
  Record<Tier, { threshold: number; decayPerSec: number; maxOpenOrders: number }>
> = {
  starter: { threshold: 60, decayPerSec: 1, maxOpenOrders: 60 },
  intermediate: { threshold: 125, decayPerSec: 2.34, maxOpenOrders: 80 },
  pro: { threshold: 180, decayPerSec: 3.75, maxOpenOrders: 225 },
};

/** docs/kraken-protocol.md §5.2 cancel penalty by order age in seconds: [age below, points]. */
const CANCEL_PENALTY: ReadonlyArray<readonly [number, number]> = [
  [5, 8],
  [10, 6],
  [15, 5],
  [45, 4],
  [90, 2],
  [300, 1],
];

export function cancelPenalty(ageSec: number): number {
  for (const [below, points] of CANCEL_PENALTY) if (ageSec < below) return points;
  return 0;
}

export class DecayingCounter {
  private value = 0;
  private lastMs = 0;

  constructor(
    private readonly limit: number,
    private readonly decayPerSec: number,
  ) {}

  current(nowMs: number): number {
    if (nowMs > this.lastMs) {
      this.value = Math.max(0, this.value - (this.decayPerSec * (nowMs - this.lastMs)) / 1000);
      this.lastMs = nowMs;
    }
    return this.value;
  }

  /** Adds `n` if the result stays within the limit; false (and no change) otherwise. */
  tryAdd(n: number, nowMs: number): boolean {
    const v = this.current(nowMs);
    if (v + n > this.limit) return false;
    this.value = v + n;
    return true;
  }

  /** Adds unconditionally (penalties that apply even when the call fails). */
  add(n: number, nowMs: number): void {
    this.value = this.current(nowMs) + n;
  }
}
