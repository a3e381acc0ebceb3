/**
 * Builders for Kraken WebSocket v1 client → server messages (docs/kraken-protocol.md §1.3, §1.5, §2.2–2.5).
 * Prices and volumes are strings the caller has already formatted to the pair's decimals; they are
 * checked here so a malformed number never leaves the process. Builders throw `KrakenWsBuildError`
 * (a programming error: nothing was sent). The token is never included in error messages.
 */
import type { PrivateChannel } from './private-parse.js';
import { checkToken, need } from '../shared/request-check.js';

/** Plain non-negative decimal as Kraken expects it: digits with an optional fraction. */
const DECIMAL_RE = /^\d+(\.\d+)?$/;
/** Price may be relative (`+`, `-`, `#` prefix, `%` suffix) per the addOrder docs. */
const PRICE_RE = /^[+#-]?\d+(\.\d+)?%?$/;
const TXID_RE = /^[A-Za-z0-9-]{1,64}$/;
const PAIR_RE = /^[A-Za-z0-9.]{1,16}\/[A-Za-z0-9.]{1,16}$/;
const CL_ORD_ID_RE = /^[A-Za-z0-9-]{1,36}$/;

export type KrakenOrderType =
  | 'limit'
  | 'market'
  | 'stop-loss'
  | 'stop-loss-limit'
  | 'take-profit'
  | 'take-profit-limit'
  | 'trailing-stop'
  | 'trailing-stop-limit'
  | 'settle-position';
export type KrakenTimeInForce = 'GTC' | 'IOC' | 'GTD';

export interface AddOrderParams {
  ordertype: KrakenOrderType;
  type: 'buy' | 'sell';
  /** v1 wsname, e.g. `XBT/USD`. */
  pair: string;
  /** Base-currency volume, formatted to lot_decimals. */
  volume: string;
  /** Limit or trigger price, formatted to pair_decimals (required except for market). */
  price?: string;
  price2?: string;
  timeinforce?: KrakenTimeInForce;
  /** Comma list, e.g. `fciq` or `post`. */
  oflags?: string;
  /** Integer user reference (sent as a string, as documented). */
  userref?: number;
  cl_ord_id?: string;
  /** RFC3339 deadline. */
  deadline?: string;
  starttm?: string;
  expiretm?: string;
  /** Validate only, do not submit. */
  validate?: boolean;
}

/** `{"event":"subscribe","reqid":n,"pair":[...],"subscription":{"name":...}}` for a public channel. */
export function buildPublicSubscribe(reqid: number, pairs: readonly string[], name: string): string {
  need(Number.isSafeInteger(reqid) && reqid >= 0, 'reqid must be a non-negative integer');
  need(
    pairs.length > 0 && pairs.every((p) => PAIR_RE.test(p)),
    'pairs must be non-empty wsnames like XBT/USD',
  );
  return JSON.stringify({ event: 'subscribe', reqid, pair: pairs, subscription: { name } });
}

export function buildPublicUnsubscribe(reqid: number, pairs: readonly string[], name: string): string {
  need(Number.isSafeInteger(reqid) && reqid >= 0, 'reqid must be a non-negative integer');
  need(
    pairs.length > 0 && pairs.every((p) => PAIR_RE.test(p)),
    'pairs must be non-empty wsnames like XBT/USD',
  );
  return JSON.stringify({ event: 'unsubscribe', reqid, pair: pairs, subscription: { name } });
}

/** Private subscribe; snapshot on (the client marks the first message as a snapshot). */
export function buildPrivateSubscribe(reqid: number, channel: PrivateChannel, token: string): string {
  checkToken(token);
  const subscription: Record<string, unknown> = { name: channel, token, snapshot: true };
  if (channel === 'openOrders') subscription.ratecounter = true;
  return JSON.stringify({ event: 'subscribe', reqid, subscription });
}

export function buildPrivateUnsubscribe(reqid: number, channel: PrivateChannel, token: string): string {
  checkToken(token);
  return JSON.stringify({ event: 'unsubscribe', reqid, subscription: { name: channel, token } });
}

export function buildPing(reqid: number): string {
  return '{"event":"ping","reqid":' + reqid + '}';
}

/** addOrder request (docs/kraken-protocol.md §2.2). Throws KrakenWsBuildError on invalid params. */
export function buildAddOrder(reqid: number, token: string, p: AddOrderParams): string {
  checkToken(token);
  need(Number.isSafeInteger(reqid) && reqid >= 0, 'reqid must be a non-negative integer');
  need(p.type === 'buy' || p.type === 'sell', 'type must be buy or sell');
  need(typeof p.ordertype === 'string' && /^[a-z-]{4,24}$/.test(p.ordertype), 'ordertype is invalid');
  need(typeof p.pair === 'string' && PAIR_RE.test(p.pair), 'pair must be a wsname like XBT/USD');
  need(
    typeof p.volume === 'string' && DECIMAL_RE.test(p.volume) && Number(p.volume) > 0,
    'volume must be a positive decimal string',
  );
  if (p.ordertype !== 'market') need(p.price !== undefined, 'price is required for ' + p.ordertype);
  if (p.price !== undefined)
    need(typeof p.price === 'string' && PRICE_RE.test(p.price), 'price must be a decimal string');
  if (p.price2 !== undefined)
    need(typeof p.price2 === 'string' && PRICE_RE.test(p.price2), 'price2 must be a decimal string');
  if (p.timeinforce !== undefined)
    need(
      p.timeinforce === 'GTC' || p.timeinforce === 'IOC' || p.timeinforce === 'GTD',
      'timeinforce is invalid',
    );
  if (p.oflags !== undefined) need(/^[a-z]+(,[a-z]+)*$/.test(p.oflags), 'oflags must be a comma list');
  if (p.userref !== undefined)
    need(
      Number.isInteger(p.userref) && p.userref >= -2147483648 && p.userref <= 2147483647,
      'userref must be a 32-bit integer',
    );
  if (p.cl_ord_id !== undefined) need(CL_ORD_ID_RE.test(p.cl_ord_id), 'cl_ord_id is invalid');
  need(
    !(p.userref !== undefined && p.cl_ord_id !== undefined),
    'userref and cl_ord_id are mutually exclusive',
  );
  // One literal with every field in its place (JSON.stringify leaves out the undefined ones), not
  // fields added one by one: V8 holds the maps of such additions only weakly, a full GC dropped
  // them, and the next order met optimised code that checked for a map gone ("wrong map"): once
  // a run, at a real trade's frame, in every traced run (bench/README.md, fifth session).
  const msg = {
    event: 'addOrder',
    token,
    reqid,
    ordertype: p.ordertype,
    type: p.type,
    pair: p.pair,
    volume: p.volume,
    price: p.price,
    price2: p.price2,
    timeinforce: p.timeinforce,
    oflags: p.oflags,
    userref: p.userref === undefined ? undefined : String(p.userref),
    cl_ord_id: p.cl_ord_id,
    deadline: p.deadline,
    starttm: p.starttm,
    expiretm: p.expiretm,
    validate: p.validate === true ? 'true' : undefined,
  };
  return JSON.stringify(msg);
}

/** cancelOrder request: `txid` = order ids (or userrefs as strings). */
export function buildCancelOrder(reqid: number, token: string, txids: readonly string[]): string {
  checkToken(token);
  need(Number.isSafeInteger(reqid) && reqid >= 0, 'reqid must be a non-negative integer');
  need(
    txids.length > 0 && txids.every((t) => typeof t === 'string' && TXID_RE.test(t)),
    'txids must be non-empty order ids',
  );
  return JSON.stringify({ event: 'cancelOrder', token, reqid, txid: txids });
}
