/**
 * The journal's trades in one currency (pure). Each finished trade's `outcome` record carries its
 * PnL in USD as the trader valued it: its fills, with EUR converted at that trade's own USDT/USD and
 * USDT/EUR quotes (src/core/pnl.ts). Summed here per UTC day, per coin and over time (the equity
 * curve). A trade whose outcome carries no valuation (closed by the start-up recovery after a crash)
 * or that has no outcome yet is listed apart, never guessed at.
 */
import type { JournalRecord } from './journal-record.js';

export interface TradePnl {
  readonly tradeId: string;
  /** When the outcome was written, epoch µs. */
  readonly ts: number;
  /** UTC day of `ts`, `YYYY-MM-DD`. */
  readonly day: string;
  /** The coin traded (the intent's base), `?` when the intent is missing. */
  readonly coin: string;
  readonly status: string;
  readonly pnlUsd: number;
}

export interface PnlGroup {
  readonly key: string;
  readonly trades: number;
  readonly pnlUsd: number;
}

export interface UsdPnl {
  /** Valued trades in outcome order. */
  readonly trades: readonly TradePnl[];
  readonly totalUsd: number;
  readonly byDay: readonly PnlGroup[];
  readonly byCoin: readonly PnlGroup[];
  /** Finished trades whose outcome carries no USD valuation. */
  readonly unvalued: readonly string[];
  /** Trades with an intent and no outcome (in flight, or interrupted and not yet recovered). */
  readonly open: readonly string[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function utcDay(tsUs: number): string {
  return new Date(Math.floor(tsUs / 1000)).toISOString().slice(0, 10);
}

function group(trades: readonly TradePnl[], keyOf: (t: TradePnl) => string): PnlGroup[] {
  const m = new Map<string, { trades: number; pnlUsd: number }>();
  for (const t of trades) {
    const g = m.get(keyOf(t)) ?? { trades: 0, pnlUsd: 0 };
    g.trades++;
    g.pnlUsd += t.pnlUsd;
    m.set(keyOf(t), g);
  }
  return [...m.entries()].map(([key, g]) => ({ key, ...g }));
}

export function usdPnl(records: readonly JournalRecord[]): UsdPnl {
  const ordered = [...records].sort((a, b) => a.seq - b.seq);
  const coinOf = new Map<string, string>();
  const finished = new Set<string>();
  const trades: TradePnl[] = [];
  const unvalued: string[] = [];
  for (const r of ordered) {
    if (r.kind === 'intent') coinOf.set(r.tradeId, typeof r.base === 'string' ? r.base : '?');
    if (r.kind !== 'outcome' || finished.has(r.tradeId)) continue;
    finished.add(r.tradeId);
    const pnlUsd = num(r.pnlUsd);
    if (pnlUsd === undefined) {
      unvalued.push(r.tradeId);
      continue;
    }
    trades.push({
      tradeId: r.tradeId,
      ts: r.ts,
      day: utcDay(r.ts),
      coin: coinOf.get(r.tradeId) ?? '?',
      status: typeof r.status === 'string' ? r.status : '?',
      pnlUsd,
    });
  }
  return {
    trades,
    totalUsd: trades.reduce((a, t) => a + t.pnlUsd, 0),
    byDay: group(trades, (t) => t.day).sort((a, b) => a.key.localeCompare(b.key)),
    byCoin: group(trades, (t) => t.coin).sort((a, b) => b.pnlUsd - a.pnlUsd || a.key.localeCompare(b.key)),
    unvalued,
    open: [...coinOf.keys()].filter((id) => !finished.has(id)),
  };
}

/** The equity curve: cumulative USD PnL after each valued trade, `[ts (epoch µs), equity]`. */
export function equityPoints(p: UsdPnl): Array<readonly [number, number]> {
  let equity = 0;
  return p.trades.map((t) => {
    equity += t.pnlUsd;
    return [t.ts, equity] as const;
  });
}
