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
 * A finished trade: its realised PnL in USD and whether it failed (rejected by an error other than
 * "no fill", stranded, or left unknown). Returns the new state and the limit it reached, if any.
 */
export function recordTradeEnd(
  s: RiskState,
  limits: RiskLimits,
  nowMs: number,
  pnlUsd: number,
  failed: boolean,
): { state: RiskState; stop: RiskStopReason | null } {
  const rolled = rollDay(s, nowMs);
  const state: RiskState = {
    ...rolled,
    dayPnlUsd: rolled.dayPnlUsd + (Number.isFinite(pnlUsd) ? pnlUsd : 0),
    consecutiveFailures: failed ? rolled.consecutiveFailures + 1 : 0,
  };
  let stop: RiskStopReason | null = null;
  if (state.dayPnlUsd < -limits.maxDailyLoss) stop = 'max-daily-loss';
  else if (state.consecutiveFailures >= limits.maxConsecutiveFailures) stop = 'max-consecutive-failures';
  return { state, stop };
}
