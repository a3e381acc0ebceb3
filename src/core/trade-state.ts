/**
 * One trade's life as pure transitions: a state and an event in, a new state out. The trader feeds
 * it Kraken's words (acks, rejects, every fill, order closed/canceled), its own timeouts, and REST
 * reconciliations, and acts on the resulting phase. Nothing here throws: an event that does not fit
 * the phase, or carries bad numbers, returns `{ ok: false }` with the state unchanged, for the caller to log.
 *
 *   idle ─buy-sent→ buy-sent ─ack→ buy-acked
 *   buy-sent/buy-acked ─timeout|socket-lost→ buy-unknown ─reconciled→ (whatever REST says)
 *   buy-sent/buy-unknown ─reject→ rejected ■            (an order is "rejected" only on Kraken's word)
 *   buy-* ─fill→ same phase, totals summed (every fill of the IOC, not just the first: design-decisions.md, defect 5)
 *   buy-* ─order-closed|order-canceled→ not-filled ■ | filled | partially-filled
 *       | dust ■ (the fill is below the sell pair's ordermin or costmin: no sell could carry it)
 *   filled/partially-filled/sell-retry ─sell-sent→ sell-sent ─sell-ack→ sell-acked
 *   sell-sent/sell-acked ─timeout|socket-lost→ sell-unknown ─reconciled→ …
 *   sell-* ─sell-fill→ same phase;  sell-reject | sell-closed/-canceled with a sellable remainder →
 *       sell-retry (attempts left) | stranded ■;  everything sellable sold → sold ■ (an unsellable
 *       remainder below the sell minimums is dust, recorded, not a failure)
 *   any non-terminal except idle ─give-up→ stranded ■
 */
import { floorToDecimals, roundToDecimals } from './decimals.js';
import type { PairInfo } from './pair.js';
import {
  isTerminal,
  type FillTotals,
  type TradeConfig,
  type TradeEvent,
  type TradePhase,
  type TradeState,
  type TransitionErrorCode,
  type TransitionResult,
} from './trade-types.js';

export type {
  FillTotals,
  TradeConfig,
  TradeEvent,
  TradePhase,
  TradeState,
  TransitionErrorCode,
  TransitionResult,
} from './trade-types.js';

/** Sell orders per trade unless configured otherwise: the first try and two retries. */
export const DEFAULT_MAX_SELL_ATTEMPTS = 3;

/** TradeConfig from the two legs' metadata and the sell pair's bid at the decision. */
export function tradeConfigFor(
  buyPair: Pick<PairInfo, 'lotDecimals'>,
  sellPair: Pick<PairInfo, 'lotDecimals' | 'ordermin' | 'costmin'>,
  sellPriceEstimate: number,
  maxSellAttempts: number = DEFAULT_MAX_SELL_ATTEMPTS,
): TradeConfig {
  return {
    buyLotDecimals: buyPair.lotDecimals,
    sellLotDecimals: sellPair.lotDecimals,
    sellOrdermin: sellPair.ordermin,
    sellCostmin: sellPair.costmin,
    sellPriceEstimate,
    maxSellAttempts,
  };
}

/** Kraken's refusals of an order too small for the pair: retrying the same volume cannot help. */
const BELOW_MINIMUM_ERRORS = /EOrder:(Order|Cost) minimum not met/;

/** True when no sell order on the sell pair could carry `volume` (below ordermin or costmin). */
export function belowSellMinimum(c: TradeConfig, volume: number): boolean {
  return volume < c.sellOrdermin || (c.sellCostmin > 0 && volume * c.sellPriceEstimate < c.sellCostmin);
}

const ZERO: FillTotals = { volume: 0, cost: 0, fee: 0 };

export function createTrade(config: TradeConfig): TradeState {
  return {
    phase: 'idle',
    config,
    requestedVolume: 0,
    limitPrice: 0,
    buyTxid: undefined,
    buy: ZERO,
    buyFeeInBase: 0,
    sellTarget: 0,
    dust: 0,
    sellTxid: undefined,
    sellAttempts: 0,
    sellOrderVolume: 0,
    sellDone: ZERO,
    sellCurrent: ZERO,
    seenTradeIds: [],
    reason: undefined,
  };
}

/** Total sold so far (finished orders plus the one in flight). */
export function soldTotals(s: TradeState): FillTotals {
  return addTotals(s.sellDone, s.sellCurrent);
}

/** Volume the next sell order should carry: what is left of sellTarget, on the sell pair's grid. */
export function nextSellVolume(s: TradeState): number {
  const left = roundToDecimals(s.sellTarget - soldTotals(s).volume, s.config.sellLotDecimals);
  return left > 0 ? left : 0;
}

