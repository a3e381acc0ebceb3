/**
 * Private REST methods (docs/kraken-protocol.md §4.6): Balance, BalanceEx, TradeBalance, TradeVolume,
 * GetWebSocketsToken, AddOrder, CancelOrder, OpenOrders, ClosedOrders, QueryOrders, TradesHistory.
 * Each maps Kraken's string params onto the venue and the venue's objects onto Kraken's shapes.
 */
import type { OrderRequest, SimOrder } from '../contracts.js';
import { assetDecimals } from '../venue/accounts.js';
import { fixed } from '../venue/decimal.js';
import { feeTier } from '../venue/fees.js';
import { usdRate } from '../venue/valuation.js';
import type { VenueImpl } from '../venue/venue.js';
import type { Params } from './body.js';
import type { Answer } from './public-endpoints.js';
import { pairsNamed } from './public-endpoints.js';
import { wireOrder, wireTrade } from './wire.js';

/** Kraken pages ClosedOrders / TradesHistory by 50. */
const PAGE_SIZE = 50;
const QUERY_ORDERS_MAX = 50;

/** docs/kraken-protocol.md §5.1: trading calls use the matching-engine limiter instead of the REST counter. */
export function restCounterCost(method: string): number {
  if (method === 'AddOrder' || method === 'CancelOrder') return 0;
  if (
    method === 'TradesHistory' ||
    method === 'QueryTrades' ||
    method === 'Ledgers' ||
    method === 'QueryLedgers'
  )
    return 2;
  return 1;
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);

export function orderRequestFrom(q: Params): OrderRequest | { error: string } {
  if (q['pair'] === undefined) return { error: 'EGeneral:Invalid arguments:pair' };
  if (q['volume'] === undefined) return { error: 'EGeneral:Invalid arguments:volume' };
  const req: OrderRequest = {
    pair: q['pair'],
    type: q['type'] as OrderRequest['type'],
    ordertype: q['ordertype'] as OrderRequest['ordertype'],
    volume: q['volume'],
  };
  if (q['price'] !== undefined) req.price = q['price'];
  if (q['timeinforce'] !== undefined) req.timeinforce = q['timeinforce'] as OrderRequest['timeinforce'];
  if (q['oflags'] !== undefined) req.oflags = q['oflags'];
  if (q['cl_ord_id'] !== undefined) req.clOrdId = q['cl_ord_id'];
  if (q['deadline'] !== undefined) req.deadline = q['deadline'];
  if (q['userref'] !== undefined) {
    if (!/^-?\d{1,10}$/.test(q['userref'])) return { error: 'EGeneral:Invalid arguments:userref' };
    req.userref = Number(q['userref']);
  }
  if (q['validate'] !== undefined) req.validate = TRUE_WORDS.has(q['validate'].toLowerCase());
  return req;
}

function ordersObject(venue: VenueImpl, list: readonly SimOrder[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of list) {
    const p = venue.market.pairs[o.pairIndex];
    if (p !== undefined) out[o.txid] = wireOrder(o, p);
  }
  return out;
}

/** Kraken's optional `userref` / `cl_ord_id` filters on OpenOrders and ClosedOrders; undefined = bad userref. */
function byRef(list: readonly SimOrder[], q: Params): readonly SimOrder[] | undefined {
  const ref = q['userref'];
  const cl = q['cl_ord_id'];
  if (ref !== undefined && !/^-?\d{1,10}$/.test(ref)) return undefined;
  if (ref === undefined && cl === undefined) return list;
  return list.filter(
    (o) => (ref === undefined || String(o.userref) === ref) && (cl === undefined || o.clOrdId === cl),
  );
}

