/**
 * Pure parsers for Kraken v1 private data frames (docs/kraken-protocol.md §2.4–2.5):
 *   [[{tradeId:{...}}, ...], "ownTrades", {"sequence":N}]
 *   [[{orderId:{...}}, ...], "openOrders", {"sequence":N}]
 * Every field we use is validated; one bad field rejects the whole frame (the caller counts it
 * and resynchronises), so a half-understood fill never reaches the trader.
 *
 * What live Kraken sends, not only what its docs show (docs/kraken-protocol.md, test/corpus/):
 * optional fields may be `null` (a new order's `pending` message and every snapshot carry
 * `descr.close`, `descr.leverage`, `refid`, `expiretm` and `starttm` as null), keys come in any
 * order and new fields appear. Null means "not given"; unknown fields are ignored. Only a field a
 * fill or a status depends on, when missing or malformed, rejects the frame.
 */
import { AppError } from '../../../core/app-error.js';

export type PrivateChannel = 'ownTrades' | 'openOrders';

/** One own trade (fill). Numbers come from Kraken's decimal strings. */
export interface OwnTrade {
  tradeId: string;
  ordertxid: string;
  postxid: string | undefined;
  /** v1 wsname, e.g. `XBT/USD`. */
  pair: string;
  /** Epoch seconds with µs. */
  time: number;
  type: 'buy' | 'sell';
  ordertype: string;
  /** Average price (quote). */
  price: number;
  cost: number;
  fee: number;
  /** Base volume. */
  vol: number;
  margin: number | undefined;
  userref: number | undefined;
  cl_ord_id: string | undefined;
}

export type OrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';

export interface OrderDescr {
  pair?: string;
  type?: string;
  ordertype?: string;
  price?: string;
  price2?: string;
  leverage?: string;
  order?: string;
  close?: string;
}

/** One openOrders item: only the fields Kraken sent (deltas carry few). */
export interface OpenOrderDelta {
  orderId: string;
  status?: OrderStatus;
  vol?: number;
  vol_exec?: number;
  cost?: number;
  fee?: number;
  avg_price?: number;
  limitprice?: number;
  stopprice?: number;
  opentm?: number;
  lastupdated?: number;
  userref?: number;
  cl_ord_id?: string;
  refid?: string;
  oflags?: string;
  timeinforce?: string;
  cancel_reason?: string;
  descr?: OrderDescr;
  ratecount?: number;
}

export type PrivateDataFrame =
  | { channel: 'ownTrades'; sequence: number; trades: OwnTrade[] }
  | { channel: 'openOrders'; sequence: number; orders: OpenOrderDelta[] };

export type PrivateParseResult =
  { ok: true; frame: PrivateDataFrame } | { ok: false; channel: PrivateChannel | undefined; error: string };

const DECIMAL_RE = /^\d+(\.\d+)?$/;
const ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const STATUSES: ReadonlySet<string> = new Set(['pending', 'open', 'closed', 'canceled', 'expired']);
const MAX_ITEMS = 10_000;
const MAX_TEXT_CHARS = 500;

class FieldError extends AppError {
  readonly code = 'WS_BAD_FIELD';
  readonly kind = 'protocol';
}

function fail(what: string): never {
  throw new FieldError(what);
}

function decimal(o: Record<string, unknown>, key: string, required: true): number;
function decimal(o: Record<string, unknown>, key: string, required: false): number | undefined;
function decimal(o: Record<string, unknown>, key: string, required: boolean): number | undefined {
  const v = o[key];
  if ((v === undefined || v === null) && !required) return undefined;
  if (typeof v !== 'string' || !DECIMAL_RE.test(v)) fail(`${key} is not a decimal string`);
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`${key} is not finite`);
  return n;
}

function text(o: Record<string, unknown>, key: string, required: true): string;
function text(o: Record<string, unknown>, key: string, required: false): string | undefined;
function text(o: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = o[key];
  if ((v === undefined || v === null) && !required) return undefined;
  if (typeof v !== 'string' || v.length > MAX_TEXT_CHARS) fail(`${key} is not a string`);
  return v;
}

