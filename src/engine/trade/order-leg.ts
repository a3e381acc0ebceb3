/**
 * One order, from the send to Kraken's last word on it: the routine both legs of a trade share
 * (the IOC buy and each market sell). Send → ack → follow the stream until Kraken closes it; when
 * the ack or the close does not come, the order is in doubt and stays so until Kraken settles it:
 * the stream (by the attempt's own userref, and late acks) and REST (by txid first, else by
 * userref) are watched together, and "not found" is final only once the order's `deadline` has
 * passed, after which Kraken's matching engine can no longer execute it. Every step is journaled.
 * The Kraken facts behind this, with their sources: docs/kraken-order-deadline.md. It speaks to the
 * venue only through the order-entry port (order-entry.ts).
 */
import type { JournalKind } from '../../journal/journal-record.js';
import type { Logger } from '../../log/logger.js';
import type { AlertEvent } from '../threads/messages.js';
import type {
  OrderAck,
  OrderEntry,
  OrderFill,
  OrderLookup,
  OrderReport,
  OrderRequest,
} from './order-entry.js';
import { isFinalStatus, type OrderTracker } from './order-tracker.js';
import { errorText } from '../threads/worker-context.js';
import { type FillTotals } from '../../core/trade-types.js';
import { orderInDoubtAlert } from '../../notify/alerts.js';

export type Leg = 'buy' | 'sell';

/** How a leg's order ended. */
export type LegResult =
  /** Kraken refused it: nothing executed. */
  | { kind: 'rejected'; error: string }
  /** It never left the process. */
  | { kind: 'not-sent'; error: string }
  /** Kraken closed it (IOC/market orders always end so); `fills` one by one, `totals` Kraken's own. */
  | { kind: 'done'; txid: string; closed: boolean; fills: readonly OrderFill[]; totals: FillTotals }
  /** Kraken never executed it: not found once its deadline had passed. */
  | { kind: 'never-executed' }
  /** Still unsettled when the trader had to stop (shutdown): the restart recovery settles it. */
  | { kind: 'in-doubt'; txid: string | undefined; reason: string };

export interface LegDeps {
  orderEntry: OrderEntry;
  tracker: OrderTracker;
  /** Null when there is no way to ask the venue (tests, the warm-up): the stream alone settles. */
  orderLookup: OrderLookup | null;
  /** Journals a record of this trade (durable = fdatasync before returning). */
  journal: (kind: JournalKind, fields: Record<string, unknown>, durable?: boolean) => void;
  log: Logger;
  alert: (a: AlertEvent) => void;
  nowUs: () => number;
  /** Wall clock, epoch ms: deadlines are Kraken's wall time. */
  wallMs: () => number;
  /** True once the process is shutting down: an order still in doubt is then left to recovery. */
  stopping: () => boolean;
  /** Aborted at shutdown: cuts a REST look-up short (it may be waiting on the call counter). */
  stopSignal?: AbortSignal;
}

export interface LegTiming {
  /** After the ack, how long the stream has to close the order before REST is asked. */
  closeWaitMs: number;
  /** After Kraken says closed, how long to wait for fills still in flight on the stream. */
  fillGraceMs: number;
  /** Past the deadline, how long before "not found" is believed (clock skew, REST lag). */
  deadlineMarginMs: number;
}

/** Journal kinds per leg (the journal's vocabulary predates the shared routine). */
const KINDS: Readonly<
  Record<Leg, { sent: JournalKind; ack: JournalKind; refused: JournalKind; fill: JournalKind }>
> = {
  buy: { sent: 'order-sent', ack: 'ack', refused: 'reject', fill: 'fill' },
  sell: { sent: 'sell-sent', ack: 'sell-ack', refused: 'sell-failed', fill: 'sell-fill' },
};

