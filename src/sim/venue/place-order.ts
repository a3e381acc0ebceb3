/**
 * AddOrder as one atomic step: admit (Kraken's checks in Kraken's order, each with its exact error
 * string), open, take liquidity, settle every fill, close or rest — and only then emit the order's
 * events (pending → open → [trade, order delta]* → closed|canceled), so a listener never sees a
 * half-settled account.
 */
import type {
  BookLevel,
  OrderRequest,
  SimOrder,
  SimPair,
  SimTrade,
  VenueEvent,
  VenueResult,
} from '../contracts.js';
import { BALANCE_DECIMALS } from './accounts.js';
import { roundTo } from './decimal.js';
import { isStableOrFxPair } from './fees.js';
import type { KeyState } from './key-state.js';
import { estimateCost, planFundedBuy } from './matching.js';
import { CANCEL_REASON, describeOrder, settleFill, statusError, UNKNOWN_PAIR } from './order-rules.js';
import { parseOrder, type ParsedOrder } from './validate-order.js';
import { usdRate } from './valuation.js';
import { emitAll, nowSec, reject, type VenueCore } from './venue-core.js';

/** Kraken's documented latest deadline: now + 60 s. */
const MAX_DEADLINE_AHEAD_MS = 60_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Kraken's `deadline` as the matching engine applies it: an order that reaches the engine after its
 * deadline is rejected, never executed (what lets a client settle an order whose ack it lost). A
 * malformed deadline, or one more than 60 s ahead, is an invalid argument.
 */
function deadlineError(deadline: string | undefined, nowMs: number): string | undefined {
  if (deadline === undefined) return undefined;
  const at = RFC3339.test(deadline) ? Date.parse(deadline) : Number.NaN;
  if (!Number.isFinite(at) || at - nowMs > MAX_DEADLINE_AHEAD_MS)
    return 'EGeneral:Invalid arguments:deadline';
  return nowMs > at ? 'EService:Deadline elapsed' : undefined;
}

/** The order's flags as Kraken reports them: the fee currency always named (fcib or fciq). */
function withFeeFlag(oflags: string, feeInBase: boolean): string {
  const flags = oflags.split(',').filter((f) => f !== '' && f !== 'fcib' && f !== 'fciq');
  flags.push(feeInBase ? 'fcib' : 'fciq');
  return flags.join(',');
}

/** The key and pair an order goes to, once the venue will look at it at all. */
interface Routed {
  ks: KeyState;
  pairIndex: number;
  pair: SimPair;
}

/** Everything admission learned about an order that passed it. */
interface Admitted extends Routed {
  o: ParsedOrder;
  takeSide: 'ask' | 'bid';
  book: readonly BookLevel[];
  takerPct: number;
  /** The fee's currency pays it: quote for fciq, base for fcib (validate-order.ts). */
  quoteFactor: number;
  baseFactor: number;
  descr: string;
}

export function placeOrder(
  core: VenueCore,
  apiKey: string,
  req: OrderRequest,
): VenueResult<{ txid: string; descr: string }> {
  const routed = routeOrder(core, apiKey, req);
  if (typeof routed === 'string') return reject(core, routed);
  const admitted = admitOrder(core, routed, req);
  if (typeof admitted === 'string') return reject(core, admitted);
  const { descr } = admitted;
  if (req.validate === true) return { ok: true, value: { txid: '', descr } };

  core.stats.ordersAccepted++;
  const events: VenueEvent[] = [];
  const order = openOrder(core, apiKey, admitted, events);
  const reason = matchOrder(core, apiKey, admitted, order, events);
  finishOrder(core, apiKey, admitted, order, reason, events);
  emitAll(core, events);
  return { ok: true, value: { txid: order.txid, descr } };
}

