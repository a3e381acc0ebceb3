/**
 * Which of the listeners' counts belong to start-up. A listener reports once when every pair of
 * its subset is online and quoted (listener-worker.ts, `feed-warm`); its counter row at that
 * moment is its start-up share, and what it counts afterwards is the steady state. Until then all
 * of its counts are start-up: at start every evaluation of a coin whose other leg is not yet
 * subscribed or quoted is dropped as `pair_offline` or `bad_quote`, which says nothing about the
 * market or the engine.
 */
import { readTotals, type RunTotals } from './run-summary.js';
import type { SharedCounters } from '../../engine/shared/shared-counters.js';

export class StartupCounters {
  private readonly baselines: Array<Float64Array | null>;

  constructor(private readonly counters: SharedCounters) {
    this.baselines = Array.from({ length: counters.rows }, () => null);
  }

  /** Listener `i`'s start-up is over: keep its counts so far (only the first report counts). */
  markWarm(listener: number): void {
    if (!Number.isInteger(listener) || listener < 0 || listener >= this.baselines.length) return;
    if (this.baselines[listener] !== null) return;
    this.baselines[listener] = Float64Array.from(this.counters.row(listener));
  }

  /** Listener `i`'s start-up is over. */
  isWarm(listener: number): boolean {
    return (this.baselines[listener] ?? null) !== null;
  }

  /** Listeners whose start-up is over. */
  warmCount(): number {
    return this.warmListeners().length;
  }

  warmListeners(): number[] {
    return this.baselines.flatMap((b, i) => (b === null ? [] : [i]));
  }

  /** The start-up share of every counter, summed over listeners, in the RunTotals shape. */
  totals(): RunTotals {
    return readTotals(this.counters, (column) => {
      let sum = 0;
      this.baselines.forEach((b, i) => (sum += (b ?? this.counters.row(i))[column] ?? 0));
      return sum;
    });
  }
}
