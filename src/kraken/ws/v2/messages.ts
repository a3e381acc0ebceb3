/**
 * Builders for Kraken WebSocket v2 client → server messages (docs/kraken-protocol.md §3.2, §3.4, §3.5,
 * §3.8, §3.9). Throw KrakenWsBuildError (shared with v1: a programming error, nothing sent); the
 * token never appears in an error message.
 *
 * Numbers: v2 wants order_qty / limit_price as JSON numbers. The caller's strings are already
 * formatted to the pair's decimals, so the JSON text is built by hand and the digits are written
 * exactly as given ("0.12340000" goes out as the number 0.12340000) — never through a double,
 * whose shortest round-trip could differ from the formatted text.
 */
import { checkToken, KrakenWsBuildError, need } from '../shared/request-check.js';

const DECIMAL_RE = /^(\d+)(\.\d+)?$/;
const SYMBOL_RE = /^[A-Za-z0-9.]{1,16}\/[A-Za-z0-9.]{1,16}$/;
const ORDER_ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const CL_ORD_ID_RE = /^[A-Za-z0-9-]{1,36}$/;
const ORDER_TYPE_RE = /^[a-z-]{4,24}$/;
/** RFC3339 as Kraken documents deadlines (`2022-06-13T08:09:10.123456Z`). */
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export type KrakenV2TimeInForce = 'gtc' | 'gtd' | 'ioc';

/** add_order params we send (wire names). Decimal values are strings formatted by the caller. */
export interface AddOrderV2Params {
  order_type: 'limit' | 'market' | string;
  side: 'buy' | 'sell';
  /** v2 symbol, e.g. `BTC/USD`. */
  symbol: string;
  /** Base quantity, formatted to the pair's lot decimals. */
  order_qty: string;
  /** Required for limit orders. */
  limit_price?: string;
  time_in_force?: KrakenV2TimeInForce;
  order_userref?: number;
  cl_ord_id?: string;
  post_only?: boolean;
  /** Which currency pays the fee. Kraken's default differs by side (docs/kraken-protocol.md): say it. */
  fee_preference?: 'base' | 'quote';
  /** RFC3339 time after which the engine must not match the order. */
  deadline?: string;
  /** Validate only, do not place. */
  validate?: boolean;
}

function needReqId(reqId: number): void {
  need(Number.isSafeInteger(reqId) && reqId >= 0, 'req_id must be a non-negative integer');
}

/**
 * A plain decimal string → the JSON number text with the same digits. JSON forbids leading
 * zeros, so those (only) are dropped: "007.50" → "7.50". Throws on anything that is not a plain
 * non-negative decimal (signs, exponents, spaces).
 */
export function decimalToJsonNumber(s: string, what: string): string {
  const m = typeof s === 'string' ? DECIMAL_RE.exec(s) : null;
  if (m === null) throw new KrakenWsBuildError(what + ' must be a plain decimal string');
  const int = (m[1] as string).replace(/^0+(?=\d)/, '');
  return int + (m[2] ?? '');
}

function symbolsJson(symbols: readonly string[]): string {
  need(
    symbols.length > 0 && symbols.every((s) => typeof s === 'string' && SYMBOL_RE.test(s)),
    'symbols must be non-empty v2 symbols like BTC/USD',
  );
  return JSON.stringify(symbols);
}

/** Ticker subscription on every best bid/offer change, with a snapshot first. */
export function buildTickerSubscribe(reqId: number, symbols: readonly string[]): string {
  needReqId(reqId);
  return (
    '{"method":"subscribe","params":{"channel":"ticker","symbol":' +
    symbolsJson(symbols) +
    ',"event_trigger":"bbo","snapshot":true},"req_id":' +
    reqId +
    '}'
  );
}

export function buildTickerUnsubscribe(reqId: number, symbols: readonly string[]): string {
  needReqId(reqId);
  return (
    '{"method":"unsubscribe","params":{"channel":"ticker","symbol":' +
    symbolsJson(symbols) +
    ',"event_trigger":"bbo"},"req_id":' +
    reqId +
    '}'
  );
}

