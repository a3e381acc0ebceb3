/**
 * Latency percentiles for the live views (run summary, dashboard): an HDR histogram from
 * node:perf_hooks over whole microseconds, 1 µs to 60 s at three significant figures. Values below
 * 1 µs (a negative ingestion latency is clock skew between Kraken and this host) count as 1 µs;
 * above 60 s as 60 s.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

const LOWEST_US = 1;
const HIGHEST_US = 60_000_000;

export interface LatencyPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export class LatencyHistogram {
  private h: RecordableHistogram = createHistogram({ lowest: LOWEST_US, highest: HIGHEST_US, figures: 3 });

  record(us: number): void {
    if (!Number.isFinite(us)) return;
    this.h.record(Math.min(HIGHEST_US, Math.max(LOWEST_US, Math.round(us))));
  }

  get count(): number {
    return this.h.count;
  }

  /** p50, p90, p99 and max in µs; null when nothing was recorded. */
  percentiles(): LatencyPercentiles | null {
    const h = this.h;
    if (h.count === 0) return null;
    return {
      count: h.count,
      p50: h.percentile(50),
      p90: h.percentile(90),
      p99: h.percentile(99),
      max: h.max,
    };
  }

  reset(): void {
    this.h.reset();
  }
}
