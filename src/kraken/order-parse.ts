/**
 * Pure parsers and builders for Kraken REST order calls (docs/kraken-protocol.md §4.6):
 * AddOrder/CancelOrder results, order info (OpenOrders/ClosedOrders/QueryOrders) and trades.
 */
import { WireReader, type WireRecord } from './wire-read.js';

export type OrderSide = 'buy' | 'sell';
export type KrakenOrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';

/** Domain AddOrder request. Volume and price are decimal strings already rounded by the caller. */
export interface AddOrderRequest {
  /** Pair id or altname, e.g. `XXBTZUSD` / `XBTUSD`. */
  readonly pair: string;
  readonly type: OrderSide;
  readonly ordertype: 'market' | 'limit';
  readonly volume: string;
  readonly price?: string;
  readonly timeinforce?: 'GTC' | 'IOC' | 'GTD';
  /** e.g. ['fciq'] or ['post']. */
  readonly oflags?: readonly string[];
  readonly userref?: number;
  readonly clOrdId?: string;
  /** RFC3339 deadline (now+2 s … now+60 s). */
  readonly deadline?: string;
  readonly validate?: boolean;
}

export interface AddOrderResult {
  /** Empty when `validate` was set. */
  readonly txids: readonly string[];
  readonly description: string;
  readonly closeDescription: string | undefined;
}

export interface CancelOrderResult {
  readonly count: number;
  readonly pending: boolean;
}

export interface OrderInfo {
  readonly txid: string;
  readonly userref: number | null;
  readonly clOrdId: string | undefined;
  readonly status: KrakenOrderStatus;
  readonly reason: string | undefined;
  readonly pair: string;
  readonly type: OrderSide;
  readonly ordertype: string;
  /** Limit price from descr (0 for market). */
  readonly limitPrice: number;
  readonly volume: number;
  readonly volumeExecuted: number;
  /** Quote currency. */
  readonly cost: number;
  readonly fee: number;
  /** Average fill price (REST `price`); 0 when nothing filled. */
  readonly avgPrice: number;
  readonly opentm: number;
  readonly closetm: number | undefined;
  readonly oflags: string;
  readonly misc: string;
  readonly description: string;
  readonly tradeIds: readonly string[];
}

export interface TradeInfo {
  readonly tradeTxid: string;
  readonly ordertxid: string;
  readonly pair: string;
  /** Epoch seconds with fraction. */
  readonly time: number;
  readonly type: OrderSide;
  readonly ordertype: string;
  readonly price: number;
  readonly cost: number;
  readonly fee: number;
  readonly volume: number;
  readonly maker: boolean | undefined;
  readonly tradeId: number | undefined;
}

const STATUSES: ReadonlySet<string> = new Set(['pending', 'open', 'closed', 'canceled', 'expired']);

/** Form fields for AddOrder (nonce is added by the client). */
export function buildAddOrderParams(req: AddOrderRequest): Record<string, string> {
  const p: Record<string, string> = {
    ordertype: req.ordertype,
    type: req.type,
    volume: req.volume,
    pair: req.pair,
  };
  if (req.price !== undefined) p['price'] = req.price;
  if (req.timeinforce !== undefined) p['timeinforce'] = req.timeinforce;
  if (req.oflags !== undefined && req.oflags.length > 0) p['oflags'] = req.oflags.join(',');
  if (req.userref !== undefined) p['userref'] = String(req.userref);
  if (req.clOrdId !== undefined) p['cl_ord_id'] = req.clOrdId;
  if (req.deadline !== undefined) p['deadline'] = req.deadline;
  if (req.validate === true) p['validate'] = 'true';
  return p;
}

export function parseAddOrder(result: unknown, validate: boolean): AddOrderResult {
  const r = new WireReader('AddOrder');
  const o = r.record(result, 'result');
  const descr = r.record(o['descr'], 'result.descr');
  const txids: string[] = [];
  if (o['txid'] !== undefined || !validate) {
    const arr = r.array(o['txid'], 'result.txid');
    arr.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0)
        return r.fail(`result.txid[${i}]`, 'expected a non-empty string');
      txids.push(t);
    });
    if (!validate && txids.length === 0)
      r.fail('result.txid', 'no txid for an order that was not a validation');
  }
  return {
    txids,
    description: r.string(descr, 'order', 'result.descr'),
    closeDescription: r.optString(descr, 'close', 'result.descr'),
  };
}

export function parseCancelOrder(result: unknown): CancelOrderResult {
  const r = new WireReader('CancelOrder');
  const o = r.record(result, 'result');
  const count = r.number(o, 'count', 'result');
  if (!Number.isInteger(count) || count < 0) r.fail('result.count', `expected a count, got ${count}`);
  return { count, pending: o['pending'] === true };
}

