/**
 * What the dashboard server pushes to the page, once a second and on every trade event: the whole
 * picture in one JSON object. Types only (no imports), shared by the server (Node) and the page's
 * script (the browser build in client/).
 */

export interface LatencyView {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface FeedView {
  readonly listener: number;
  /** online, connecting, disconnected, maintenance… */
  readonly status: string;
  readonly pairs: number;
  readonly updatesPerS: number;
  /** Since the listener's last accepted update; null before the first. */
  readonly lastUpdateAgeMs: number | null;
  readonly reconnects: number;
  /** Start-up over: every pair online and quoted once. */
  readonly warm: boolean;
}

export interface RoiBucket {
  /** e.g. `5–10 bp` (basis points of ROI above 1). */
  readonly label: string;
  readonly usdToEur: number;
  readonly eurToUsd: number;
}

export interface DropView {
  readonly key: string;
  readonly label: string;
  readonly stageTitle: string;
  readonly explanation: string;
  /** null where there is no start-up split (the trader's own counts). */
  readonly startup: number | null;
  readonly after: number;
}

export interface FillView {
  readonly atMs: number;
  readonly price: number;
  readonly volume: number;
  readonly fee: number;
}

export interface LegView {
  readonly side: 'buy' | 'sell';
  readonly pair: string;
  /** Orders sent on this leg (a sell retried counts each attempt). */
  readonly orders: number;
  readonly fills: readonly FillView[];
}

export interface TradeView {
  readonly tradeId: string;
  readonly startedMs: number;
  readonly buyPair: string;
  readonly sellPair: string;
  readonly direction: string;
  /** `in progress` until the outcome: sold, not-filled, rejected, stranded, unknown, failed. */
  readonly status: string;
  readonly pnlUsd: number | null;
  readonly reason: string | null;
  readonly legs: readonly LegView[];
}

export interface RiskView {
  readonly tradingEnabled: boolean;
  /** 'none', 'operator stop', 'risk limit max-daily-loss'… */
  readonly stopReason: string;
  readonly operatorStop: boolean;
  /** Resume would be accepted: an operator stop, and nothing else, holds. */
  readonly resumable: boolean;
  readonly shuttingDown: boolean;
  readonly limits: {
    readonly maxTradesPerMinute: number;
    readonly maxDailyLoss: number;
    readonly maxConsecutiveFailures: number;
  };
  /** As this run saw them (the trader holds the authoritative state). */
  readonly tradesLastMinute: number;
  readonly dayPnlUsd: number;
  readonly failuresInARow: number;
}

export interface DashboardSnapshot {
  readonly atMs: number;
  readonly mode: 'evaluate' | 'trade';
  readonly venue: string;
  readonly uptimeS: number;
  readonly updates: number;
  readonly updatesPerS: number;
  readonly feeds: readonly FeedView[];
  readonly opportunities: {
    readonly usdToEur: number;
    readonly eurToUsd: number;
    readonly roiHistogram: readonly RoiBucket[];
  };
  readonly drops: readonly DropView[];
  /** Newest first. */
  readonly trades: readonly TradeView[];
  readonly pnl: {
    readonly usd: number;
    /** [epoch ms, cumulative USD] after each trade, from the start of the run. */
    readonly series: ReadonlyArray<readonly [number, number]>;
    readonly tradesByStatus: Readonly<Record<string, number>>;
  };
  readonly stranded: Readonly<Record<string, number>>;
  readonly latency: {
    readonly decisionToSend: LatencyView | null;
    /** Kraken timestamp → received, over the last complete 10 s window. */
    readonly ingestionRecent: LatencyView | null;
    readonly ingestionRun: LatencyView | null;
  };
  readonly risk: RiskView;
}

/** The answer to POST /api/stop and /api/resume. */
export interface ControlAnswer {
  readonly ok: boolean;
  readonly message: string;
}
