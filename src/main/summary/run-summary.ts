/**
 * The run's figures, read from shared counters and trade outcomes: the live status line and the
 * summary printed (and written as JSON beside the log) at the end.
 */
import {
  COUNTER_NAMES,
  CTR_FIXED_COLUMNS,
  CTR_OPP_EUR_TO_USD,
  CTR_OPP_USD_TO_EUR,
  CTR_UPDATES,
  type SharedCounters,
} from '../../engine/shared/shared-counters.js';
import { evalCodeName, EVAL_CODE_COUNT, EVAL_NONE, EVAL_OPPORTUNITY } from '../../core/eval-codes.js';
import type { TradeOutcome } from '../../core/trade-outcome.js';
import type { LatencyPercentiles } from '../../metrics/latency-histogram.js';
import type { SendPathWarmth } from '../../engine/trade/order-entry.js';

/** The trader's latest counters and send-path warm-up, as its last `trader-stats` message told them. */
export interface TraderStats {
  counters: Record<string, number>;
  sendPathWarmth: SendPathWarmth | null;
}

export interface RunTotals {
  updates: number;
  opportunitiesUsdToEur: number;
  opportunitiesEurToUsd: number;
  /** Counter name → total over listeners (drops, malformed frames, reconnects...). */
  listenerCounters: Record<string, number>;
  /** Evaluation result name → count (none and opportunity excluded). */
  evaluationDrops: Record<string, number>;
}

/**
 * The counters summed over listeners; `total` may sum something else per column (the start-up
 * share: startup-counters.ts).
 */
export function readTotals(
  counters: SharedCounters,
  total: (column: number) => number = (c) => counters.total(c),
): RunTotals {
  const listenerCounters: Record<string, number> = {};
  for (let c = 0; c < CTR_FIXED_COLUMNS; c++) listenerCounters[COUNTER_NAMES[c] ?? `c${c}`] = total(c);
  const evaluationDrops: Record<string, number> = {};
  for (let code = 0; code < EVAL_CODE_COUNT; code++) {
    if (code === EVAL_NONE || code === EVAL_OPPORTUNITY) continue;
    const n = total(counters.evalCodeColumn(code));
    if (n > 0) evaluationDrops[evalCodeName(code)] = n;
  }
  return {
    updates: total(CTR_UPDATES),
    opportunitiesUsdToEur: total(CTR_OPP_USD_TO_EUR),
    opportunitiesEurToUsd: total(CTR_OPP_EUR_TO_USD),
    listenerCounters,
    evaluationDrops,
  };
}

export class TradeLedger {
  readonly outcomes: TradeOutcome[] = [];
  pnlUsd = 0;
  pnlEur = 0;
  /** Asset → bought and unsold volume: stranded or unknown trades, and dust below the sell minimums. */
  readonly stranded: Record<string, number> = {};

  add(o: TradeOutcome): void {
    this.outcomes.push(o);
    this.pnlUsd += Number.isFinite(o.pnlUsd) ? o.pnlUsd : 0;
    this.pnlEur += Number.isFinite(o.pnlEur) ? o.pnlEur : 0;
    const unsold = o.strandedVolume + o.dustVolume;
    if (unsold > 0) this.stranded[o.strandedAsset] = (this.stranded[o.strandedAsset] ?? 0) + unsold;
  }

  count(status: TradeOutcome['status']): number {
    return this.outcomes.filter((o) => o.status === status).length;
  }

  /** Percentiles of opportunity receive → buy sent, µs, over trades that sent a buy. */
  decisionToSendPercentiles(): LatencyPercentiles | null {
    const v = this.outcomes
      .map((o) => o.decisionToSendUs)
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);
    if (v.length === 0) return null;
    const at = (p: number): number => v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] as number;
    return { count: v.length, p50: at(50), p90: at(90), p99: at(99), max: v[v.length - 1] as number };
  }
}

export function statusLine(
  t: RunTotals,
  updatesPerSecond: number,
  ledger: TradeLedger,
  tradingEnabled: boolean,
  mode: string,
): string {
  const opp = t.opportunitiesUsdToEur + t.opportunitiesEurToUsd;
  return (
    `${mode} | ${Math.round(updatesPerSecond)} upd/s | ${t.updates} updates | ${opp} opportunities | ` +
    `${ledger.outcomes.length} trades (${ledger.count('sold')} sold) | PnL ${ledger.pnlUsd.toFixed(2)} USD ${ledger.pnlEur.toFixed(2)} EUR` +
    (tradingEnabled || mode !== 'trade' ? '' : ' | TRADING STOPPED')
  );
}
