/** The dashboard's picture of the run at one instant, from what the main thread already holds. */
import type { RiskLimits } from '../core/risk-limits.js';
import { DROP_REASONS, DROP_STAGE_TITLES, dropCounts, INPUT_PROBLEMS } from '../main/summary/drop-reasons.js';
import { readTotals, type TradeLedger } from '../main/summary/run-summary.js';
import { FEED_STATUS_NAMES, type SharedState } from '../engine/shared/shared-state.js';
import type { StartupCounters } from '../main/summary/startup-counters.js';
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { LiveStatus } from '../control/live-status.js';
import { OPERATOR_STOP_CODE, type TradingControl } from '../control/trading-control.js';
import type { JournalTail } from './journal-tail.js';
import type { DashboardSnapshot, DropView, FeedView } from './snapshot-types.js';

export interface SnapshotSources {
  readonly mode: 'evaluate' | 'trade';
  /** e.g. `the built-in simulator` or `Kraken (colocated)`. */
  readonly venue: string;
  readonly shared: SharedState;
  readonly ledger: TradeLedger;
  readonly live: LiveStatus;
  readonly startup: StartupCounters;
  readonly control: TradingControl;
  readonly traderCounters: () => Readonly<Record<string, number>>;
  /** Null in evaluation mode: no journal, no trades. */
  readonly tail: JournalTail | null;
  readonly ingestionRun: LatencyHistogram;
  readonly pairsPerListener: readonly number[];
  readonly risk: RiskLimits;
  readonly nowMs?: () => number;
}

function feeds(s: SnapshotSources, nowMs: number): FeedView[] {
  const warm = s.startup.warmListeners();
  return s.pairsPerListener.map((pairs, i) => {
    const last = s.shared.lastFrameUs(i);
    return {
      listener: i,
      status: FEED_STATUS_NAMES[s.shared.feedStatus(i)] ?? 'unknown',
      pairs,
      updatesPerS: s.live.listenerRate(i),
      lastUpdateAgeMs: last > 0 ? Math.max(0, nowMs - last / 1000) : null,
      reconnects: s.live.reconnects(i),
      warm: warm.includes(i),
    };
  });
}

function drops(s: SnapshotSources): DropView[] {
  const totals = readTotals(s.shared.counters);
  const counts = dropCounts(
    [...DROP_REASONS, ...INPUT_PROBLEMS],
    totals,
    s.startup.totals(),
    s.traderCounters(),
  );
  return counts.map((c) => ({
    key: c.reason.key,
    label: c.reason.label,
    stageTitle: INPUT_PROBLEMS.includes(c.reason)
      ? 'Bad input from the feed'
      : DROP_STAGE_TITLES[c.reason.stage],
    explanation: c.reason.explanation,
    startup: c.startup,
    after: c.after,
  }));
}

export function buildSnapshot(s: SnapshotSources): DashboardSnapshot {
  const nowMs = (s.nowMs ?? Date.now)();
  const totals = readTotals(s.shared.counters);
  const state = s.control.state();
  const byStatus: Record<string, number> = {};
  for (const o of s.ledger.outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  return {
    atMs: nowMs,
    mode: s.mode,
    venue: s.venue,
    uptimeS: (nowMs - s.live.startedMs) / 1000,
    updates: totals.updates,
    updatesPerS: s.live.updatesPerSecond(),
    feeds: feeds(s, nowMs),
    opportunities: {
      usdToEur: totals.opportunitiesUsdToEur,
      eurToUsd: totals.opportunitiesEurToUsd,
      roiHistogram: s.live.roiHistogram(),
    },
    drops: drops(s),
    trades: s.tail?.view() ?? [],
    pnl: { usd: s.ledger.pnlUsd, series: s.live.pnlSeries(), tradesByStatus: byStatus },
    stranded: { ...s.ledger.stranded },
    latency: {
      decisionToSend: s.ledger.decisionToSendPercentiles(),
      ingestionRecent: s.live.ingestionRecent(),
      ingestionRun: s.ingestionRun.percentiles(),
    },
    risk: {
      tradingEnabled: state.tradingEnabled,
      stopReason: state.stopReason,
      operatorStop: state.operatorStopped,
      resumable: state.operatorStopped && state.stopCode === OPERATOR_STOP_CODE && !state.shuttingDown,
      shuttingDown: state.shuttingDown,
      limits: { ...s.risk },
      ...s.live.riskFigures(),
    },
  };
}
