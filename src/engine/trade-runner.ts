/**
 * Runs one trade to its end: LIMIT IOC buy at the ask, every fill followed until Kraken closes the
 * order, the whole filled volume sold at market on the other pair (retried with backoff), each step
 * journaled, unknown outcomes reconciled over REST. Decisions are the pure trade-state machine's;
 * this file does the I/O around them.
 */
import {
  createTrade,
  nextSellVolume,
  transition,
  type TradeEvent,
  type TradePhase,
  type TradeState,
} from '../core/trade-state.js';
import { formatDecimal } from '../core/decimals.js';
import { formatOrderPrice } from '../core/order-price.js';
import { isFresh } from '../core/guards.js';
import { pnlOfTrade, type Pnl } from '../core/pnl.js';
import type { Opportunity } from '../core/opportunity.js';
import type { PairInfo } from '../core/pair.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import type { JournalKind } from '../journal/journal-record.js';
import type { KrakenRestClient } from '../kraken/rest.js';
import type { Logger } from '../log/logger.js';
import { OrderNotSentError } from '../kraken/ws/order-errors.js';
import type { GatewayAck, OrderGateway } from './order-gateway.js';
import type { OrderTracker, TrackedOrder } from './order-tracker.js';
import { DEFAULT_RECONCILE, reconcileOrder, type ReconcileResult } from './reconcile.js';
import { errorText } from './worker-context.js';

export interface TradeSettings {
  fillTimeoutMs: number;
  maxLocalAgeUs: number;
  sellRetries: number;
  /** Stablecoin pair fee (fraction) for PnL conversion. */
  stableFee: number;
  /** When the trader took the opportunity from the slot (epoch µs), for the latency split; default: now. */
  takenUs?: number;
  /** Called once the buy has been handed to the socket: bookkeeping that must not delay the send. */
  onBuySent?: () => void;
}

export type TradeOutcomeStatus =
  'sold' | 'not-filled' | 'rejected' | 'stranded' | 'unknown' | 'failed' | 'stale';

export interface TradeResult {
  tradeId: string;
  status: TradeOutcomeStatus;
  state: TradeState;
  pnl: Pnl | null;
  reason: string | undefined;
  /** Opportunity receive → buy handed to the socket, µs (NaN when nothing was sent). */
  decisionToSendUs: number;
}

