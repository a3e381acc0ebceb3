/**
 * Runs one trade to its end: LIMIT IOC buy at the ask, followed until Kraken closes it, then the
 * whole filled volume sold at market on the other pair (retried with backoff), each order through
 * the one leg routine (order-leg.ts) and each step journaled. An order in doubt is never assumed
 * away: a sell is re-sent only once the previous one can no longer execute. Decisions are the pure
 * trade-state machine's; this file does the I/O around them.
 */
import { createTrade, nextSellVolume, tradeConfigFor, transition } from '../../core/trade-state.js';
import { formatDecimal } from '../../core/decimals.js';
import { formatOrderPrice } from '../../core/order-price.js';
import { isFresh } from '../../core/guards.js';
import { pnlOfTrade, type Pnl } from '../../core/pnl.js';
import type { Opportunity } from '../../core/opportunity.js';
import type { PairInfo } from '../../core/pair.js';
import type { TradeResultStatus } from '../../core/trade-outcome.js';
import type { JournalWriter } from '../../journal/journal-writer.js';
import type { JournalKind } from '../../journal/journal-record.js';
import type { Logger } from '../../log/logger.js';
import type { AlertEvent } from '../threads/messages.js';
import type { OrderEntry, OrderFill, OrderLookup, OrderRequest } from './order-entry.js';
import {
  followOrder,
  sendOrder,
  type Leg,
  type LegDeps,
  type LegResult,
  type LegTiming,
  type SentOrder,
} from './order-leg.js';
import type { OrderTracker } from './order-tracker.js';
import { type TradeEvent, type TradeState } from '../../core/trade-types.js';

export interface TradeSettings {
  fillTimeoutMs: number;
  maxLocalAgeUs: number;
  sellRetries: number;
  /** Stablecoin pair fee (fraction) for PnL conversion. */
  stableFee: number;
  /** Kraken's `deadline` for each order, ms after its send. */
  orderDeadlineMs: number;
  /** Past a deadline, how long before REST's "not found" is believed; default DEADLINE_MARGIN_MS. */
  deadlineMarginMs?: number;
  /** When the trader took the opportunity from the slot (epoch µs), for the latency split; default: now. */
  takenUs?: number;
  /** Called once the buy has been handed to the socket: bookkeeping that must not delay the send. */
  onBuySent?: () => void;
  /**
   * The buy's userref, journaled as reserved (durably) before the trade: the buy is sent before
   * its intent is written, and a crash in between is recovered by this userref. Without one (the
   * in-memory warm-up and tests) a fresh userref is drawn.
   */
  buyUserref?: number;
  /** A rehearsal's settings: its buy goes out marked as one (OrderRequest.rehearsal). */
  rehearsal?: boolean;
}

/** The buy from its last guard to the socket (sendBuy below, or the trader's shared entry to it). */
export type SendBuy = (opp: Opportunity, buy: PairInfo, s: TradeSettings, d: TradeDeps) => SentOrder | null;

export interface TradeResult {
  tradeId: string;
  status: TradeResultStatus;
  state: TradeState;
  pnl: Pnl | null;
  reason: string | undefined;
  /** Opportunity receive → buy handed to the socket, µs (NaN when nothing was sent). */
  decisionToSendUs: number;
  /** Bought and not sold (stranded, in doubt), valued at the sell pair's bid in USD. */
  strandedValueUsd: number;
}

export interface TradeDeps {
  orderEntry: OrderEntry;
  tracker: OrderTracker;
  /** How an order in doubt is looked up at the venue; null: the stream alone settles it. */
  orderLookup: OrderLookup | null;
  journal: Pick<JournalWriter, 'append'>;
  log: Logger;
  alert: (a: AlertEvent) => void;
  nowUs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** True once the process is shutting down (default: never). */
  stopping?: () => boolean;
  /** Aborted at shutdown: a REST look-up waiting on the call counter gives up. */
  stopSignal?: AbortSignal;
  /** Wall clock, epoch ms, for deadlines (default Date.now): Kraken compares them with its own. */
  wallMs?: () => number;
  /**
   * How runTrade sends the buy (default: sendBuy): the trader's TradePathWarmer.sendBuy, the same
   * entry its rehearsals run every millisecond, so the real buy enters code V8 keeps optimised.
   */
  sendBuy?: SendBuy;
}