function addTotals(a: FillTotals, b: FillTotals): FillTotals {
  return { volume: a.volume + b.volume, cost: a.cost + b.cost, fee: a.fee + b.fee };
}

function finiteNonNeg(x: unknown): x is number {
  return typeof x === 'number' && x >= 0 && x < Infinity;
}

function validTotals(t: unknown): t is FillTotals {
  if (typeof t !== 'object' || t === null) return false;
  const o = t as Record<string, unknown>;
  return finiteNonNeg(o.volume) && finiteNonNeg(o.cost) && finiteNonNeg(o.fee);
}

/** An order never executes more than it asked for; totals beyond that are corrupt, not fills. */
function withinOrder(t: FillTotals | undefined, orderVolume: number): boolean {
  return t === undefined || t.volume <= orderVolume * (1 + 1e-9);
}

/** Larger-volume totals win: a close message may know fills we have not seen yet, never fewer. */
function mergeTotals(ours: FillTotals, theirs: FillTotals | undefined): FillTotals {
  return theirs !== undefined && theirs.volume > ours.volume ? theirs : ours;
}

function invalid(
  s: TradeState,
  event: string,
  message: string,
  code: TransitionErrorCode = 'E_TRADE_INVALID_TRANSITION',
): TransitionResult {
  return { ok: false, state: s, error: { code, phase: s.phase, event, message } };
}

function ok(state: TradeState): TransitionResult {
  return { ok: true, state };
}

/** The buy is over: decide between not-filled, filled, partially-filled and dust. */
function finishBuy(s: TradeState, buy: FillTotals, feeInBase = 0): TradeState {
  const c = s.config;
  const filled = roundToDecimals(buy.volume, c.buyLotDecimals);
  const feeCoins = feeInBase > 0 && feeInBase < filled ? feeInBase : 0;
  const owned = roundToDecimals(filled - feeCoins, c.buyLotDecimals);
  if (filled !== filled) {
    // Beyond the exact decimal grid (absurd size): keep the raw figures and let a human look.
    return { ...s, buy, phase: 'stranded', reason: 'filled volume not representable on the lot grid' };
  }
  const b = { ...buy, volume: filled };
  if (!(filled > 0)) return { ...s, buy: b, phase: 'not-filled' };
  const sellTarget = floorToDecimals(owned, c.sellLotDecimals);
  const dust = roundToDecimals(owned - sellTarget, c.buyLotDecimals);
  if (!(sellTarget > 0) || belowSellMinimum(c, sellTarget)) {
    return {
      ...s,
      buy: b,
      buyFeeInBase: feeCoins,
      sellTarget: 0,
      dust: owned,
      phase: 'dust',
      reason: `filled volume ${filled} below the sell pair minimum (ordermin ${c.sellOrdermin}, costmin ${c.sellCostmin})`,
    };
  }
  const full = filled >= roundToDecimals(s.requestedVolume, c.buyLotDecimals);
  return {
    ...s,
    buy: b,
    buyFeeInBase: feeCoins,
    sellTarget,
    dust,
    phase: full ? 'filled' : 'partially-filled',
  };
}

/**
 * A sell order is over (or never existed): sold, retry or stranded. A remainder no order could
 * carry (below the sell minimums, or refused by Kraken as such) is dust: the trade is sold.
 */
function finishSell(s: TradeState, current: FillTotals, reason: string | undefined): TradeState {
  const sellDone = addTotals(s.sellDone, current);
  const next: TradeState = { ...s, sellDone, sellCurrent: ZERO, reason: reason ?? s.reason };
  const left = nextSellVolume(next);
  if (!(left > 0)) return { ...next, phase: 'sold' };
  if (belowSellMinimum(s.config, left) || BELOW_MINIMUM_ERRORS.test(reason ?? '')) {
    return {
      ...next,
      sellTarget: roundToDecimals(next.sellTarget - left, s.config.sellLotDecimals),
      dust: roundToDecimals(next.dust + left, s.config.buyLotDecimals),
      phase: sellDone.volume > 0 ? 'sold' : 'dust',
      reason: `unsold ${left} below the sell pair minimum${reason ? ` (${reason})` : ''}`,
    };
  }
  if (s.sellAttempts >= s.config.maxSellAttempts) {
    return { ...next, phase: 'stranded', reason: `sell attempts exhausted${reason ? ` (${reason})` : ''}` };
  }
  return { ...next, phase: 'sell-retry' };
}

