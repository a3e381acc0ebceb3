/**
 * Trades the journal has not finished: an `intent` with no `outcome` (a crash or a kill between the
 * two), or whose last outcome is `unknown` (an order was still in doubt at shutdown). Pure: the
 * trader settles them with Kraken at start-up (recover-trades.ts). Each order attempt is listed
 * with its own userref and deadline, so Kraken can be asked about each one alone.
 */
import type { JournalRecord } from './journal-record.js';

export interface OrderAttempt {
  readonly leg: 'buy' | 'sell';
  readonly userref: number;
  /** Epoch ms; 0 when the journal predates deadlines. */
  readonly deadlineMs: number;
  /** Known when an ack (or a late ack) was journaled. */
  readonly txid: string | undefined;
}

export interface UnfinishedTrade {
  readonly tradeId: string;
  readonly buyPair: string;
  readonly sellPair: string;
  readonly base: string;
  /** Kraken's asset ids, when the intent names them. */
  readonly baseAsset: string | undefined;
  /** When the intent was written, epoch µs. */
  readonly startedUs: number;
  /** USD per EUR at the decision (USDT mids), to value PnL; NaN when the intent predates it. */
  readonly eurUsd: number;
  readonly direction: 'USD->EUR' | 'EUR->USD';
  readonly expectedSellPrice: number;
  readonly attempts: readonly OrderAttempt[];
  /** Volume already journaled as fills, per order txid. */
  readonly journaledByTxid: ReadonlyMap<string, number>;
}

const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** What the journal says of each trade, gathered in one pass. */
interface TradeRecords {
  intents: Map<string, JournalRecord>;
  lastOutcome: Map<string, string>;
  /** Volume journaled as fills, per trade and order txid. */
  journaled: Map<string, Map<string, number>>;
  attempts: Map<string, OrderAttempt[]>;
}

export function findUnfinishedTrades(records: readonly JournalRecord[]): UnfinishedTrade[] {
  const j = gatherTradeRecords(records);
  const out: UnfinishedTrade[] = [];
  for (const [tradeId, r] of j.intents) {
    const outcome = j.lastOutcome.get(tradeId);
    if (outcome !== undefined && outcome !== 'unknown') continue;
    out.push(unfinishedTrade(tradeId, r, j));
  }
  return out;
}

function gatherTradeRecords(records: readonly JournalRecord[]): TradeRecords {
  const j: TradeRecords = {
    intents: new Map(),
    lastOutcome: new Map(),
    journaled: new Map(),
    attempts: new Map(),
  };
  for (const r of records) {
    if (r.tradeId === '') continue;
    if (r.kind === 'intent') j.intents.set(r.tradeId, r);
    else if (r.kind === 'outcome') j.lastOutcome.set(r.tradeId, str(r.status, ''));
    else if (r.kind === 'order-sent' || r.kind === 'sell-sent') {
      const list = j.attempts.get(r.tradeId) ?? [];
      list.push({
        leg: r.kind === 'order-sent' ? 'buy' : 'sell',
        userref: num(r.userref, 0),
        deadlineMs: num(r.deadlineMs, 0),
        txid: undefined,
      });
      j.attempts.set(r.tradeId, list);
    } else if ((r.kind === 'ack' || r.kind === 'sell-ack') && typeof r.txid === 'string') {
      matchAck(j.attempts.get(r.tradeId) ?? [], r, r.txid);
    } else if (
      (r.kind === 'fill' || r.kind === 'sell-fill') &&
      typeof r.txid === 'string' &&
      typeof r.volume === 'number'
    ) {
      const byTxid = j.journaled.get(r.tradeId) ?? new Map<string, number>();
      byTxid.set(r.txid, (byTxid.get(r.txid) ?? 0) + r.volume);
      j.journaled.set(r.tradeId, byTxid);
    }
  }
  return j;
}

/** An ack belongs to the latest attempt of its leg with that userref (or, older journals, the latest). */
function matchAck(list: OrderAttempt[], r: JournalRecord, txid: string): void {
  const leg = r.kind === 'ack' ? 'buy' : 'sell';
  for (let i = list.length - 1; i >= 0; i--) {
    const a = list[i] as OrderAttempt;
    if (a.leg === leg && (r.userref === undefined || r.userref === a.userref)) {
      list[i] = { ...a, txid };
      break;
    }
  }
}

function unfinishedTrade(tradeId: string, r: JournalRecord, j: TradeRecords): UnfinishedTrade {
  const intentUserref = num(r.userref, 0);
  // Journals from before per-attempt userrefs: every order of the trade carried the intent's.
  const list = (j.attempts.get(tradeId) ?? []).map((a) =>
    a.userref === 0 ? { ...a, userref: intentUserref } : a,
  );
  if (list.length === 0 && intentUserref !== 0)
    list.push({ leg: 'buy', userref: intentUserref, deadlineMs: num(r.deadlineMs, 0), txid: undefined });
  return {
    tradeId,
    buyPair: str(r.buyPair, '?'),
    sellPair: str(r.sellPair, '?'),
    base: str(r.base, '?'),
    baseAsset: typeof r.baseAsset === 'string' ? r.baseAsset : undefined,
    startedUs: r.ts,
    eurUsd: num(r.eurUsd, Number.NaN),
    direction: r.direction === 'EUR->USD' ? 'EUR->USD' : 'USD->EUR',
    expectedSellPrice: num(r.expectedSellPrice, 0),
    attempts: list,
    journaledByTxid: j.journaled.get(tradeId) ?? new Map(),
  };
}

/** A userref the trader reserved for a buy that no intent claims and no release freed. */
export interface UnclaimedReservation {
  readonly userref: number;
  /** When it was journaled, epoch µs. */
  readonly reservedUs: number;
}

/**
 * Reservations a crash left open: the buy may have been sent (it goes out before its intent is
 * written), so Kraken must be asked for an order with that userref. Pure.
 */
export function findUnclaimedReservations(records: readonly JournalRecord[]): UnclaimedReservation[] {
  const open = new Map<number, number>();
  for (const r of records) {
    const ref = typeof r.userref === 'number' ? r.userref : undefined;
    if (ref === undefined) continue;
    if (r.kind === 'reserve') open.set(ref, r.ts);
    else if (r.kind === 'release' || r.kind === 'intent') open.delete(ref);
  }
  return [...open].map(([userref, reservedUs]) => ({ userref, reservedUs }));
}