/** executions: open orders in the snapshot, no historical trades (they are not new fills). */
export function buildExecutionsSubscribe(reqId: number, token: string): string {
  needReqId(reqId);
  checkToken(token);
  return JSON.stringify({
    method: 'subscribe',
    params: { channel: 'executions', token, snap_orders: true, snap_trades: false },
    req_id: reqId,
  });
}

export function buildExecutionsUnsubscribe(reqId: number, token: string): string {
  needReqId(reqId);
  checkToken(token);
  return JSON.stringify({ method: 'unsubscribe', params: { channel: 'executions', token }, req_id: reqId });
}

export function buildPingV2(reqId: number): string {
  return '{"method":"ping","req_id":' + reqId + '}';
}

/** add_order (docs/kraken-protocol.md §3.8). Throws KrakenWsBuildError on invalid params. */
export function buildAddOrderV2(reqId: number, token: string, p: AddOrderV2Params): string {
  needReqId(reqId);
  checkToken(token);
  need(p.side === 'buy' || p.side === 'sell', 'side must be buy or sell');
  need(typeof p.order_type === 'string' && ORDER_TYPE_RE.test(p.order_type), 'order_type is invalid');
  need(typeof p.symbol === 'string' && SYMBOL_RE.test(p.symbol), 'symbol must be a v2 symbol like BTC/USD');
  const qty = decimalToJsonNumber(p.order_qty, 'order_qty');
  need(/[1-9]/.test(qty), 'order_qty must be positive');
  if (p.order_type !== 'market')
    need(p.limit_price !== undefined, 'limit_price is required for ' + p.order_type);
  const price = p.limit_price === undefined ? undefined : decimalToJsonNumber(p.limit_price, 'limit_price');
  if (p.time_in_force !== undefined)
    need(
      p.time_in_force === 'gtc' || p.time_in_force === 'gtd' || p.time_in_force === 'ioc',
      'time_in_force is invalid',
    );
  if (p.order_userref !== undefined)
    need(
      Number.isInteger(p.order_userref) && p.order_userref >= -2147483648 && p.order_userref <= 2147483647,
      'order_userref must be a 32-bit integer',
    );
  if (p.cl_ord_id !== undefined) need(CL_ORD_ID_RE.test(p.cl_ord_id), 'cl_ord_id is invalid');
  need(
    !(p.order_userref !== undefined && p.cl_ord_id !== undefined),
    'order_userref and cl_ord_id are mutually exclusive',
  );
  if (p.deadline !== undefined) need(RFC3339_RE.test(p.deadline), 'deadline must be RFC3339');
  if (p.fee_preference !== undefined)
    need(p.fee_preference === 'base' || p.fee_preference === 'quote', 'fee_preference must be base or quote');
  // Strings below passed the regexes above (no quotes or backslashes), so they embed safely.
  let s = '{"method":"add_order","params":{"order_type":"' + p.order_type + '","side":"' + p.side + '"';
  s += ',"order_qty":' + qty + ',"symbol":"' + p.symbol + '"';
  if (price !== undefined) s += ',"limit_price":' + price;
  if (p.time_in_force !== undefined) s += ',"time_in_force":"' + p.time_in_force + '"';
  if (p.order_userref !== undefined) s += ',"order_userref":' + p.order_userref;
  if (p.cl_ord_id !== undefined) s += ',"cl_ord_id":"' + p.cl_ord_id + '"';
  if (p.post_only === true) s += ',"post_only":true';
  if (p.fee_preference !== undefined) s += ',"fee_preference":"' + p.fee_preference + '"';
  if (p.deadline !== undefined) s += ',"deadline":"' + p.deadline + '"';
  if (p.validate === true) s += ',"validate":true';
  s += ',"token":' + JSON.stringify(token) + '},"req_id":' + reqId + '}';
  return s;
}

/** cancel_order by Kraken order ids; Kraken answers one ack per order. */
export function buildCancelOrderV2(reqId: number, token: string, orderIds: readonly string[]): string {
  needReqId(reqId);
  checkToken(token);
  need(
    orderIds.length > 0 && orderIds.every((t) => typeof t === 'string' && ORDER_ID_RE.test(t)),
    'order ids must be non-empty Kraken order ids',
  );
  return JSON.stringify({ method: 'cancel_order', params: { order_id: orderIds, token }, req_id: reqId });
}