function withFill(
  s: TradeState,
  ev: { volume: number; price: number; fee: number; tradeId?: string },
  leg: 'buy' | 'sell',
): TransitionResult {
  if (!finiteNonNeg(ev.volume) || !(ev.price > 0 && ev.price < Infinity) || !finiteNonNeg(ev.fee)) {
    return invalid(
      s,
      `${leg}-fill`,
      'fill with NaN, infinite, zero-price or negative figures',
      'E_TRADE_BAD_EVENT',
    );
  }
  const id = ev.tradeId;
  if (id !== undefined && s.seenTradeIds.includes(id)) return ok(s); // replayed fill: already counted
  const seenTradeIds = id === undefined ? s.seenTradeIds : [...s.seenTradeIds, id];
  const add: FillTotals = { volume: ev.volume, cost: ev.volume * ev.price, fee: ev.fee };
  const sum = addTotals(leg === 'buy' ? s.buy : s.sellCurrent, add);
  if (!validTotals(sum)) return invalid(s, `${leg}-fill`, 'fill totals overflow', 'E_TRADE_BAD_EVENT');
  return leg === 'buy' ? ok({ ...s, seenTradeIds, buy: sum }) : ok({ ...s, seenTradeIds, sellCurrent: sum });
}

const BUY_LIVE: ReadonlySet<TradePhase> = new Set(['buy-sent', 'buy-acked', 'buy-unknown']);
const SELL_LIVE: ReadonlySet<TradePhase> = new Set(['sell-sent', 'sell-acked', 'sell-unknown']);
const SELL_READY: ReadonlySet<TradePhase> = new Set(['filled', 'partially-filled', 'sell-retry']);

type EventOf<T extends TradeEvent['type']> = Extract<TradeEvent, { type: T }>;
type BuyEvent = EventOf<'buy-sent' | 'ack' | 'reject' | 'fill' | 'order-closed' | 'order-canceled'>;
type SellEvent = EventOf<
  'sell-sent' | 'sell-ack' | 'sell-reject' | 'sell-fill' | 'sell-closed' | 'sell-canceled'
>;
type DoubtEvent = EventOf<'timeout' | 'socket-lost' | 'reconciled' | 'give-up'>;

/** Pure transition; never throws. Each event group has its own function; undefined there: not allowed in this phase. */
export function transition(s: TradeState, event: TradeEvent): TransitionResult {
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    return invalid(s, String(event), 'not an event object', 'E_TRADE_BAD_EVENT');
  }
  const p = s.phase;
  if (isTerminal(p)) return invalid(s, event.type, `trade already ended (${p})`);
  let r: TransitionResult | undefined;
  switch (event.type) {
    case 'buy-sent':
    case 'ack':
    case 'reject':
    case 'fill':
    case 'order-closed':
    case 'order-canceled':
      r = onBuyEvent(s, event);
      break;
    case 'sell-sent':
    case 'sell-ack':
    case 'sell-reject':
    case 'sell-fill':
    case 'sell-closed':
    case 'sell-canceled':
      r = onSellEvent(s, event);
      break;
    case 'timeout':
    case 'socket-lost':
    case 'reconciled':
    case 'give-up':
      r = onDoubtEvent(s, event);
      break;
    default:
      return invalid(s, String((event as { type: unknown }).type), 'unknown event type', 'E_TRADE_BAD_EVENT');
  }
  return r ?? invalid(s, event.type, `event ${event.type} not allowed in phase ${p}`);
}

/** The buy's events: sent, Kraken's ack or reject, each fill, the close. */
function onBuyEvent(s: TradeState, event: BuyEvent): TransitionResult | undefined {
  const p = s.phase;
  switch (event.type) {
    case 'buy-sent':
      if (p !== 'idle') return undefined;
      if (!(event.volume > 0 && event.volume < Infinity) || !(event.price > 0 && event.price < Infinity)) {
        return invalid(s, event.type, 'buy volume and price must be finite and > 0', 'E_TRADE_BAD_EVENT');
      }
      return ok({ ...s, phase: 'buy-sent', requestedVolume: event.volume, limitPrice: event.price });
    case 'ack':
      if (p === 'buy-sent') return ok({ ...s, phase: 'buy-acked', buyTxid: event.txid });
      if (p === 'buy-unknown') return ok({ ...s, phase: 'buy-acked', buyTxid: event.txid });
      return undefined;
    case 'reject':
      if (p === 'buy-sent' || p === 'buy-unknown')
        return ok({ ...s, phase: 'rejected', reason: event.error });
      return undefined;
    case 'fill':
      if (BUY_LIVE.has(p)) return withFill(s, event, 'buy');
      return undefined;
    case 'order-closed':
    case 'order-canceled':
      if (!BUY_LIVE.has(p)) return undefined;
      if (event.totals !== undefined && !validTotals(event.totals))
        return invalid(s, event.type, 'bad totals', 'E_TRADE_BAD_EVENT');
      if (!withinOrder(event.totals, s.requestedVolume))
        return invalid(s, event.type, 'totals exceed the order volume', 'E_TRADE_BAD_EVENT');
      return ok(finishBuy(s, mergeTotals(s.buy, event.totals), event.feeInBase));
  }
}