function offset(q: Params): number | undefined {
  if (q['ofs'] === undefined) return 0;
  const n = Number(q['ofs']);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

type PrivateHandler = (venue: VenueImpl, apiKey: string, q: Params) => Answer;

function balance(venue: VenueImpl, apiKey: string): Answer {
  const result: Record<string, string> = {};
  for (const [id, b] of venue.balances(apiKey)) result[id] = fixed(b.balance, assetDecimals(id));
  return { result };
}

function balanceEx(venue: VenueImpl, apiKey: string): Answer {
  const result: Record<string, unknown> = {};
  for (const [id, b] of venue.balances(apiKey)) {
    const d = assetDecimals(id);
    result[id] = { balance: fixed(b.balance, d), hold_trade: fixed(b.hold, d) };
  }
  return { result };
}

/** Equity valued in `asset` (default ZUSD); no margin, so every margin field is zero. */
function tradeBalance(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const market = venue.market;
  const asset = q['asset'] ?? 'ZUSD';
  const rate = usdRate(market, asset);
  if (!(rate > 0)) return { error: 'EQuery:Unknown asset' };
  let usd = 0;
  for (const [id, b] of venue.balances(apiKey)) usd += b.balance * usdRate(market, id);
  const eb = fixed(usd / rate, 4);
  const zero = fixed(0, 4);
  return { result: { eb, tb: eb, m: zero, n: zero, c: zero, v: zero, e: eb, mf: eb, uv: zero } };
}

/** One fee tier as TradeVolume writes it. */
function feeEntry(t: ReturnType<typeof feeTier>): Record<string, unknown> {
  return {
    fee: fixed(t.pct, 4),
    minfee: fixed(t.minPct, 4),
    maxfee: fixed(t.maxPct, 4),
    nextfee: t.nextPct === null ? null : fixed(t.nextPct, 4),
    nextvolume: t.nextVolume === null ? null : fixed(t.nextVolume, 4),
    tiervolume: fixed(t.tierVolume, 4),
  };
}

/** 30-day volume, and the taker/maker tiers of the pairs asked for (none asked: no fee objects). */
function tradeVolume(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const market = venue.market;
  const idx = q['pair'] === undefined || q['pair'] === '' ? [] : pairsNamed(market, q['pair']);
  if (idx === undefined) return { error: 'EQuery:Unknown asset pair' };
  const volume = venue.feeFor(apiKey, 0).volumeUsd;
  const fees: Record<string, unknown> = {};
  const feesMaker: Record<string, unknown> = {};
  for (const i of idx) {
    const p = market.pairs[i];
    if (p === undefined) continue;
    fees[p.id] = feeEntry(feeTier(p.takerFees, volume));
    if (p.makerFees.length > 0) feesMaker[p.id] = feeEntry(feeTier(p.makerFees, volume));
  }
  const result: Record<string, unknown> = { currency: 'ZUSD', volume: fixed(volume, 4) };
  if (idx.length > 0) {
    result['fees'] = fees;
    result['fees_maker'] = feesMaker;
  }
  return { result };
}

function addOrder(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const req = orderRequestFrom(q);
  if ('error' in req) return req;
  const r = venue.addOrder(apiKey, req);
  if (!r.ok) return { error: r.error };
  const result: Record<string, unknown> = { descr: { order: r.value.descr } };
  if (r.value.txid !== '') result['txid'] = [r.value.txid];
  return { result };
}

function cancelOrder(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const ref = q['txid'] ?? q['cl_ord_id'];
  if (ref === undefined || ref === '') return { error: 'EGeneral:Invalid arguments:txid' };
  const r = venue.cancelOrder(apiKey, ref);
  return r.ok ? { result: { count: r.value.count } } : { error: r.error };
}

function openOrders(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const mine = byRef(venue.openOrders(apiKey), q);
  if (mine === undefined) return { error: 'EGeneral:Invalid arguments:userref' };
  return { result: { open: ordersObject(venue, mine) } };
}

/** Newest first, a page of PAGE_SIZE from `ofs`. */
function closedOrders(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const ofs = offset(q);
  if (ofs === undefined) return { error: 'EGeneral:Invalid arguments:ofs' };
  const mine = byRef(venue.closedOrders(apiKey), q);
  if (mine === undefined) return { error: 'EGeneral:Invalid arguments:userref' };
  const all = [...mine].reverse();
  return { result: { closed: ordersObject(venue, all.slice(ofs, ofs + PAGE_SIZE)), count: all.length } };
}

/** Up to QUERY_ORDERS_MAX comma-separated txids; one unknown id fails the whole call, as on Kraken. */
function queryOrders(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const ids = (q['txid'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (ids.length === 0 || ids.length > QUERY_ORDERS_MAX) return { error: 'EGeneral:Invalid arguments:txid' };
  const found: SimOrder[] = [];
  for (const id of ids) {
    const o = venue.order(apiKey, id);
    if (o === undefined) return { error: 'EOrder:Invalid order' };
    found.push(o);
  }
  return { result: ordersObject(venue, found) };
}

function tradesHistory(venue: VenueImpl, apiKey: string, q: Params): Answer {
  const ofs = offset(q);
  if (ofs === undefined) return { error: 'EGeneral:Invalid arguments:ofs' };
  const all = venue.trades(apiKey);
  const trades: Record<string, unknown> = {};
  // Newest first; trade_id is the trade's sequence number in this account.
  for (let k = all.length - 1 - ofs, n = 0; k >= 0 && n < PAGE_SIZE; k--, n++) {
    const t = all[k];
    const p = t === undefined ? undefined : venue.market.pairs[t.pairIndex];
    if (t !== undefined && p !== undefined) trades[t.tradeId] = wireTrade(t, p, k + 1);
  }
  return { result: { trades, count: all.length } };
}

const PRIVATE_HANDLERS: ReadonlyMap<string, PrivateHandler> = new Map<string, PrivateHandler>([
  ['Balance', balance],
  ['BalanceEx', balanceEx],
  ['TradeBalance', tradeBalance],
  ['TradeVolume', tradeVolume],
  ['GetWebSocketsToken', (venue, apiKey) => ({ result: venue.issueToken(apiKey) })],
  ['AddOrder', addOrder],
  ['CancelOrder', cancelOrder],
  ['OpenOrders', openOrders],
  ['ClosedOrders', closedOrders],
  ['QueryOrders', queryOrders],
  ['TradesHistory', tradesHistory],
]);

export const PRIVATE_METHODS: ReadonlySet<string> = new Set(PRIVATE_HANDLERS.keys());

export function privateMethod(venue: VenueImpl, apiKey: string, method: string, q: Params): Answer {
  const handler = PRIVATE_HANDLERS.get(method);
  return handler === undefined ? { error: 'EGeneral:Unknown method' } : handler(venue, apiKey, q);
}