function side(r: WireReader, o: WireRecord, path: string): OrderSide {
  const t = r.string(o, 'type', path);
  if (t !== 'buy' && t !== 'sell') r.fail(`${path}.type`, `expected buy|sell, got ${JSON.stringify(t)}`);
  return t;
}

/** An integer sent as a JSON number or as its decimal string (`"userref":"0"` is seen live). */
function integer(r: WireReader, o: WireRecord, key: string, path: string): number {
  const v = r.decimal(o, key, path);
  if (!Number.isSafeInteger(v)) r.fail(`${path}.${key}`, `expected an integer, got ${String(o[key])}`);
  return v;
}

export function parseOrderInfo(r: WireReader, txid: string, raw: unknown, path: string): OrderInfo {
  const o = r.record(raw, path);
  const descr = r.record(o['descr'], `${path}.descr`);
  const status = r.string(o, 'status', path);
  if (!STATUSES.has(status)) r.fail(`${path}.status`, `unknown status ${JSON.stringify(status)}`);
  const userref = o['userref'] === null || o['userref'] === undefined ? null : integer(r, o, 'userref', path);
  const trades =
    o['trades'] === undefined || o['trades'] === null
      ? []
      : r.array(o['trades'], `${path}.trades`).map((t, i) => {
          if (typeof t !== 'string') r.fail(`${path}.trades[${i}]`, 'expected a string');
          return t;
        });
  return {
    txid,
    userref,
    clOrdId: r.optString(o, 'cl_ord_id', path),
    status: status as KrakenOrderStatus,
    reason: r.optString(o, 'reason', path),
    pair: r.string(descr, 'pair', `${path}.descr`),
    type: side(r, descr, `${path}.descr`),
    ordertype: r.string(descr, 'ordertype', `${path}.descr`),
    limitPrice: r.optDecimal(descr, 'price', `${path}.descr`, true) ?? 0,
    volume: r.decimal(o, 'vol', path, true),
    volumeExecuted: r.decimal(o, 'vol_exec', path, true),
    cost: r.decimal(o, 'cost', path, true),
    fee: r.decimal(o, 'fee', path, true),
    avgPrice: r.optDecimal(o, 'price', path, true) ?? 0,
    // Numbers in most answers, strings in others (test/corpus/ccxt-rest.json): take both.
    opentm: r.decimal(o, 'opentm', path, true),
    closetm: r.optDecimal(o, 'closetm', path, true),
    oflags: r.optString(o, 'oflags', path) ?? '',
    misc: r.optString(o, 'misc', path) ?? '',
    description: r.optString(descr, 'order', `${path}.descr`) ?? '',
    tradeIds: trades,
  };
}

function orderMap(r: WireReader, raw: unknown, path: string): Record<string, OrderInfo> {
  const out: Record<string, OrderInfo> = {};
  for (const [txid, o] of Object.entries(r.record(raw, path)))
    out[txid] = parseOrderInfo(r, txid, o, `${path}.${txid}`);
  return out;
}

export function parseOpenOrders(result: unknown): Record<string, OrderInfo> {
  const r = new WireReader('OpenOrders');
  return orderMap(r, r.record(result, 'result')['open'], 'result.open');
}

export function parseClosedOrders(result: unknown): { orders: Record<string, OrderInfo>; count: number } {
  const r = new WireReader('ClosedOrders');
  const o = r.record(result, 'result');
  return { orders: orderMap(r, o['closed'], 'result.closed'), count: r.number(o, 'count', 'result') };
}

export function parseQueryOrders(result: unknown): Record<string, OrderInfo> {
  const r = new WireReader('QueryOrders');
  return orderMap(r, result, 'result');
}

export function parseTradesHistory(result: unknown): { trades: Record<string, TradeInfo>; count: number } {
  const r = new WireReader('TradesHistory');
  const o = r.record(result, 'result');
  const trades: Record<string, TradeInfo> = {};
  for (const [id, raw] of Object.entries(r.record(o['trades'], 'result.trades'))) {
    const p = `result.trades.${id}`;
    const t = r.record(raw, p);
    const maker = t['maker'];
    trades[id] = {
      tradeTxid: id,
      ordertxid: r.string(t, 'ordertxid', p),
      pair: r.string(t, 'pair', p),
      time: r.number(t, 'time', p),
      type: side(r, t, p),
      ordertype: r.string(t, 'ordertype', p),
      price: r.decimal(t, 'price', p, true),
      cost: r.decimal(t, 'cost', p, true),
      fee: r.decimal(t, 'fee', p, true),
      volume: r.decimal(t, 'vol', p, true),
      maker: typeof maker === 'boolean' ? maker : undefined,
      tradeId: r.optNumber(t, 'trade_id', p),
    };
  }
  return { trades, count: r.number(o, 'count', 'result') };
}