/** After Kraken says the order is over, how long to wait for fills still in flight on the stream. */
const FILL_GRACE_MS = 250;
/** A market sell normally completes in milliseconds. */
const SELL_TIMEOUT_MS = 2_000;
const SELL_RETRY_BASE_MS = 200;
/** Past an order's deadline, how long before REST's "not found" is believed (clock skew, REST lag). */
export const DEADLINE_MARGIN_MS = 2_000;
/**
 * A sell due while the private socket is down (reconnecting, fetching a token) waits this long for
 * it before spending an attempt: otherwise a few hundred ms of backoff exhaust every retry during an
 * ordinary reconnect and the inventory is stranded though it could be sold a second later.
 */
const SELL_READY_WAIT_MS = 10_000;
const READY_POLL_MS = 50;

let tradeCounter = 0;

export function newUserref(): number {
  // Kraken's userref is a signed 32-bit integer; positive and random, one per order attempt, so the
  // stream and REST name each order alone (never a previous attempt of the same trade).
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

export async function runTrade(
  opp: Opportunity,
  buy: PairInfo,
  sell: PairInfo,
  s: TradeSettings,
  d: TradeDeps,
): Promise<TradeResult> {
  // The buy leaves before the trade's own set-up (its id, state machine, journal): between the take
  // and the socket only the guard and the order. Measured on the 2-vCPU VM in the realistic regime:
  // the set-up took 39 µs p50 there, cold (bench/README.md, "2026-12-06, second session").
  const sentBuy = (d.sendBuy ?? sendBuy)(opp, buy, s, d);
  const t = new TradeRun(opp, buy, sell, s, d);
  if (sentBuy === null) return t.result('stale');
  // The state machine hears of the send after it: nothing of the order's answer can be read before
  // this function's first await.
  t.apply({ type: 'buy-sent', volume: opp.volume, price: opp.buyPrice });
  t.decisionToSendUs = sentBuy.sentUs - opp.triggerRecvUs;
  s.onBuySent?.();
  journalIntent(t, sentBuy);
  applyLeg(t, 'buy', await followOrder('buy', sentBuy, t.legDeps, t.timing(s.fillTimeoutMs)));
  await sellAll(t);
  return finish(t);
}

/**
 * The last guard, then the buy built and handed to the socket; null (nothing sent) when stale. The
 * one function from the decision to the socket: runTrade sends with it, and the trader's rehearsal
 * between opportunities (trade-warmup.ts) stops at it, so the code a real buy runs before its send
 * stays compiled and cached, without the ack and close handling whose garbage would make the idle
 * trader scavenge more often.
 */
export function sendBuy(opp: Opportunity, buy: PairInfo, s: TradeSettings, d: TradeDeps): SentOrder | null {
  // The last guard before money moves: the update that opened this opportunity must still be fresh.
  if (!isFresh(opp.triggerRecvUs, d.nowUs(), s.maxLocalAgeUs)) return null;
  const buyOrder = orderRequest(
    'buy',
    buy,
    formatDecimal(opp.volume, buy.lotDecimals),
    (d.wallMs ?? Date.now)() + s.orderDeadlineMs,
    formatOrderPrice(opp.buyPrice, buy, 'buy'),
    s.buyUserref,
    s.rehearsal === true,
  );
  // The order leaves first: no file write between the decision and the socket. A crash before the
  // intent is written leaves the order known by its userref, which the trader journaled (durably)
  // as reserved before this trade: the restart recovery asks Kraken for it.
  return sendOrder(d.orderEntry, buyOrder, d.nowUs);
}

/** One of the trade's orders: the buy a LIMIT IOC at `price`, a sell at market. */
function orderRequest(
  leg: Leg,
  pair: PairInfo,
  volume: string,
  deadlineMs: number,
  price?: string,
  userref = newUserref(),
  rehearsal = false,
): OrderRequest {
  // One shape for both legs (a sell's price and time in force undefined), not fields spread in
  // when present: V8 keeps the maps such additions make only while an object has them, so a full GC
  // could drop them between trades and the next order's optimised code fail its map check.
  return {
    side: leg,
    ordertype: leg === 'buy' ? 'limit' : 'market',
    pair,
    volume,
    price,
    timeinforce: price !== undefined ? 'IOC' : undefined,
    userref,
    deadlineMs,
    rehearsal,
  };
}

/** One trade in flight: its state machine, its journal and how its orders are built and followed. */
class TradeRun {
  readonly tradeId = `T${Date.now().toString(36)}-${(++tradeCounter).toString(36)}`;
  st: TradeState;
  /** The buy never left the process (a failure, not Kraken's rejection). */
  notSent = false;
  /** An order was still in doubt when the trader had to stop. */
  inDoubt = false;
  /** Opportunity receive → buy handed to the socket, µs; NaN until the buy is sent. */
  decisionToSendUs = Number.NaN;
  readonly legDeps: LegDeps;

  constructor(
    readonly opp: Opportunity,
    readonly buy: PairInfo,
    readonly sell: PairInfo,
    readonly s: TradeSettings,
    readonly d: TradeDeps,
  ) {
    this.st = createTrade(tradeConfigFor(buy, sell, opp.sellPrice, 1 + s.sellRetries));
    this.legDeps = {
      orderEntry: d.orderEntry,
      tracker: d.tracker,
      orderLookup: d.orderLookup,
      journal: this.journal,
      log: d.log,
      alert: d.alert,
      nowUs: d.nowUs,
      wallMs: d.wallMs ?? Date.now,
      stopping: d.stopping ?? (() => false),
      stopSignal: d.stopSignal,
    };
  }

  apply(ev: TradeEvent): void {
    const r = transition(this.st, ev);
    if (!r.ok) this.d.log.warn('trade event ignored', { tradeId: this.tradeId, ...r.error });
    this.st = r.state;
  }

  // Durability: every record is written (write(2)) before the code goes on, so a process crash
  // loses none. fdatasync — which protects against a machine crash and costs 0.2–4 ms here — is
  // paid only right after an order is handed to the socket (its sent record: it overlaps the
  // order's round trip), for the rare unknown/reconciled/stranded records, and for the outcome.
  // Anything a machine crash could still lose between two syncs, Kraken has, and the start-up
  // recovery (recover-trades.ts) fetches it by each order's userref.
  readonly journal = (kind: JournalKind, fields: Record<string, unknown>, durable = true): void => {
    this.d.journal.append(kind, this.tradeId, fields, { durable });
  };

  timing(closeWaitMs: number): LegTiming {
    return {
      closeWaitMs,
      fillGraceMs: FILL_GRACE_MS,
      deadlineMarginMs: this.s.deadlineMarginMs ?? DEADLINE_MARGIN_MS,
    };
  }

  /** The next sell: all of `volume` at market on the other pair, under a new userref. */
  sellOrder(volume: string): OrderRequest {
    return orderRequest('sell', this.sell, volume, this.legDeps.wallMs() + this.s.orderDeadlineMs);
  }

  result(status: TradeResultStatus, pnl: Pnl | null = null): TradeResult {
    return {
      tradeId: this.tradeId,
      status,
      state: this.st,
      pnl,
      reason: this.st.reason,
      decisionToSendUs: this.decisionToSendUs,
      strandedValueUsd: 0,
    };
  }
}

/** The trade's first record, written once the buy is on the socket (not before: see runTrade). */
function journalIntent(t: TradeRun, sentBuy: SentOrder): void {
  const { opp, buy, sell, s } = t;
  const { order } = sentBuy;
  t.journal(
    'intent',
    {
      buyPair: buy.wsname,
      sellPair: sell.wsname,
      base: buy.base,
      baseAsset: buy.baseId,
      buyQuoteAsset: buy.quoteId,
      sellQuoteAsset: sell.quoteId,
      direction: opp.direction === 0 ? 'USD->EUR' : 'EUR->USD',
      volume: opp.volume,
      price: opp.buyPrice,
      expectedSellPrice: opp.sellPrice,
      // USD per EUR at the USDT mids: what values this trade's PnL if a restart has to settle it.
      eurUsd: (opp.usdtUsd.bid + opp.usdtUsd.ask) / (opp.usdtEur.bid + opp.usdtEur.ask),
      roi: opp.roi,
      fee: opp.fee,
      userref: order.userref,
      deadlineMs: order.deadlineMs,
      listener: opp.listener,
      opportunitySeq: opp.seq,
      // The latency split (bench/wire.ts): listener receipt → evaluated → published to the slot →
      // taken by the trader → sent.
      triggerRecvUs: opp.triggerRecvUs,
      evalDoneUs: opp.evalDoneUs,
      publishedUs: opp.publishedUs,
      takenUs: s.takenUs ?? t.d.nowUs(),
      sentUs: sentBuy.sentUs,
    },
    false,
  );
}

/** Sells everything sellable that was bought, at market on the other pair, retrying with backoff. */
async function sellAll(t: TradeRun): Promise<void> {
  const { d } = t;
  while (t.st.phase === 'filled' || t.st.phase === 'partially-filled' || t.st.phase === 'sell-retry') {
    if (t.st.phase === 'sell-retry') await d.sleep(SELL_RETRY_BASE_MS * 2 ** (t.st.sellAttempts - 1));
    for (let waited = 0; !d.orderEntry.isReady() && waited < SELL_READY_WAIT_MS; waited += READY_POLL_MS) {
      await d.sleep(READY_POLL_MS);
    }
    const sellVolume = nextSellVolume(t.st);
    t.apply({ type: 'sell-sent', volume: sellVolume });
    const sent = sendOrder(d.orderEntry, t.sellOrder(formatDecimal(sellVolume, t.sell.lotDecimals)), d.nowUs);
    sent.extra = { attempt: t.st.sellAttempts };
    applyLeg(t, 'sell', await followOrder('sell', sent, t.legDeps, t.timing(SELL_TIMEOUT_MS)));
  }
}

/** Feeds a leg's end into the state machine. */
function applyLeg(t: TradeRun, leg: Leg, r: LegResult): void {
  const sellSide = leg === 'sell';
  switch (r.kind) {
    case 'rejected':
    case 'not-sent': {
      const error = r.kind === 'not-sent' ? `not sent: ${r.error}` : r.error;
      t.apply(sellSide ? { type: 'sell-reject', error } : { type: 'reject', error });
      if (r.kind === 'not-sent' && !sellSide) t.notSent = true;
      return;
    }
    case 'never-executed':
      t.apply({ type: 'timeout' });
      t.apply({ type: 'reconciled', leg, status: 'not-found', totals: { volume: 0, cost: 0, fee: 0 } });
      return;
    case 'in-doubt':
      t.apply({ type: 'timeout' });
      t.apply({ type: 'give-up', reason: r.reason });
      t.inDoubt = true;
      return;
    case 'done':
      applyDoneLeg(t, sellSide, r);
      return;
  }
}

/** A leg Kraken closed or canceled: its ack, each fill, then the close with Kraken's totals. */
function applyDoneLeg(t: TradeRun, sellSide: boolean, r: Extract<LegResult, { kind: 'done' }>): void {
  t.apply(sellSide ? { type: 'sell-ack', txid: r.txid } : { type: 'ack', txid: r.txid });
  for (const f of r.fills) {
    t.apply({
      type: sellSide ? 'sell-fill' : 'fill',
      volume: f.volume,
      price: f.price,
      fee: quoteFee(f, sellSide ? t.sell : t.buy),
      tradeId: f.tradeId,
    });
  }
  if (sellSide) t.apply({ type: r.closed ? 'sell-closed' : 'sell-canceled', totals: r.totals });
  else {
    // A fee Kraken took in the coin (despite our fee-in-quote flag) cannot be sold.
    let feeInBase = 0;
    for (const f of r.fills) for (const x of f.fees ?? []) if (x.asset === t.buy.base) feeInBase += x.qty;
    t.apply({ type: r.closed ? 'order-closed' : 'order-canceled', totals: r.totals, feeInBase });
  }
}

/** Values the trade, journals what is left unsold (stranded, dust) and its outcome. */
function finish(t: TradeRun): TradeResult {
  const { st, opp, buy, sell } = t;
  const status = statusOf(t);
  const bought = st.buy.volume > 0;
  const pnl = bought
    ? pnlOfTrade(st, opp.direction, {
        usdtUsdBid: opp.usdtUsd.bid,
        usdtUsdAsk: opp.usdtUsd.ask,
        usdtEurBid: opp.usdtEur.bid,
        usdtEurAsk: opp.usdtEur.ask,
        stableFee: t.s.stableFee,
      })
    : null;
  const sold = st.sellDone.volume + st.sellCurrent.volume;
  const unsold = Math.max(0, st.buy.volume - st.buyFeeInBase - sold - st.dust);
  // Valued at the sell pair's bid seen at the decision, converted to USD at the USDT mids.
  const usdPerSellQuote = opp.direction === 0 ? (pnl?.eurUsd ?? 1) : 1;
  const valueUsd = (v: number): number => v * opp.sellPrice * usdPerSellQuote;
  if (status === 'stranded' || status === 'unknown') {
    t.journal('stranded', {
      asset: buy.base,
      volume: status === 'unknown' ? Math.max(unsold, st.requestedVolume - st.buy.volume) : unsold,
      valueUsd: valueUsd(unsold),
      reason: st.reason,
      pair: sell.wsname,
      possible: status === 'unknown',
    });
  }
  if (st.dust > 0) {
    t.journal('stranded', {
      asset: buy.base,
      volume: st.dust,
      valueUsd: valueUsd(st.dust),
      reason: 'dust: below the sell pair minimum',
      pair: sell.wsname,
      dust: true,
    });
  }
  t.journal('outcome', {
    status,
    reason: st.reason,
    bought: st.buy.volume,
    sold,
    dust: st.dust,
    pnlUsd: pnl?.pnlUsd ?? 0,
    pnlEur: pnl?.pnlEur ?? 0,
    strandedValueUsd: valueUsd(unsold),
    decisionToSendUs: t.decisionToSendUs,
  });
  return { ...t.result(status, pnl), strandedValueUsd: valueUsd(unsold) };
}

function statusOf(t: TradeRun): TradeResultStatus {
  if (t.inDoubt) return 'unknown';
  switch (t.st.phase) {
    case 'sold':
      return 'sold';
    case 'dust':
      return 'dust';
    case 'not-filled':
      return 'not-filled';
    case 'rejected':
      return t.notSent ? 'failed' : 'rejected';
    default:
      return 'stranded';
  }
}

/**
 * The part of a fill's fee paid in money (the quote currency). A fee taken in the coin is not money
 * spent: it is coins not received (the buy's feeInBase), valued by the sale that does not happen.
 */
function quoteFee(f: OrderFill, pair: PairInfo): number {
  if (f.fees === undefined) return f.fee;
  let q = 0;
  for (const x of f.fees) if (x.asset === pair.quote) q += x.qty;
  return q;
}