/** Forced fault, key, pair, system status, deadline, trading counter: the checks before the order's own fields. */
function routeOrder(core: VenueCore, apiKey: string, req: OrderRequest): Routed | string {
  const arrivedNs = process.hrtime.bigint();
  const forced = core.faults?.takeRejectNextOrder?.() ?? null;
  if (forced !== null) return forced;
  const ks = core.keys.get(apiKey);
  if (ks === undefined) return 'EAPI:Invalid key';
  const pairIndex = typeof req.pair === 'string' ? core.market.pairIndex(req.pair) : -1;
  const pair = core.market.pairs[pairIndex];
  if (pair === undefined) return UNKNOWN_PAIR;
  if (core.timing !== undefined && (req.type === 'buy' || req.type === 'sell')) {
    const limit = req.ordertype === 'limit' ? Number(req.price) : req.type === 'buy' ? Infinity : 0;
    core.timing.orderArrived(pairIndex, req.type, limit, arrivedNs);
  }
  const stErr = statusError(core.status, pair, req);
  if (stErr !== undefined) return stErr;
  const now = core.nowMs();
  const deadlineErr = deadlineError(req.deadline, now);
  if (deadlineErr !== undefined) return deadlineErr;
  // docs/kraken-protocol.md §5.2: the fixed +1 applies even when validation then fails.
  if (!ks.counter(pairIndex).tryAdd(1, now)) return 'EOrder:Rate limit exceeded';
  return { ks, pairIndex, pair };
}

/** The order's fields, minimums, the open-order cap and the funds to pay for it. */
function admitOrder(core: VenueCore, routed: Routed, req: OrderRequest): Admitted | string {
  const { ks, pairIndex, pair } = routed;
  const parsed = parseOrder(req, pair);
  if (!parsed.ok) return parsed.error;
  const o = parsed.order;
  if (o.volume < pair.ordermin) return 'EOrder:Order minimum not met';
  const takeSide = o.type === 'buy' ? 'ask' : 'bid';
  const book = core.market.levels(pairIndex, takeSide);
  const refPrice = o.ordertype === 'limit' ? o.price : (book[0]?.price ?? 0);
  if (pair.costmin > 0 && refPrice > 0 && refPrice * o.volume < pair.costmin)
    return 'EOrder:Cost minimum not met';
  if (ks.openOnPair(pairIndex) >= core.limits.maxOpenOrders) return 'EOrder:Orders limit exceeded';

  const { takerPct } = ks.fees(pair);
  const feeFactor = 1 + takerPct / 100;
  const quoteFactor = o.feeInBase ? 1 : feeFactor;
  const baseFactor = o.feeInBase ? feeFactor : 1;
  const descr = describeOrder(pair, o.type, o.ordertype, o.volume, o.price);
  const admitted = { ...routed, o, takeSide, book, takerPct, quoteFactor, baseFactor, descr } as const;
  return hasFunds(admitted) ? admitted : 'EOrder:Insufficient funds';
}

/** A buy needs its quote cost plus a quote fee; a sell its volume plus a base fee. */
function hasFunds(a: Admitted): boolean {
  const { o, pair, book, quoteFactor, baseFactor } = a;
  const acct = a.ks.account;
  if (o.type === 'buy') {
    const need =
      o.ordertype === 'limit' ? o.price * o.volume * quoteFactor : estimateCost(book, o.volume) * quoteFactor;
    return !(acct.available(pair.quoteId) < roundTo(need, BALANCE_DECIMALS));
  }
  return !(acct.available(pair.baseId) < roundTo(o.volume * baseFactor, BALANCE_DECIMALS));
}

/** The accepted order, pending then open. */
function openOrder(core: VenueCore, apiKey: string, a: Admitted, events: VenueEvent[]): SimOrder {
  const { o } = a;
  const order: SimOrder = {
    txid: core.ids.orderId(),
    userref: o.userref,
    pairIndex: a.pairIndex,
    type: o.type,
    ordertype: o.ordertype,
    price: o.price,
    volume: o.volume,
    volExec: 0,
    cost: 0,
    fee: 0,
    avgPrice: 0,
    status: 'pending',
    timeinforce: o.ordertype === 'market' ? 'IOC' : o.timeinforce,
    oflags: withFeeFlag(o.oflags, o.feeInBase),
    opentm: nowSec(core),
    closetm: 0,
    descr: a.descr,
  };
  if (o.clOrdId !== undefined) order.clOrdId = o.clOrdId;
  a.ks.track(order);
  events.push({
    kind: 'order',
    apiKey,
    order: { ...order },
    fields: Object.keys(order) as Array<keyof SimOrder>,
  });
  order.status = 'open';
  events.push({ kind: 'order', apiKey, order: { ...order }, fields: ['status'] });
  return order;
}

/**
 * Takes what crosses, up to the fill-cap fault; a market buy only what the quote balance pays for.
 * Returns the cancel reason already known (post-only crossed, funds ran out), if any.
 */
