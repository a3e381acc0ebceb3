/** The answers to Telegram's /status and /pnl: a few plain lines each (pure). */
import type { RunTotals, TradeLedger } from '../main/summary/run-summary.js';
import { amounts, money, percentiles, tradesLine } from '../main/summary/summary-table.js';
import type { TradingState } from './trading-control.js';

export interface StatusFacts {
  readonly venue: string;
  readonly uptimeS: number;
  readonly state: TradingState;
  readonly totals: RunTotals;
  readonly updatesPerS: number;
  readonly feedsOnline: number;
  readonly listeners: number;
  readonly ledger: TradeLedger;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function duration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${Math.floor(s % 60)} s` : `${Math.floor(s)} s`;
}

export function tradingLine(s: TradingState): string {
  if (s.shuttingDown) return 'trading: STOPPED (shutting down)';
  if (s.tradingEnabled) return 'trading: ON';
  const hint =
    s.stopReason === 'operator stop' ? ' — /resume to restart' : ' — /resume is refused while it holds';
  return `trading: STOPPED (${s.stopReason})${hint}`;
}

export function statusText(f: StatusFacts): string {
  const t = f.totals;
  const lines = [
    `${f.state.mode === 'trade' ? 'trade mode' : 'evaluation mode (no order is ever sent)'}, ${f.venue}, up ${duration(f.uptimeS)}`,
    tradingLine(f.state),
    `feeds: ${f.feedsOnline}/${f.listeners} online, ${int(f.updatesPerS)} updates/s`,
    `opportunities: ${int(t.opportunitiesUsdToEur + t.opportunitiesEurToUsd)} (${int(t.opportunitiesUsdToEur)} USD→EUR, ${int(t.opportunitiesEurToUsd)} EUR→USD)`,
  ];
  if (f.state.mode === 'trade') {
    lines.push(`trades: ${tradesLine(f.ledger)}`, `PnL: ${money(f.ledger.pnlUsd)} USD`);
  }
  return lines.join('\n');
}

export function pnlText(ledger: TradeLedger, mode: 'evaluate' | 'trade'): string {
  if (mode !== 'trade') return 'evaluation mode: no trades, no PnL';
  return [
    `PnL this run: ${money(ledger.pnlUsd)} USD (each trade valued at its own USDT/USD and USDT/EUR rates)`,
    `trades: ${tradesLine(ledger)}`,
    `stranded: ${amounts(ledger.stranded)}`,
    `decision → send: ${percentiles(ledger.decisionToSendPercentiles(), 'trades')}`,
  ].join('\n');
}