/** userref: documented as an integer string on requests, seen as a number in openOrders. */
function userref(o: Record<string, unknown>): number | undefined {
  const v = o.userref;
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d{1,10}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) fail('userref is not an integer');
  return n;
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  return v as Record<string, unknown>;
}

/** The single `{id: {...}}` entry of one list item. */
function single(item: unknown): [string, Record<string, unknown>] {
  const o = record(item, 'item');
  const keys = Object.keys(o);
  if (keys.length !== 1) fail('item must have exactly one id key');
  const id = keys[0] as string;
  if (!ID_RE.test(id)) fail('id is malformed');
  return [id, record(o[id], 'item body')];
}

function parseTrade(item: unknown): OwnTrade {
  const [tradeId, t] = single(item);
  const type = t.type;
  if (type !== 'buy' && type !== 'sell') fail('type is not buy/sell');
  const ordertxid = text(t, 'ordertxid', true);
  if (!ID_RE.test(ordertxid)) fail('ordertxid is malformed');
  return {
    tradeId,
    ordertxid,
    postxid: text(t, 'postxid', false),
    pair: text(t, 'pair', true),
    time: decimal(t, 'time', true),
    type,
    ordertype: text(t, 'ordertype', true),
    price: decimal(t, 'price', true),
    cost: decimal(t, 'cost', true),
    fee: decimal(t, 'fee', true),
    vol: decimal(t, 'vol', true),
    margin: decimal(t, 'margin', false),
    userref: userref(t),
    cl_ord_id: text(t, 'cl_ord_id', false),
  };
}

function parseDescr(v: unknown): OrderDescr {
  const d = record(v, 'descr');
  const out: OrderDescr = {};
  for (const key of ['pair', 'type', 'ordertype', 'price', 'price2', 'leverage', 'order', 'close'] as const) {
    const s = text(d, key, false);
    if (s !== undefined) out[key] = s;
  }
  return out;
}

function parseOrder(item: unknown): OpenOrderDelta {
  const [orderId, o] = single(item);
  const d: OpenOrderDelta = { orderId };
  if (o.status !== undefined) {
    if (typeof o.status !== 'string' || !STATUSES.has(o.status)) fail('status is invalid');
    d.status = o.status as OrderStatus;
  }
  for (const key of [
    'vol',
    'vol_exec',
    'cost',
    'fee',
    'avg_price',
    'limitprice',
    'stopprice',
    'opentm',
    'lastupdated',
  ] as const) {
    const n = decimal(o, key, false);
    if (n !== undefined) d[key] = n;
  }
  for (const key of ['cl_ord_id', 'refid', 'oflags', 'timeinforce', 'cancel_reason'] as const) {
    const s = text(o, key, false);
    if (s !== undefined) d[key] = s;
  }
  const ref = userref(o);
  if (ref !== undefined) d.userref = ref;
  if (o.descr !== undefined && o.descr !== null) d.descr = parseDescr(o.descr);
  if (o.ratecount !== undefined && o.ratecount !== null) {
    if (typeof o.ratecount !== 'number' || !Number.isFinite(o.ratecount)) fail('ratecount is not a number');
    d.ratecount = o.ratecount;
  }
  return d;
}

/** Parse an already JSON-decoded private data frame (an array). */
export function parsePrivateData(value: readonly unknown[]): PrivateParseResult {
  const name = value[1];
  const channel: PrivateChannel | undefined =
    name === 'ownTrades' || name === 'openOrders' ? name : undefined;
  try {
    if (channel === undefined) fail('unknown channel');
    if (value.length !== 3) fail('frame must have 3 elements');
    const list = value[0];
    if (!Array.isArray(list) || list.length > MAX_ITEMS) fail('item list is not an array (or too long)');
    const seq = record(value[2], 'sequence object').sequence;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
      fail('sequence is not a non-negative integer');
    if (channel === 'ownTrades')
      return { ok: true, frame: { channel, sequence: seq, trades: list.map(parseTrade) } };
    return { ok: true, frame: { channel, sequence: seq, orders: list.map(parseOrder) } };
  } catch (err) {
    if (err instanceof FieldError) return { ok: false, channel, error: err.message };
    throw err;
  }
}