export interface TradeDeps {
  gateway: OrderGateway;
  tracker: OrderTracker;
  rest: KrakenRestClient | null;
  journal: Pick<JournalWriter, 'append'>;
  log: Logger;
  nowUs: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** After Kraken says the order is over, how long to wait for fills still in flight on ownTrades. */
const FILL_GRACE_MS = 250;
/** A market sell normally completes in milliseconds. */
const SELL_TIMEOUT_MS = 2_000;
const SELL_RETRY_BASE_MS = 200;
/**
 * A sell due while the private socket is down (reconnecting, fetching a token) waits this long for
 * it before spending an attempt: otherwise a few hundred ms of backoff exhaust every retry during an
 * ordinary reconnect and the inventory is stranded though it could be sold a second later.
 */
const SELL_READY_WAIT_MS = 10_000;
const READY_POLL_MS = 50;

let tradeCounter = 0;

export function newUserref(): number {
  // Kraken's userref is a signed 32-bit integer; positive and random so ours are told apart.
  return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

export async function runTrade(
  opp: Opportunity,
  buy: PairInfo,
  sell: PairInfo,
  s: TradeSettings,
  d: TradeDeps,
): Promise<TradeResult> {
  const tradeId = `T${Date.now().toString(36)}-${(++tradeCounter).toString(36)}`;
  const userref = newUserref();
  let st = createTrade({
    buyLotDecimals: buy.lotDecimals,
    sellLotDecimals: sell.lotDecimals,
    sellOrdermin: sell.ordermin,
    maxSellAttempts: 1 + s.sellRetries,
  });
  const apply = (ev: TradeEvent): void => {
    const r = transition(st, ev);
    if (!r.ok) d.log.warn('trade event ignored', { tradeId, ...r.error });
    st = r.state;
  };
  // Durability: every record is written (write(2)) before the code goes on, so a process crash
  // loses none. fdatasync — which protects against a machine crash and costs 0.2–4 ms here — is
  // paid only right after an order is handed to the socket (order-sent, sell-sent: it overlaps the
  // order's round trip), for the rare unknown/reconciled/stranded records, and for the outcome.
  // Anything a machine crash could still lose between two syncs, Kraken has, and the start-up
  // recovery (recover-trades.ts) fetches it by the trade's userref.
  const journal = (kind: JournalKind, fields: Record<string, unknown>, durable = true): void => {
    d.journal.append(kind, tradeId, fields, { durable });
  };
  const volume = formatDecimal(opp.volume, buy.lotDecimals);
  const price = formatOrderPrice(opp.buyPrice, buy, 'buy');
  const result = (
    status: TradeOutcomeStatus,
    decisionToSendUs: number,
    pnl: Pnl | null = null,
  ): TradeResult => ({
    tradeId,
    status,
    state: st,
    pnl,
    reason: st.reason,
    decisionToSendUs,
  });

  // The last guard before money moves: the update that opened this opportunity must still be fresh.
  if (!isFresh(opp.triggerRecvUs, d.nowUs(), s.maxLocalAgeUs)) return result('stale', Number.NaN);
  // Written (not yet synced) before the order leaves, synced while it is in flight.
  journal(
    'intent',
    {
      buyPair: buy.wsname,
      sellPair: sell.wsname,
      base: buy.base,
      direction: opp.direction === 0 ? 'USD->EUR' : 'EUR->USD',
      volume: opp.volume,
      price: opp.buyPrice,
      expectedSellPrice: opp.sellPrice,
      roi: opp.roi,
      fee: opp.fee,
      userref,
      listener: opp.listener,
      opportunitySeq: opp.seq,
      // The latency split (bench/wire.ts): listener receipt → evaluated → taken by the trader → intent.
      triggerRecvUs: opp.triggerRecvUs,
      evalDoneUs: opp.evalDoneUs,
      takenUs: s.takenUs ?? d.nowUs(),
    },
    false,
  );
  apply({ type: 'buy-sent', volume: opp.volume, price: opp.buyPrice });
  const sentAtSec = Date.now() / 1000;
  const ackPromise = d.gateway.addOrder({
    side: 'buy',
    ordertype: 'limit',
    pair: buy,
    volume,
    price,
    timeinforce: 'IOC',
    userref,
  });
  const sentUs = d.nowUs();
  const decisionToSendUs = sentUs - opp.triggerRecvUs;
  s.onBuySent?.();
  journal('order-sent', {
    sentUs,
    pair: buy.wsname,
    side: 'buy',
    ordertype: 'limit',
    timeinforce: 'IOC',
    volume,
    price,
    userref,
  });

  const buyAck = await settle(ackPromise);
  if (buyAck.kind === 'not-sent') {
    journal('reject', { reason: `not sent: ${buyAck.error}` });
    apply({ type: 'reject', error: `not sent: ${buyAck.error}` });
    return finish('failed');
  }
  if (buyAck.kind === 'ack' && buyAck.ack.status === 'error') {
    journal('reject', { reason: buyAck.ack.errorMessage });
    apply({ type: 'reject', error: buyAck.ack.errorMessage });
    return finish('rejected');
  }
  let buyTxid: string | undefined;
  let buyFinal = false;
  if (buyAck.kind === 'ack' && buyAck.ack.status === 'ok') {
    buyTxid = buyAck.ack.txid;
    apply({ type: 'ack', txid: buyTxid });
    journal('ack', { txid: buyTxid }, false);
    buyFinal = await d.tracker.waitFinal(buyTxid, s.fillTimeoutMs, FILL_GRACE_MS);
  } else {
    journal('unknown', { leg: 'buy', reason: buyAck.kind === 'unknown' ? buyAck.error : 'no ack' });
    apply({ type: 'socket-lost' });
  }
  if (buyFinal && buyTxid !== undefined) {
    const o = d.tracker.get(buyTxid);
    if (o) applyOrderEnd(o, 'buy', buy);
  } else {
    if (st.phase !== 'buy-unknown') {
      apply({ type: 'timeout' });
      journal('unknown', { leg: 'buy', txid: buyTxid, reason: `not closed within ${s.fillTimeoutMs} ms` });
    }
    const rec = await reconcile(buyTxid, 'buy', sentAtSec);
    if (rec.status === 'failed') {
      apply({ type: 'give-up', reason: `buy outcome unknown: ${rec.error}` });
      journal('stranded', {
        leg: 'buy',
        reason: st.reason,
        asset: buy.base,
        volume: opp.volume,
        possible: true,
      });
      return finish('unknown');
    }
    journalReconciled('buy', rec, buy);
    apply(reconciledEvent('buy', rec));
  }

  if (st.phase === 'not-filled') return finish('not-filled');
  if (st.phase === 'stranded') {
    journal('stranded', { asset: buy.base, volume: st.buy.volume, reason: st.reason });
    return finish('stranded');
  }

  // Sell everything that was bought, at market on the other pair.
  while (st.phase === 'filled' || st.phase === 'partially-filled' || st.phase === 'sell-retry') {
    if (st.phase === 'sell-retry') await d.sleep(SELL_RETRY_BASE_MS * 2 ** (st.sellAttempts - 1));
    for (let waited = 0; !d.gateway.isReady() && waited < SELL_READY_WAIT_MS; waited += READY_POLL_MS) {
      await d.sleep(READY_POLL_MS);
    }
    const sellVolume = nextSellVolume(st);
    const sellVolumeText = formatDecimal(sellVolume, sell.lotDecimals);
    apply({ type: 'sell-sent', volume: sellVolume });
    const sellSentAtSec = Date.now() / 1000;
    const sellPromise = d.gateway.addOrder({
      side: 'sell',
      ordertype: 'market',
      pair: sell,
      volume: sellVolumeText,
      userref,
    });
    journal('sell-sent', {
      pair: sell.wsname,
      side: 'sell',
      ordertype: 'market',
      volume: sellVolumeText,
      attempt: st.sellAttempts,
    });
    const sellAck = await settle(sellPromise);
    if (sellAck.kind === 'not-sent' || (sellAck.kind === 'ack' && sellAck.ack.status === 'error')) {
      const error =
        sellAck.kind === 'not-sent'
          ? `not sent: ${sellAck.error}`
          : (sellAck.ack as { errorMessage: string }).errorMessage;
      journal('sell-failed', { reason: error, attempt: st.sellAttempts }, false);
      apply({ type: 'sell-reject', error });
      continue;
    }
    let sellTxid: string | undefined;
    let sellFinal = false;
    if (sellAck.kind === 'ack' && sellAck.ack.status === 'ok') {
      sellTxid = sellAck.ack.txid;
      apply({ type: 'sell-ack', txid: sellTxid });
      journal('sell-ack', { txid: sellTxid }, false);
      sellFinal = await d.tracker.waitFinal(sellTxid, SELL_TIMEOUT_MS, FILL_GRACE_MS);
    } else {
      apply({ type: 'socket-lost' });
      journal('unknown', { leg: 'sell', reason: sellAck.kind === 'unknown' ? sellAck.error : 'no ack' });
    }
    if (sellFinal && sellTxid !== undefined) {
      const o = d.tracker.get(sellTxid);
      if (o) applyOrderEnd(o, 'sell', sell);
    } else {
      if ((st.phase as TradePhase) !== 'sell-unknown') {
        apply({ type: 'timeout' });
        journal('unknown', {
          leg: 'sell',
          txid: sellTxid,
          reason: `not closed within ${SELL_TIMEOUT_MS} ms`,
        });
      }
      const rec = await reconcile(sellTxid, 'sell', sellSentAtSec);
      if (rec.status === 'failed') {
        apply({ type: 'give-up', reason: `sell outcome unknown: ${rec.error}` });
        break;
      }
      journalReconciled('sell', rec, sell);
      apply(reconciledEvent('sell', rec));
    }
  }
  if (st.phase === 'sold') return finish('sold');
  journal('stranded', {
    asset: buy.base,
    volume: nextSellVolume(st) + st.dust,
    reason: st.reason,
    pair: sell.wsname,
  });
  return finish('stranded');

  // ---- helpers (closures over this trade) ----

  function finish(status: TradeOutcomeStatus): TradeResult {
    const bought = st.buy.volume > 0;
    const pnl = bought
      ? pnlOfTrade(st, opp.direction, {
          usdtUsdBid: opp.usdtUsd.bid,
          usdtUsdAsk: opp.usdtUsd.ask,
          usdtEurBid: opp.usdtEur.bid,
          usdtEurAsk: opp.usdtEur.ask,
          stableFee: s.stableFee,
        })
      : null;
    journal('outcome', {
      status,
      reason: st.reason,
      bought: st.buy.volume,
      sold: st.sellDone.volume + st.sellCurrent.volume,
      pnlUsd: pnl?.pnlUsd ?? 0,
      pnlEur: pnl?.pnlEur ?? 0,
      decisionToSendUs,
    });
    return result(status, decisionToSendUs, pnl);
  }

  /** Feed an order's fills (journaled one by one) and its end into the state machine. */
  function applyOrderEnd(o: TrackedOrder, leg: 'buy' | 'sell', pair: PairInfo): void {
    let summed = 0;
    let summedCost = 0;
    let summedFee = 0;
    for (const f of o.fills) {
      summed += f.volume;
      summedCost += f.cost;
      summedFee += f.fee;
      apply({
        type: leg === 'buy' ? 'fill' : 'sell-fill',
        volume: f.volume,
        price: f.price,
        fee: f.fee,
        tradeId: f.tradeId,
      });
      journal(
        leg === 'buy' ? 'fill' : 'sell-fill',
        {
          pair: pair.wsname,
          price: f.price,
          volume: f.volume,
          cost: f.cost,
          fee: f.fee,
          fillId: f.tradeId,
          txid: o.txid,
        },
        false,
      );
    }
    // Kraken's order totals may know fills the trade stream has not delivered: account for them once.
    if (o.volExec !== undefined && o.volExec > summed + 1e-12 && o.cost !== undefined) {
      const vol = o.volExec - summed;
      const cost = Math.max(0, o.cost - summedCost);
      const fee = Math.max(0, (o.fee ?? 0) - summedFee);
      journal(
        leg === 'buy' ? 'fill' : 'sell-fill',
        {
          pair: pair.wsname,
          price: cost / vol,
          volume: vol,
          cost,
          fee,
          fillId: `${o.txid}:totals`,
          txid: o.txid,
          source: 'order-totals',
        },
        false,
      );
    }
    const totals =
      o.volExec !== undefined
        ? { volume: o.volExec, cost: o.cost ?? summedCost, fee: o.fee ?? summedFee }
        : undefined;
    journal(
      'order-closed',
      {
        leg,
        txid: o.txid,
        status: o.status,
        volExec: o.volExec,
        cost: o.cost,
        fee: o.fee,
        reason: o.reason,
      },
      false,
    );
    const closed = o.status === 'closed';
    if (leg === 'buy') apply({ type: closed ? 'order-closed' : 'order-canceled', totals });
    else apply({ type: closed ? 'sell-closed' : 'sell-canceled', totals });
  }

  function reconcile(
    txid: string | undefined,
    side: 'buy' | 'sell',
    sentAt: number,
  ): Promise<ReconcileResult> {
    if (d.rest === null)
      return Promise.resolve({ status: 'failed', error: 'no REST client to reconcile with' });
    return reconcileOrder(
      d.rest,
      { txid, userref, side, sentAtSec: sentAt },
      { ...DEFAULT_RECONCILE, sleep: d.sleep },
    );
  }

  function journalReconciled(leg: 'buy' | 'sell', rec: ReconcileResult, pair: PairInfo): void {
    if (rec.status === 'closed' || rec.status === 'canceled') {
      // REST totals replace what the stream showed: journal the difference as one fill.
      const seen = leg === 'buy' ? st.buy : st.sellCurrent;
      const vol = rec.totals.volume - seen.volume;
      if (vol > 1e-12) {
        const cost = Math.max(0, rec.totals.cost - seen.cost);
        journal(leg === 'buy' ? 'fill' : 'sell-fill', {
          pair: pair.wsname,
          price: cost / vol,
          volume: vol,
          cost,
          fee: Math.max(0, rec.totals.fee - seen.fee),
          fillId: `${rec.txid}:rest`,
          txid: rec.txid,
          source: 'rest-reconcile',
        });
      }
    }
    journal('reconciled', {
      leg,
      status: rec.status,
      ...(rec.status === 'closed' || rec.status === 'canceled' ? { txid: rec.txid, totals: rec.totals } : {}),
    });
  }
}

function reconciledEvent(leg: 'buy' | 'sell', rec: ReconcileResult): TradeEvent {
  if (rec.status === 'closed' || rec.status === 'canceled') {
    return { type: 'reconciled', leg, status: rec.status, totals: rec.totals, txid: rec.txid };
  }
  return { type: 'reconciled', leg, status: 'not-found', totals: { volume: 0, cost: 0, fee: 0 } };
}

type Settled =
  { kind: 'ack'; ack: GatewayAck } | { kind: 'not-sent'; error: string } | { kind: 'unknown'; error: string };

async function settle(p: Promise<GatewayAck>): Promise<Settled> {
  try {
    return { kind: 'ack', ack: await p };
  } catch (err) {
    if (err instanceof OrderNotSentError) return { kind: 'not-sent', error: err.message };
    return { kind: 'unknown', error: errorText(err) };
  }
}