/** Kraken's longest deadline: the order was sent no earlier than this before its deadline. */
const DEADLINE_TO_SEND_MAX_MS = 60_000;
/** A REST look-up of an open order is repeated this often. */
const OPEN_RECHECK_MS = 1_000;
const REST_BACKOFF_MAX_MS = 15_000;
/** In doubt this long: alert (then every further such period). */
const IN_DOUBT_ALERT_MS = 30_000;
/** At shutdown an order in doubt is still settled if Kraken answers within this past its deadline. */
const SHUTDOWN_GRACE_MS = 10_000;
/** Longest single wait for news, so the loop re-checks its clocks. */
const WAIT_SLICE_MS = 250;

export interface SentOrder {
  order: OrderRequest;
  /** The ack promise of the send (addOrder called by the caller, so the send path stays its own). */
  ack: Promise<OrderAck>;
  /** When the order was handed to the socket (epoch µs). */
  sentUs: number;
  /** Fields journaled with the sent record besides the order's own. */
  extra?: Record<string, unknown>;
}

/** Sends `order` (the order entry's addOrder), without awaiting anything. */
export function sendOrder(entry: OrderEntry, order: OrderRequest, nowUs: () => number): SentOrder {
  const calledUs = nowUs();
  const ack = entry.addOrder(order);
  // The socket write's own stamp when it belongs to this call (not older than it), else now: the
  // ack's registration after the write (a promise and a timer, ~20 µs cold) does not delay the order.
  const writtenUs = entry.lastWriteUs?.() ?? Number.NaN;
  // `extra` in the literal, set or not: one shape for every leg (see orderRequest in trade-runner.ts).
  return { order, ack, sentUs: writtenUs >= calledUs ? writtenUs : nowUs(), extra: undefined };
}

/** Follows a sent order to its end (see the file comment). Never throws for Kraken's or the network's reasons. */
export async function followOrder(leg: Leg, sent: SentOrder, d: LegDeps, t: LegTiming): Promise<LegResult> {
  const k = KINDS[leg];
  const { order } = sent;
  d.journal(k.sent, {
    leg,
    pair: order.pair.wsname,
    side: order.side,
    ordertype: order.ordertype,
    timeinforce: order.timeinforce,
    volume: order.volume,
    price: order.price,
    userref: order.userref,
    deadlineMs: order.deadlineMs,
    sentUs: sent.sentUs,
    ...sent.extra,
  });
  let answer: OrderAck;
  try {
    answer = await sent.ack;
  } catch (err) {
    // The port answers with values; an adapter that throws anyway leaves the order in doubt.
    answer = { status: 'unknown', reason: errorText(err) };
  }
  if (answer.status === 'not-sent') {
    d.journal(k.refused, { leg, reason: `not sent: ${answer.reason}`, ...sent.extra });
    return { kind: 'not-sent', error: answer.reason };
  }
  if (answer.status === 'error') {
    d.journal(k.refused, { leg, reason: answer.errorMessage, ...sent.extra });
    return { kind: 'rejected', error: answer.errorMessage };
  }
  if (answer.status === 'ok') {
    const txid = answer.txid;
    d.journal(k.ack, { leg, txid, userref: order.userref }, false);
    const closed = await d.tracker.waitFinal(txid, t.closeWaitMs, t.fillGraceMs);
    const o = d.tracker.get(txid);
    // A close that named no executed volume and brought no fill is confirmed over REST.
    if (closed && o !== undefined && (o.volExec !== undefined || o.fills.length > 0))
      return done(leg, txid, order.pair.wsname, d, undefined);
    d.journal('unknown', {
      leg,
      txid,
      userref: order.userref,
      reason: closed ? 'closed without executed volume' : `not closed within ${t.closeWaitMs} ms`,
    });
    return settle(leg, sent, txid, d, t);
  }
  d.journal('unknown', { leg, userref: order.userref, reason: answer.reason });
  return settle(leg, sent, undefined, d, t);
}

/** What the watch over an order in doubt knows so far (settle). */
interface Doubt {
  readonly leg: Leg;
  readonly sent: SentOrder;
  readonly d: LegDeps;
  /** Wall ms past which REST's "not found" is final: the deadline plus the margin. */
  readonly finalAfterMs: number;
  readonly sinceMs: number;
  txid: string | undefined;
  nextRestMs: number;
  restFailures: number;
  lastError: string;
  nextAlertMs: number;
}

