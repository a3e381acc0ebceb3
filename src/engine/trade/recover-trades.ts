/**
 * At start-up in trade mode: finish the journal's account of trades a crash interrupted or that
 * ended with an order still in doubt (journal/unfinished-trades.ts). First it waits until every such
 * order's deadline has passed (before that an order Kraken has not shown yet may still execute),
 * then asks Kraken once for the orders of the period and matches each order attempt by its own
 * userref (or its txid). Fills the journal lacks are journaled from Kraken's totals, and the trade
 * gets a new outcome — stranded if coins were bought and not all sold, which is alerted with its
 * size and value. Nothing is traded here; the operator decides what to do with stranded coins.
 */
import type { PairInfo } from '../../core/pair.js';
import type { TradeOutcome, TradeOutcomeStatus } from '../../core/trade-outcome.js';
import type { OrderLookup, OrderReport } from './order-entry.js';
import type { JournalWriter } from '../../journal/journal-writer.js';
import { readJournal } from '../../journal/journal-reader.js';
import {
  findUnclaimedReservations,
  findUnfinishedTrades,
  type UnclaimedReservation,
  type UnfinishedTrade,
} from '../../journal/unfinished-trades.js';
import type { Logger } from '../../log/logger.js';
import type { AlertEvent } from '../threads/messages.js';
import { errorText } from '../threads/worker-context.js';
import { recoveredStrandedAlert, recoveryFailedAlert, recoveryOrderOpenAlert } from '../../notify/alerts.js';

/** Below this a leftover is float noise, not inventory. */
const VOLUME_EPSILON = 1e-9;
const LOOKBACK_SEC = 5;

export interface RecoveryResult {
  unfinished: number;
  recovered: number;
  stranded: number;
  failed: number;
  /** One per trade settled here, for the run summary and the alerts. */
  outcomes: TradeOutcome[];
}

export interface RecoveryDeps {
  journal: Pick<JournalWriter, 'append'>;
  /** The venue's orders (Kraken: OpenOrders and ClosedOrders over REST). */
  orderLookup: OrderLookup;
  log: Logger;
  alert: (a: AlertEvent) => void;
  /** Pairs by v1 wsname: the sell pair's minimums tell dust from stranded coins. */
  pairByWsname: (wsname: string) => PairInfo | undefined;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Past an order's deadline, how long before Kraken's "not found" is believed. */
  deadlineMarginMs: number;
  /** ORDER_DEADLINE_MS: a buy sent with a reserved userref just before a crash is settled by then. */
  orderDeadlineMs: number;
  /** Every pair (a buy found by a reserved userref is named by its REST pair). */
  pairs: readonly PairInfo[];
}

/** The orders of one trade: each attempt's by txid, else by its userref and side. */
function ordersOf(t: UnfinishedTrade, orders: readonly OrderReport[]): OrderReport[] {
  const mine = new Map<string, OrderReport>();
  for (const a of t.attempts) {
    for (const o of orders) {
      const byTxid = a.txid !== undefined && o.txid === a.txid;
      const byRef = o.userref === a.userref && o.side === a.leg;
      if (byTxid || byRef) mine.set(o.txid, o);
    }
  }
  return [...mine.values()];
}

export async function recoverUnfinishedTrades(dir: string, d: RecoveryDeps): Promise<RecoveryResult> {
  const records = readJournal(dir, { onWarning: (w) => d.log.warn('journal', { ...w }) });
  const unfinished = findUnfinishedTrades(records);
  const unclaimed = findUnclaimedReservations(records);
  const result: RecoveryResult = {
    unfinished: unfinished.length + unclaimed.length,
    recovered: 0,
    stranded: 0,
    failed: 0,
    outcomes: [],
  };
  if (unfinished.length === 0 && unclaimed.length === 0) return result;
  await waitForDeadlines(unfinished, unclaimed, d);
  const orders = await ordersOfThePeriod(unfinished, unclaimed, d);
  if (orders === null) {
    result.failed = unfinished.length + unclaimed.length;
    return result;
  }
  for (const u of unclaimed) {
    const t = claimReservation(u, orders, d);
    if (t !== null) unfinished.push(t);
  }
  for (const t of unfinished) {
    const mine = ordersOf(t, orders);
    if (mine.some((o) => o.status === 'open' || o.status === 'pending')) {
      result.failed++;
      d.alert(
        recoveryOrderOpenAlert(
          t.tradeId,
          mine.map((o) => o.txid),
        ),
      );
      continue;
    }
    const outcome = settleTrade(t, mine, d);
    result.outcomes.push(outcome);
    result.recovered++;
    if (outcome.status === 'stranded') result.stranded++;
  }
  return result;
}

