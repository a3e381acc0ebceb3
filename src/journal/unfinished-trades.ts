/**
 * Trades the journal started but never finished: an `intent` with no `outcome`, which only a crash
 * (or a kill) between the two can leave. Pure: the trader reconciles them over REST at start-up.
 */
import type { JournalRecord } from './journal-record.js';

export interface UnfinishedTrade {
  readonly tradeId: string;
  readonly userref: number;
  readonly buyPair: string;
  readonly sellPair: string;
  readonly base: string;
  /** When the intent was written, epoch µs. */
  readonly startedUs: number;
  /** Volume already journaled as fills, per order txid. */
  readonly journaledByTxid: ReadonlyMap<string, number>;
}

export function findUnfinishedTrades(records: readonly JournalRecord[]): UnfinishedTrade[] {
  const intents = new Map<string, JournalRecord>();
  const finished = new Set<string>();
  const journaled = new Map<string, Map<string, number>>();
  for (const r of records) {
    if (r.tradeId === '') continue;
    if (r.kind === 'intent') intents.set(r.tradeId, r);
    else if (r.kind === 'outcome') finished.add(r.tradeId);
    else if (
      (r.kind === 'fill' || r.kind === 'sell-fill') &&
      typeof r.txid === 'string' &&
      typeof r.volume === 'number'
    ) {
      const byTxid = journaled.get(r.tradeId) ?? new Map<string, number>();
      byTxid.set(r.txid, (byTxid.get(r.txid) ?? 0) + r.volume);
      journaled.set(r.tradeId, byTxid);
    }
  }
  const out: UnfinishedTrade[] = [];
  for (const [tradeId, r] of intents) {
    if (finished.has(tradeId)) continue;
    out.push({
      tradeId,
      userref: typeof r.userref === 'number' ? r.userref : 0,
      buyPair: typeof r.buyPair === 'string' ? r.buyPair : '?',
      sellPair: typeof r.sellPair === 'string' ? r.sellPair : '?',
      base: typeof r.base === 'string' ? r.base : '?',
      startedUs: r.ts,
      journaledByTxid: journaled.get(tradeId) ?? new Map(),
    });
  }
  return out;
}