/** The order is in doubt: watch the stream and REST until Kraken settles it (file comment). */
async function settle(
  leg: Leg,
  sent: SentOrder,
  knownTxid: string | undefined,
  d: LegDeps,
  t: LegTiming,
): Promise<LegResult> {
  const nextRestMs = d.wallMs();
  const sinceMs = d.wallMs();
  const w: Doubt = {
    leg,
    sent,
    d,
    finalAfterMs: sent.order.deadlineMs + t.deadlineMarginMs,
    sinceMs,
    txid: knownTxid,
    nextRestMs,
    restFailures: 0,
    lastError: '',
    nextAlertMs: sinceMs + IN_DOUBT_ALERT_MS,
  };
  for (;;) {
    const fromStream = newsFromStream(w);
    if (fromStream !== undefined) return fromStream;
    if (d.orderLookup !== null && d.wallMs() >= w.nextRestMs) {
      const fromRest = await askRest(w, d.orderLookup);
      if (fromRest !== undefined) return fromRest;
    }
    const now = d.wallMs();
    if (d.stopping() && (d.orderLookup === null || now >= w.finalAfterMs + SHUTDOWN_GRACE_MS)) {
      return leaveToRecovery(w);
    }
    if (now >= w.nextAlertMs) alertStillInDoubt(w, now);
    await d.tracker.changed(Math.min(WAIT_SLICE_MS, Math.max(1, w.nextRestMs - now)));
  }
}

/** A late ack, a late rejection or the close, as the stream names the order; undefined: no end yet. */
function newsFromStream(w: Doubt): LegResult | undefined {
  const { leg, sent, d } = w;
  const { order } = sent;
  const news = d.tracker.newsFor(order.userref);
  if (w.txid === undefined && news?.kind === 'placed') {
    w.txid = news.txid;
    d.journal(
      KINDS[leg].ack,
      { leg, txid: w.txid, userref: order.userref, late: true, via: news.via },
      false,
    );
  }
  if (w.txid === undefined && news?.kind === 'rejected') {
    d.journal(KINDS[leg].refused, { leg, reason: news.error, late: true, ...sent.extra });
    return { kind: 'rejected', error: news.error };
  }
  if (w.txid !== undefined && d.tracker.isSettled(w.txid))
    return done(leg, w.txid, order.pair.wsname, d, undefined, 'stream');
  return undefined;
}

/**
 * Asks REST for the order (by txid, else by userref): its end when final, never-executed once "not
 * found" is believed; else schedules the next look-up (backing off after failures). Undefined: no end yet.
 */
async function askRest(w: Doubt, lookup: OrderLookup): Promise<LegResult | undefined> {
  const { leg, d } = w;
  const { order } = w.sent;
  const ref = {
    userref: order.userref,
    side: order.side,
    sentAtSec: (order.deadlineMs - DEADLINE_TO_SEND_MAX_MS) / 1000,
  };
  try {
    const info = await lookup.find({ ...ref, txid: w.txid }, d.stopSignal);
    w.restFailures = 0;
    if (info !== undefined) {
      w.txid = info.txid;
      if (isFinalStatus(info.status)) return done(leg, info.txid, order.pair.wsname, d, info, 'rest');
      w.nextRestMs = d.wallMs() + OPEN_RECHECK_MS;
    } else if (d.wallMs() >= w.finalAfterMs && w.txid === undefined) {
      d.journal('reconciled', { leg, status: 'never-executed', userref: order.userref });
      return { kind: 'never-executed' };
    } else {
      w.nextRestMs = Math.max(d.wallMs() + OPEN_RECHECK_MS, w.finalAfterMs);
    }
  } catch (err) {
    w.restFailures++;
    w.lastError = errorText(err);
    w.nextRestMs = d.wallMs() + Math.min(REST_BACKOFF_MAX_MS, 1000 * 2 ** (w.restFailures - 1));
    d.log.warn('order in doubt: REST look-up failed', {
      leg,
      userref: order.userref,
      txid: w.txid,
      error: w.lastError,
    });
  }
  return undefined;
}

