/**
 * Risk limits as a pure state: trades started in the last minute, realised PnL of the UTC day and
 * failures in a row. Reaching any limit stops trading (evaluation goes on) with a reason.
 */
export interface RiskLimits {
  readonly maxTradesPerMinute: number;
  /** USD; trading stops when the day's realised PnL is below −maxDailyLoss. */
  readonly maxDailyLoss: number;
  readonly maxConsecutiveFailures: number;
}

export interface RiskState {
  /** Start times (epoch ms) of trades in the last minute, oldest first. */
  readonly recentStartsMs: readonly number[];
  /** UTC day number (epoch days) the PnL belongs to. */
  readonly day: number;
  readonly dayPnlUsd: number;
  readonly consecutiveFailures: number;
}

export type RiskStopReason = 'max-trades-per-minute' | 'max-daily-loss' | 'max-consecutive-failures';

export const RISK_STOP_CODES: Readonly<Record<RiskStopReason, number>> = {
  'max-trades-per-minute': 1,
  'max-daily-loss': 2,
  'max-consecutive-failures': 3,
};

export const RISK_STOP_REASONS: readonly RiskStopReason[] = [
  'max-trades-per-minute',
  'max-daily-loss',
  'max-consecutive-failures',
];

export function isRiskStopReason(v: unknown): v is RiskStopReason {
  return typeof v === 'string' && (RISK_STOP_REASONS as readonly string[]).includes(v);
}

/**
 * What a finished trade does to the failures-in-a-row count: a success (sold) resets it, a failure
 * (rejected by Kraken, stranded, left unknown, not sent) adds one, and a trade that simply did not
 * happen or only left dust (not filled, stale, dust) leaves it as it was.
 */
export type TradeEffect = 'success' | 'failure' | 'neutral';

export function tradeEffect(status: string): TradeEffect {
  if (status === 'sold') return 'success';
  if (status === 'rejected' || status === 'stranded' || status === 'unknown' || status === 'failed')
    return 'failure';
  return 'neutral';
}

/** The UTC day (epoch days) of an epoch-ms time. */
export function utcDay(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS);
}

/**
 * Does a stop journaled at `stoppedAtMs` still hold at `nowMs`? A daily-loss stop ends with its UTC
 * day; every other stop holds until the operator clears it deliberately.
 */
export function stopStillHolds(reason: RiskStopReason, stoppedAtMs: number, nowMs: number): boolean {
  return reason !== 'max-daily-loss' || utcDay(stoppedAtMs) === utcDay(nowMs);
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function initialRisk(nowMs: number): RiskState {
  return { recentStartsMs: [], day: Math.floor(nowMs / DAY_MS), dayPnlUsd: 0, consecutiveFailures: 0 };
}

function rollDay(s: RiskState, nowMs: number): RiskState {
  const day = Math.floor(nowMs / DAY_MS);
  return day === s.day ? s : { ...s, day, dayPnlUsd: 0 };
}

/**
 * May a new trade start now? Returns the reason it may not, or null. It runs between taking an
 * opportunity and sending its order, so it allocates nothing and only skips the starts that
 * expired since the last recordTradeStart (which prunes them).
 */
export function checkBeforeTrade(s: RiskState, limits: RiskLimits, nowMs: number): RiskStopReason | null {
  const starts = s.recentStartsMs;
  let expired = 0;
  while (expired < starts.length && nowMs - (starts[expired] as number) >= MINUTE_MS) expired++;
  if (starts.length - expired >= limits.maxTradesPerMinute) return 'max-trades-per-minute';
  const sameDay = Math.floor(nowMs / DAY_MS) === s.day;
  if (sameDay && s.dayPnlUsd < -limits.maxDailyLoss) return 'max-daily-loss';
  if (s.consecutiveFailures >= limits.maxConsecutiveFailures) return 'max-consecutive-failures';
  return null;
}

/** A trade's order was sent (the trader records it after the send, off the latency path). */
export function recordTradeStart(s: RiskState, nowMs: number): RiskState {
  const rolled = rollDay(s, nowMs);
  return {
    ...rolled,
    recentStartsMs: [...rolled.recentStartsMs.filter((t) => nowMs - t < MINUTE_MS), nowMs],
  };
}

/**
 * A finished trade: its realised PnL in USD and its effect on the failures in a row (tradeEffect).
 * Returns the new state and the limit it reached, if any.
 */
export function recordTradeEnd(
  s: RiskState,
  limits: RiskLimits,
  nowMs: number,
  pnlUsd: number,
  effect: TradeEffect,
): { state: RiskState; stop: RiskStopReason | null } {
  const rolled = rollDay(s, nowMs);
  const failures =
    effect === 'failure'
      ? rolled.consecutiveFailures + 1
      : effect === 'success'
        ? 0
        : rolled.consecutiveFailures;
  const state: RiskState = {
    ...rolled,
    dayPnlUsd: rolled.dayPnlUsd + (Number.isFinite(pnlUsd) ? pnlUsd : 0),
    consecutiveFailures: failures,
  };
  let stop: RiskStopReason | null = null;
  if (state.dayPnlUsd < -limits.maxDailyLoss) stop = 'max-daily-loss';
  else if (state.consecutiveFailures >= limits.maxConsecutiveFailures) stop = 'max-consecutive-failures';
  return { state, stop };
}
