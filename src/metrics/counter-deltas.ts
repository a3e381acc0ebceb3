/**
 * Turns monotonically growing counters (e.g. a listener's row in the engine's SharedCounters) into
 * per-report deltas by name, for points like `arbitrage_opportunity_dropped` whose `count` is "since
 * the previous point". A counter that went down (a restarted worker's fresh row) restarts from it.
 */
export class CounterDeltas {
  private readonly last: Float64Array;

  constructor(
    readonly names: readonly string[],
    /** Column of each name in the values given to take(); default 0…n-1. */
    readonly columns: readonly number[] = names.map((_, i) => i),
  ) {
    this.last = new Float64Array(names.length);
  }

  /** Deltas since the previous call, only the non-zero ones. */
  take(values: ArrayLike<number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.names.length; i++) {
      const v = values[this.columns[i] as number];
      if (v === undefined || !Number.isFinite(v)) continue;
      const prev = this.last[i] as number;
      const d = v >= prev ? v - prev : v;
      this.last[i] = v;
      if (d > 0) out[this.names[i] as string] = d;
    }
    return out;
  }
}