/** Shutting down with the order still in doubt: journaled unknown, left to the restart recovery. */
function leaveToRecovery(w: Doubt): LegResult {
  const { order } = w.sent;
  const reason = `shutting down with the order in doubt${w.lastError ? ` (${w.lastError})` : ''}`;
  w.d.journal('unknown', {
    leg: w.leg,
    txid: w.txid,
    userref: order.userref,
    deadlineMs: order.deadlineMs,
    reason,
  });
  return { kind: 'in-doubt', txid: w.txid, reason };
}

function alertStillInDoubt(w: Doubt, now: number): void {
  const { order } = w.sent;
  w.nextAlertMs = now + IN_DOUBT_ALERT_MS;
  const seconds = Math.round((now - w.sinceMs) / 1000);
  w.d.alert(
    orderInDoubtAlert(w.leg, w.txid ?? `userref ${order.userref}`, order.pair.wsname, seconds, w.lastError),
  );
}

/**
 * The order is over: journal each fill the stream delivered, then what Kraken's totals (stream or
 * REST) know beyond them as one fill, then the close. Kraken's totals win over fills in flight.
 */
function done(
  leg: Leg,
  txid: string,
  pair: string,
  d: LegDeps,
  rest: OrderReport | undefined,
  source?: 'stream' | 'rest',
): LegResult {
  const o = d.tracker.get(txid);
  const fills = o?.fills ?? [];
  const streamed = journalFills(leg, txid, pair, fills, d);
  const kraken =
    rest !== undefined
      ? { volume: rest.volumeExecuted, cost: rest.cost, fee: rest.fee }
      : o?.volExec !== undefined
        ? { volume: o.volExec, cost: o.cost ?? streamed.cost, fee: o.fee ?? streamed.fee }
        : undefined;
  if (kraken !== undefined && kraken.volume > streamed.volume + 1e-12) {
    journalMissingFill(leg, txid, pair, d, kraken, streamed, rest !== undefined);
  }
  const totals = kraken !== undefined && kraken.volume > streamed.volume ? kraken : streamed;
  const status = rest?.status ?? o?.status;
  const closed = status === 'closed';
  d.journal(
    source === undefined ? 'order-closed' : 'reconciled',
    {
      leg,
      txid,
      status,
      volExec: totals.volume,
      cost: totals.cost,
      fee: totals.fee,
      source,
      reason: o?.reason,
    },
    source !== undefined,
  );
  return { kind: 'done', txid, closed, fills, totals };
}

/** Journals each fill the stream delivered; returns their sums. */
function journalFills(
  leg: Leg,
  txid: string,
  pair: string,
  fills: readonly OrderFill[],
  d: LegDeps,
): FillTotals {
  const sums = { volume: 0, cost: 0, fee: 0 };
  for (const f of fills) {
    sums.volume += f.volume;
    sums.cost += f.cost;
    sums.fee += f.fee;
    d.journal(
      KINDS[leg].fill,
      {
        pair,
        price: f.price,
        volume: f.volume,
        cost: f.cost,
        fee: f.fee,
        ...(f.fees !== undefined ? { fees: f.fees } : {}),
        fillId: f.tradeId,
        txid,
      },
      false,
    );
  }
  return sums;
}

/** What Kraken's totals know beyond the streamed fills, journaled as one fill. */
function journalMissingFill(
  leg: Leg,
  txid: string,
  pair: string,
  d: LegDeps,
  kraken: FillTotals,
  streamed: FillTotals,
  fromRest: boolean,
): void {
  const v = kraken.volume - streamed.volume;
  const c = Math.max(0, kraken.cost - streamed.cost);
  d.journal(KINDS[leg].fill, {
    pair,
    price: c / v,
    volume: v,
    cost: c,
    fee: Math.max(0, kraken.fee - streamed.fee),
    fillId: `${txid}:${fromRest ? 'rest' : 'totals'}`,
    txid,
    source: fromRest ? 'rest-reconcile' : 'order-totals',
  });
}