/** Until every order's deadline (plus the margin) has passed, an order Kraken has not shown yet may still execute. */
async function waitForDeadlines(
  unfinished: readonly UnfinishedTrade[],
  unclaimed: readonly UnclaimedReservation[],
  d: RecoveryDeps,
): Promise<void> {
  // A buy sent with an unclaimed reservation went out before the crash, so before now: its
  // deadline is at most ORDER_DEADLINE_MS from now.
  const latestDeadline = Math.max(
    0,
    ...unfinished.flatMap((t) => t.attempts.map((a) => a.deadlineMs)),
    unclaimed.length > 0 ? d.nowMs() + d.orderDeadlineMs : 0,
  );
  const waitMs = latestDeadline + d.deadlineMarginMs - d.nowMs();
  if (waitMs > 0) {
    d.log.warn('interrupted trades: waiting for their orders’ deadlines before asking Kraken', {
      trades: unfinished.length,
      reservations: unclaimed.length,
      waitMs: Math.round(waitMs),
    });
    await d.sleep(waitMs);
  }
}

/** Kraken's orders since the earliest interrupted trade, asked once; null (logged, alerted) when Kraken cannot answer. */
async function ordersOfThePeriod(
  unfinished: readonly UnfinishedTrade[],
  unclaimed: readonly UnclaimedReservation[],
  d: RecoveryDeps,
): Promise<OrderReport[] | null> {
  try {
    const since = [...unfinished.map((t) => t.startedUs), ...unclaimed.map((u) => u.reservedUs)];
    const startSec = Math.floor(Math.min(...since) / 1e6) - LOOKBACK_SEC;
    return await d.orderLookup.since(startSec);
  } catch (err) {
    d.log.error('could not reconcile interrupted trades', {
      trades: unfinished.length,
      error: errorText(err),
    });
    d.alert(recoveryFailedAlert(unfinished.length, errorText(err)));
    return null;
  }
}

/** What Kraken executed for one trade: coins bought and sold, money spent and received (fees in). */
interface Executed {
  bought: number;
  sold: number;
  spent: number;
  received: number;
}

/** One recovered trade valued: its new status, PnL and the coins left unsold. */
interface Settlement {
  status: TradeOutcomeStatus;
  bought: number;
  sold: number;
  left: number;
  isDust: boolean;
  pnlUsd: number;
  pnlEur: number;
  leftValueUsd: number;
  /** The intent carried a USD-per-EUR rate: the PnL is valued. */
  fxKnown: boolean;
}

/** Journals what Kraken says of one trade's orders and its new outcome. */
function settleTrade(t: UnfinishedTrade, mine: readonly OrderReport[], d: RecoveryDeps): TradeOutcome {
  const v = valueSettlement(t, journalMissingFills(t, mine, d), d);
  journalSettlement(t, mine, v, d);
  const { status, bought, sold, left } = v;
  if (status === 'stranded') d.alert(recoveredStrandedAlert(t.tradeId, left, t.base, v.leftValueUsd));
  d.log.warn('interrupted trade reconciled', {
    tradeId: t.tradeId,
    status,
    bought,
    sold,
    orders: mine.length,
  });
  return {
    tradeId: t.tradeId,
    status,
    buyPair: t.buyPair,
    sellPair: t.sellPair,
    boughtVolume: bought,
    soldVolume: sold,
    pnlUsd: v.pnlUsd,
    pnlEur: v.pnlEur,
    strandedVolume: status === 'stranded' ? left : 0,
    strandedAsset: t.base,
    strandedValueUsd: status === 'stranded' ? v.leftValueUsd : 0,
    dustVolume: v.isDust ? left : 0,
    reason: 'recovered after a restart',
    decisionToSendUs: Number.NaN,
  };
}

/** Kraken's totals are the truth: journals, pro rata, the fills the journal lacks; returns what Kraken executed. */
function journalMissingFills(t: UnfinishedTrade, mine: readonly OrderReport[], d: RecoveryDeps): Executed {
  const x: Executed = { bought: 0, sold: 0, spent: 0, received: 0 };
  for (const o of mine) {
    const missing = o.volumeExecuted - (t.journaledByTxid.get(o.txid) ?? 0);
    if (missing > VOLUME_EPSILON) {
      const share = missing / o.volumeExecuted;
      const cost = o.cost * share;
      d.journal.append(o.side === 'buy' ? 'fill' : 'sell-fill', t.tradeId, {
        pair: o.side === 'buy' ? t.buyPair : t.sellPair,
        price: cost / missing,
        volume: missing,
        cost,
        fee: o.fee * share,
        fillId: `${o.txid}:recovered`,
        txid: o.txid,
        source: 'restart-recovery',
      });
    }
    if (o.side === 'buy') {
      x.bought += o.volumeExecuted;
      x.spent += o.cost + o.fee;
    } else {
      x.sold += o.volumeExecuted;
      x.received += o.cost - o.fee;
    }
  }
  return x;
}