function matchOrder(
  core: VenueCore,
  apiKey: string,
  a: Admitted,
  order: SimOrder,
  events: VenueEvent[],
): string | undefined {
  const { o, book, pair } = a;
  const best = book[0];
  const crosses =
    best !== undefined &&
    (o.ordertype === 'market' || (o.type === 'buy' ? best.price <= o.price : best.price >= o.price));
  if (!crosses) return undefined;
  if (o.post) return CANCEL_REASON.postOnly;
  let reason: string | undefined;
  const cap = core.faults?.fillCapNextOrder ?? null;
  if (cap !== null && core.faults !== undefined) core.faults.fillCapNextOrder = null;
  let qty = cap !== null ? Math.min(o.volume, cap) : o.volume;
  let limit = o.ordertype === 'limit' ? o.price : o.type === 'buy' ? Infinity : 0;
  if (o.ordertype === 'market' && o.type === 'buy') {
    const available = a.ks.account.available(pair.quoteId);
    const plan = planFundedBuy(book, o.volume, available, a.quoteFactor, pair.lotDecimals);
    qty = plan.qty;
    limit = plan.worstPrice;
    if (qty < o.volume) reason = CANCEL_REASON.fundsExhausted;
  }
  const fills = qty > 0 ? core.market.take(a.pairIndex, a.takeSide, qty, limit) : [];
  for (const f of fills) settleTake(core, apiKey, a, order, f, events);
  return reason;
}

/** One fill from the book: settled on the account, a trade recorded, the order's totals updated. */
function settleTake(
  core: VenueCore,
  apiKey: string,
  a: Admitted,
  order: SimOrder,
  f: { price: number; qty: number },
  events: VenueEvent[],
): void {
  const { o, pair, ks } = a;
  const remaining = roundTo(o.volume - order.volExec, pair.lotDecimals);
  const q = Math.min(roundTo(f.qty, pair.lotDecimals), remaining);
  if (!(q > 0) || !(f.price > 0) || !Number.isFinite(f.price)) return;
  const { cost, fee } = settleFill(ks.account, pair, order, f.price, q, a.takerPct);
  if (!isStableOrFxPair(pair.base)) ks.account.volumeUsd += cost * usdRate(core.market, pair.quoteId);
  const trade: SimTrade = {
    tradeId: core.ids.tradeId(),
    ordertxid: order.txid,
    pairIndex: a.pairIndex,
    time: nowSec(core),
    type: o.type,
    ordertype: o.ordertype,
    price: f.price,
    vol: q,
    cost,
    fee,
    userref: o.userref,
  };
  if (o.clOrdId !== undefined) trade.clOrdId = o.clOrdId;
  if (o.feeInBase) trade.feeInBase = true;
  ks.recordTrade(trade);
  core.stats.trades++;
  events.push({ kind: 'trade', apiKey, trade });
  events.push({ kind: 'order', apiKey, order: { ...order }, fields: ['volExec', 'cost', 'fee', 'avgPrice'] });
}

/** Filled → closed; IOC, market or a known reason → canceled; else the remainder rests and holds funds. */
function finishOrder(
  core: VenueCore,
  apiKey: string,
  a: Admitted,
  order: SimOrder,
  reason: string | undefined,
  events: VenueEvent[],
): void {
  const { o, pair } = a;
  const remaining = roundTo(o.volume - order.volExec, pair.lotDecimals);
  if (remaining <= 0) {
    order.status = 'closed';
  } else if (reason !== undefined || o.ordertype === 'market' || o.timeinforce === 'IOC') {
    order.status = 'canceled';
    order.reason =
      reason ?? (o.ordertype === 'market' ? CANCEL_REASON.noLiquidity : CANCEL_REASON.iocRemainder);
  } else {
    // Rests: hold what the remainder could cost (quote incl. taker fee for buys, base for sells).
    const amount = o.type === 'buy' ? remaining * o.price * a.quoteFactor : remaining * a.baseFactor;
    a.ks.hold(order.txid, {
      assetId: o.type === 'buy' ? pair.quoteId : pair.baseId,
      amount: roundTo(amount, BALANCE_DECIMALS),
    });
  }
  if (order.status === 'open') return;
  order.closetm = nowSec(core);
  a.ks.archive(order);
  const fields: Array<keyof SimOrder> =
    order.reason === undefined ? ['status', 'closetm'] : ['status', 'closetm', 'reason'];
  events.push({ kind: 'order', apiKey, order: { ...order }, fields });
}