/** Each sell attempt's events: sent, Kraken's ack or reject, each fill, the close. */
function onSellEvent(s: TradeState, event: SellEvent): TransitionResult | undefined {
  const p = s.phase;
  switch (event.type) {
    case 'sell-sent': {
      if (!SELL_READY.has(p)) return undefined;
      const left = nextSellVolume(s);
      if (!(event.volume > 0) || event.volume > left) {
        return invalid(
          s,
          event.type,
          `sell volume ${String(event.volume)} must be > 0 and ≤ unsold ${left}`,
          'E_TRADE_BAD_EVENT',
        );
      }
      if (s.sellAttempts >= s.config.maxSellAttempts) return invalid(s, event.type, 'no sell attempts left');
      return ok({
        ...s,
        phase: 'sell-sent',
        sellAttempts: s.sellAttempts + 1,
        sellOrderVolume: event.volume,
        sellTxid: undefined,
      });
    }
    case 'sell-ack':
      if (p === 'sell-sent' || p === 'sell-unknown')
        return ok({ ...s, phase: 'sell-acked', sellTxid: event.txid });
      return undefined;
    case 'sell-reject':
      if (p === 'sell-sent' || p === 'sell-unknown') return ok(finishSell(s, s.sellCurrent, event.error));
      return undefined;
    case 'sell-fill':
      if (SELL_LIVE.has(p)) return withFill(s, event, 'sell');
      return undefined;
    case 'sell-closed':
    case 'sell-canceled':
      if (!SELL_LIVE.has(p)) return undefined;
      if (event.totals !== undefined && !validTotals(event.totals))
        return invalid(s, event.type, 'bad totals', 'E_TRADE_BAD_EVENT');
      if (!withinOrder(event.totals, s.sellOrderVolume))
        return invalid(s, event.type, 'totals exceed the order volume', 'E_TRADE_BAD_EVENT');
      return ok(finishSell(s, mergeTotals(s.sellCurrent, event.totals), undefined));
  }
}

/** An order in doubt (timeout, socket lost), REST's word on it, or giving up on the trade. */
function onDoubtEvent(s: TradeState, event: DoubtEvent): TransitionResult | undefined {
  const p = s.phase;
  switch (event.type) {
    case 'timeout':
    case 'socket-lost':
      if (BUY_LIVE.has(p)) return ok({ ...s, phase: 'buy-unknown' });
      if (SELL_LIVE.has(p)) return ok({ ...s, phase: 'sell-unknown' });
      return undefined;
    case 'reconciled':
      return onReconciled(s, event);
    case 'give-up':
      if (p === 'idle') return undefined;
      return ok({ ...s, phase: 'stranded', reason: `gave up: ${event.reason}` });
  }
}

/** REST's answer for the leg in doubt: its totals replace ours. */
function onReconciled(s: TradeState, event: EventOf<'reconciled'>): TransitionResult | undefined {
  const p = s.phase;
  if (!validTotals(event.totals)) return invalid(s, event.type, 'bad totals', 'E_TRADE_BAD_EVENT');
  if (!withinOrder(event.totals, event.leg === 'buy' ? s.requestedVolume : s.sellOrderVolume)) {
    return invalid(s, event.type, 'totals exceed the order volume', 'E_TRADE_BAD_EVENT');
  }
  if (event.leg === 'buy' && BUY_LIVE.has(p)) {
    const buyTxid = event.txid ?? s.buyTxid;
    if (event.status === 'open') return ok({ ...s, buyTxid, buy: event.totals, phase: 'buy-acked' });
    if (event.status === 'not-found')
      return ok({ ...s, buyTxid, buy: ZERO, phase: 'not-filled', reason: 'order not found by REST' });
    return ok(finishBuy({ ...s, buyTxid }, event.totals));
  }
  if (event.leg === 'sell' && SELL_LIVE.has(p)) {
    const sellTxid = event.txid ?? s.sellTxid;
    if (event.status === 'open')
      return ok({ ...s, sellTxid, sellCurrent: event.totals, phase: 'sell-acked' });
    if (event.status === 'not-found')
      return ok(finishSell({ ...s, sellTxid }, ZERO, 'sell order not found by REST'));
    return ok(finishSell({ ...s, sellTxid }, event.totals, undefined));
  }
  return undefined;
}