function valueSettlement(t: UnfinishedTrade, x: Executed, d: RecoveryDeps): Settlement {
  const { bought, sold, spent, received } = x;
  const left = bought - sold;
  const sellPair = d.pairByWsname(t.sellPair);
  const price = t.expectedSellPrice;
  const isDust =
    sellPair !== undefined &&
    (left < sellPair.ordermin || (sellPair.costmin > 0 && price > 0 && left * price < sellPair.costmin));
  const status: TradeOutcomeStatus =
    bought <= VOLUME_EPSILON
      ? 'not-filled'
      : left <= VOLUME_EPSILON
        ? 'sold'
        : isDust
          ? sold > VOLUME_EPSILON
            ? 'sold'
            : 'dust'
          : 'stranded';
  const usdToEur = t.direction === 'USD->EUR';
  const fx = t.eurUsd;
  const fxKnown = Number.isFinite(fx);
  const pnlUsd = fxKnown ? (usdToEur ? received * fx - spent : received - spent * fx) : 0;
  const leftValueUsd = left > VOLUME_EPSILON ? left * price * (usdToEur && fxKnown ? fx : 1) : 0;
  const pnlEur = fxKnown ? pnlUsd / fx : 0;
  return { status, bought, sold, left, isDust, pnlUsd, pnlEur, leftValueUsd, fxKnown };
}

/** The restart's reconciled record, the coins left (stranded or dust) and the new outcome. */
function journalSettlement(
  t: UnfinishedTrade,
  mine: readonly OrderReport[],
  v: Settlement,
  d: RecoveryDeps,
): void {
  const { status, bought, sold, left, isDust } = v;
  d.journal.append('reconciled', t.tradeId, {
    leg: 'restart',
    orders: mine.map((o) => o.txid),
    bought,
    sold,
  });
  if (left > VOLUME_EPSILON) {
    d.journal.append('stranded', t.tradeId, {
      asset: t.base,
      volume: left,
      valueUsd: v.leftValueUsd,
      reason: isDust ? 'dust: below the sell pair minimum' : 'interrupted by a restart',
      pair: t.sellPair,
      ...(isDust ? { dust: true } : {}),
    });
  }
  d.journal.append('outcome', t.tradeId, {
    status,
    reason: 'recovered after a restart',
    bought,
    sold,
    dust: isDust ? left : 0,
    pnlUsd: v.pnlUsd,
    pnlEur: v.pnlEur,
    strandedValueUsd: status === 'stranded' ? v.leftValueUsd : 0,
    ...(v.fxKnown ? {} : { pnlNote: 'no FX rate in the intent: PnL not valued' }),
  });
}

/**
 * An unclaimed reservation: no order at Kraken carries its userref (the crash came before the
 * send), so it is released; or one does (the crash came between the send and the intent), so the
 * trade is journaled from Kraken's order — an intent and the buy's sent record — and settled with
 * the others. Returns that trade, or null.
 */
function claimReservation(
  u: UnclaimedReservation,
  orders: readonly OrderReport[],
  d: RecoveryDeps,
): UnfinishedTrade | null {
  const buy = orders.find((o) => o.userref === u.userref && o.side === 'buy');
  if (buy === undefined) {
    d.journal.append('release', '', { userref: u.userref, reason: 'no order at Kraken carries it' });
    return null;
  }
  const pair = d.pairs.find((p) => p.id === buy.pair || p.altname === buy.pair || p.wsname === buy.pair);
  const otherQuote = pair?.quote === 'USD' ? 'EUR' : 'USD';
  const sellPair = d.pairs.find((p) => p.base === pair?.base && p.quote === otherQuote);
  const tradeId = `R-${u.userref}`;
  const buyPair = pair?.wsname ?? buy.pair;
  const direction = pair?.quote === 'EUR' ? 'EUR->USD' : 'USD->EUR';
  d.log.error('a buy was sent and the process died before its intent was journaled: recovering it', {
    userref: u.userref,
    txid: buy.txid,
  });
  d.journal.append('intent', tradeId, {
    buyPair,
    sellPair: sellPair?.wsname ?? '?',
    base: pair?.base ?? '?',
    baseAsset: pair?.baseId,
    buyQuoteAsset: pair?.quoteId,
    sellQuoteAsset: sellPair?.quoteId,
    direction,
    volume: buy.volume,
    price: buy.limitPrice,
    userref: u.userref,
    source: 'restart-recovery: reserved userref',
  });
  d.journal.append('order-sent', tradeId, { leg: 'buy', side: 'buy', userref: u.userref, deadlineMs: 0 });
  return {
    tradeId,
    buyPair,
    sellPair: sellPair?.wsname ?? '?',
    base: pair?.base ?? '?',
    baseAsset: pair?.baseId,
    startedUs: u.reservedUs,
    eurUsd: Number.NaN,
    direction,
    expectedSellPrice: 0,
    attempts: [{ leg: 'buy', userref: u.userref, deadlineMs: 0, txid: buy.txid }],
    journaledByTxid: new Map(),
  };
}
