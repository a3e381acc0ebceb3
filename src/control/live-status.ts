/**
 * The run as it goes, for the operator's live views (dashboard, Telegram): rates per listener, the
 * ROI of the opportunities found, PnL over time, recent outcomes and a rolling ingestion-latency
 * window. Fed by the main thread (status tick, metrics hub, trade messages); memory is bounded.
 * Never on the trading path.
 */
import { DIR_EUR_TO_USD } from '../core/opportunity.js';
import type { TradeOutcome } from '../core/trade-outcome.js';
import { CTR_RECONNECTS, CTR_UPDATES } from '../engine/shared/shared-counters.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';

/** ROI above 1 in basis points: lower edges of the histogram's buckets. */
export const ROI_BUCKET_EDGES_BP: readonly number[] = [0, 5, 10, 20, 50, 100, 200];
const INGESTION_WINDOW_MS = 10_000;
const MAX_SERIES_POINTS = 2_000;
const MAX_RECENT_OUTCOMES = 1_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface OutcomeAt {
  readonly atMs: number;
  readonly status: TradeOutcome['status'];
  readonly pnlUsd: number;
}

export class LiveStatus {
  readonly startedMs: number;
  private readonly nowMs: () => number;
  private readonly lastRow: Float64Array;
  private readonly rates: Float64Array;
  private lastTickMs: number;
  private total = 0;
  private readonly roi = ROI_BUCKET_EDGES_BP.map(() => [0, 0] as [number, number]);
  private ingestionCurrent = new LatencyHistogram();
  private ingestionDone = new LatencyHistogram();
  private windowStartMs: number;
  private windowsDone = 0;
  private readonly series: Array<[number, number]> = [];
  private readonly outcomes: OutcomeAt[] = [];
  private cumulativeUsd = 0;

  constructor(
    private readonly shared: SharedState,
    nowMs: () => number = Date.now,
  ) {
    this.nowMs = nowMs;
    this.startedMs = nowMs();
    this.lastTickMs = this.startedMs;
    this.windowStartMs = this.startedMs;
    this.lastRow = new Float64Array(shared.counters.rows);
    this.rates = new Float64Array(shared.counters.rows);
    this.series.push([this.startedMs, 0]);
  }

  /** Once a second from the main thread's status timer. */
  tick(): void {
    const now = this.nowMs();
    const dt = Math.max(1, now - this.lastTickMs) / 1000;
    let total = 0;
    for (let i = 0; i < this.lastRow.length; i++) {
      const updates = this.shared.counters.row(i)[CTR_UPDATES] ?? 0;
      // A restarted listener keeps its row; a smaller count cannot happen, but never show a negative rate.
      this.rates[i] = Math.max(0, updates - (this.lastRow[i] as number)) / dt;
      this.lastRow[i] = updates;
      total += this.rates[i] as number;
    }
    this.total = total;
    this.lastTickMs = now;
    if (now - this.windowStartMs >= INGESTION_WINDOW_MS) {
      [this.ingestionDone, this.ingestionCurrent] = [this.ingestionCurrent, this.ingestionDone];
      this.ingestionCurrent.reset();
      this.windowStartMs = now;
      this.windowsDone++;
    }
  }

  updatesPerSecond(): number {
    return this.total;
  }

  listenerRate(i: number): number {
    return this.rates[i] ?? 0;
  }

  reconnects(i: number): number {
    return this.shared.counters.row(i)[CTR_RECONNECTS] ?? 0;
  }

  onIngestion(latencyUs: number): void {
    this.ingestionCurrent.record(latencyUs);
  }

  /** Ingestion latency over the last complete 10 s window (the current one until one is complete). */
  ingestionRecent(): ReturnType<LatencyHistogram['percentiles']> {
    return this.windowsDone > 0 ? this.ingestionDone.percentiles() : this.ingestionCurrent.percentiles();
  }

  onOpportunity(direction: number, roi: number): void {
    if (!Number.isFinite(roi)) return;
    const bp = (roi - 1) * 10_000;
    let b = 0;
    while (b + 1 < ROI_BUCKET_EDGES_BP.length && bp >= (ROI_BUCKET_EDGES_BP[b + 1] as number)) b++;
    const bucket = this.roi[b] as [number, number];
    bucket[direction === DIR_EUR_TO_USD ? 1 : 0]++;
  }

  /** `[label, usdToEur, eurToUsd]` per bucket. */
  roiHistogram(): Array<{ label: string; usdToEur: number; eurToUsd: number }> {
    return ROI_BUCKET_EDGES_BP.map((lo, b) => {
      const hi = ROI_BUCKET_EDGES_BP[b + 1];
      const [usdToEur, eurToUsd] = this.roi[b] as [number, number];
      return { label: hi === undefined ? `≥ ${lo} bp` : `${lo}–${hi} bp`, usdToEur, eurToUsd };
    });
  }

  onTrade(o: TradeOutcome): void {
    const now = this.nowMs();
    const pnl = Number.isFinite(o.pnlUsd) ? o.pnlUsd : 0;
    this.cumulativeUsd += pnl;
    this.series.push([now, this.cumulativeUsd]);
    // Bounded: past the cap, every other point of the older half goes (the curve keeps its shape).
    if (this.series.length > MAX_SERIES_POINTS) {
      const half = Math.floor(this.series.length / 2);
      const older = this.series.slice(0, half).filter((_, k) => k % 2 === 0);
      this.series.splice(0, half, ...older);
    }
    this.outcomes.push({ atMs: now, status: o.status, pnlUsd: pnl });
    if (this.outcomes.length > MAX_RECENT_OUTCOMES) this.outcomes.shift();
  }

  pnlSeries(): ReadonlyArray<readonly [number, number]> {
    return this.series;
  }

  /** Trades that ended in the last minute, PnL since UTC midnight and failures in a row, as this run saw them. */
  riskFigures(): { tradesLastMinute: number; dayPnlUsd: number; failuresInARow: number } {
    const now = this.nowMs();
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    let tradesLastMinute = 0;
    let dayPnlUsd = 0;
    for (const o of this.outcomes) {
      if (now - o.atMs < MINUTE_MS) tradesLastMinute++;
      if (o.atMs >= dayStart) dayPnlUsd += o.pnlUsd;
    }
    let failuresInARow = 0;
    for (let k = this.outcomes.length - 1; k >= 0; k--) {
      const s = (this.outcomes[k] as OutcomeAt).status;
      if (s === 'stranded' || s === 'unknown' || s === 'failed' || s === 'rejected') failuresInARow++;
      else break;
    }
    return { tradesLastMinute, dayPnlUsd, failuresInARow };
  }
}
