/**
 * The risk state as the journal tells it, so the limits hold across restarts (of the process and of
 * the trader thread): the day's realised PnL, failures in a row, trades started in the last minute,
 * and a journaled risk stop that still holds (a daily-loss stop ends with its UTC day; the others
 * hold until a `risk-clear` record, written by `--clear-risk-stop`, from which every limit counts
 * afresh). Pure.
 */
import {
  initialRisk,
  isRiskStopReason,
  stopStillHolds,
  tradeEffect,
  utcDay,
  type RiskState,
  type RiskStopReason,
} from '../core/risk-limits.js';
import type { JournalRecord } from './journal-record.js';

export interface HeldStop {
  readonly reason: RiskStopReason;
  /** When it was journaled, epoch ms. */
  readonly sinceMs: number;
}

export interface JournalRisk {
  readonly state: RiskState;
  readonly stop: HeldStop | null;
}

const MINUTE_MS = 60_000;

export function riskFromJournal(records: readonly JournalRecord[], nowMs: number): JournalRisk {
  const sorted = [...records].sort((a, b) => a.seq - b.seq);
  // A trade's outcome is its last outcome record (an `unknown` may be settled later).
  const lastOutcome = new Map<string, JournalRecord>();
  for (const r of sorted) if (r.kind === 'outcome' && r.tradeId !== '') lastOutcome.set(r.tradeId, r);
  const today = utcDay(nowMs);
  const recentStartsMs: number[] = [];
  let dayPnlUsd = 0;
  let failures = 0;
  let stop: HeldStop | null = null;
  for (const r of sorted) {
    const atMs = r.ts / 1000;
    if (r.kind === 'intent' && nowMs - atMs < MINUTE_MS && atMs <= nowMs) recentStartsMs.push(atMs);
    else if (r.kind === 'outcome' && lastOutcome.get(r.tradeId) === r) {
      const pnl = typeof r.pnlUsd === 'number' && Number.isFinite(r.pnlUsd) ? r.pnlUsd : 0;
      if (utcDay(atMs) === today) dayPnlUsd += pnl;
      const effect = tradeEffect(String(r.status));
      failures = effect === 'failure' ? failures + 1 : effect === 'success' ? 0 : failures;
    } else if (r.kind === 'risk-stop' && isRiskStopReason(r.reason)) {
      stop = { reason: r.reason, sinceMs: atMs };
    } else if (r.kind === 'risk-clear') {
      // The operator's deliberate restart of the limits: each counts again from here.
      stop = null;
      failures = 0;
      dayPnlUsd = 0;
      recentStartsMs.length = 0;
    }
  }
  if (stop !== null && !stopStillHolds(stop.reason, stop.sinceMs, nowMs)) stop = null;
  const state: RiskState = {
    ...initialRisk(nowMs),
    recentStartsMs,
    dayPnlUsd,
    consecutiveFailures: failures,
  };
  return { state, stop };
}
