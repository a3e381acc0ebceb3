/**
 * The run's summary record (the .summary.json beside the log, and the log's `summary` line), and
 * the cash flows it carries from the journal.
 */
import type { Config } from '../../config/config.js';
import type { Logger } from '../../log/logger.js';
import { readJournal } from '../../journal/journal-reader.js';
import { summarize } from '../../journal/summarize.js';
import type { RunTotals, TradeLedger, TraderStats } from './run-summary.js';

export interface CashFlows {
  /** Net cash flow per currency (USD, EUR), fees included: what the account's balances moved by. */
  pnl: Record<string, number>;
  fees: Record<string, number>;
  /** Bought and not sold, per coin. */
  stranded: Record<string, number>;
  unresolvedUnknown: number;
}

/**
 * This run's flows per currency, from the durable journal's fills of this run's trades. The
 * ledger's PnL is a mark-to-mid valuation; these are the amounts the balances really moved by.
 */
export function journalCashFlows(config: Config, ledger: TradeLedger, log: Logger): CashFlows | null {
  if (config.mode !== 'trade') return null;
  const ids = new Set(ledger.outcomes.map((o) => o.tradeId));
  if (ids.size === 0) return { pnl: {}, fees: {}, stranded: {}, unresolvedUnknown: 0 };
  try {
    const records = readJournal(config.paths.journalDir, {
      onWarning: (w) => log.warn('journal line skipped', { ...w }),
    });
    const s = summarize(records.filter((r) => ids.has(r.tradeId)));
    return {
      pnl: { ...s.pnl },
      fees: { ...s.fees },
      stranded: { ...s.stranded },
      unresolvedUnknown: s.unresolvedUnknown,
    };
  } catch (err) {
    log.error('could not read the journal for the summary', { error: (err as Error).message });
    return null;
  }
}

export function buildSummary(
  config: Config,
  totals: RunTotals,
  ledger: TradeLedger,
  traderStats: TraderStats,
  reason: string,
  cashFlows: CashFlows | null,
): Record<string, unknown> {
  return {
    mode: config.mode,
    sim: config.sim.enabled,
    stoppedBecause: reason,
    updatesProcessed: totals.updates,
    opportunities: { usdToEur: totals.opportunitiesUsdToEur, eurToUsd: totals.opportunitiesEurToUsd },
    dropped: {
      listener: Object.fromEntries(
        Object.entries(totals.listenerCounters).filter(
          ([k]) => k.startsWith('drop') || k === 'malformed' || k === 'outOfOrder' || k === 'futureTimestamp',
        ),
      ),
      evaluation: totals.evaluationDrops,
      trader: traderStats.counters,
    },
    reconnects: totals.listenerCounters['reconnects'] ?? 0,
    trades: {
      total: ledger.outcomes.length,
      sold: ledger.count('sold'),
      dust: ledger.count('dust'),
      notFilled: ledger.count('not-filled'),
      rejected: ledger.count('rejected'),
      stranded: ledger.count('stranded'),
      unknown: ledger.count('unknown'),
      failed: ledger.count('failed'),
    },
    fills: { bought: ledger.outcomes.reduce((a, o) => a + (o.boughtVolume > 0 ? 1 : 0), 0) },
    pnl: { usd: ledger.pnlUsd, eur: ledger.pnlEur },
    strandedInventory: ledger.stranded,
    cashFlows,
    latencyUs: { decisionToSend: ledger.decisionToSendPercentiles() },
    // Trade mode: rehearsed frames the trader wrote to its own loopback socket, and how many arrived.
    sendPathWarmth: traderStats.sendPathWarmth,
  };
}
