/**
 * v2 `add_order` / `batch_add` order params (docs/kraken-protocol.md §3.8) → the venue's OrderRequest.
 * Only the shape is judged here (types, enums, v2 symbol); amounts, decimals, tick size and funds
 * are the venue's, with its own Kraken error strings. Shape errors are
 * `EGeneral:Invalid arguments:<v2 field name>`.
 *
 * order_qty and limit_price are JSON numbers: they are turned back into the shortest decimal text
 * that reads as the same double (what the client wrote, for any sane client), so the venue's
 * decimals check sees the client's digits. Strings are refused: v2 documents numbers.
 */
import type { OrderRequest, SimMarket } from '../../contracts.js';
import { UNKNOWN_PAIR } from '../../venue/order-rules.js';

export type ParsedV2Order =
  | { ok: true; req: OrderRequest; pairIndex: number; userref?: number; clOrdId?: string }
  | { ok: false; error: string };

const invalid = (field: string): ParsedV2Order => ({
  ok: false,
  error: `EGeneral:Invalid arguments:${field}`,
});
const TIF: Record<string, 'GTC' | 'IOC' | 'GTD'> = { gtc: 'GTC', ioc: 'IOC', gtd: 'GTD' };
/** Params that change an order's meaning in ways the venue does not model: refused when set. */
const UNSUPPORTED_IF_SET = [
  'triggers',
  'conditional',
  'display_qty',
  'cash_order_qty',
  'expire_time',
  'effective_time',
];

/** Shortest decimal text of a finite positive number, without exponent notation. */
export function decimalText(v: number): string {
  const s = String(v);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const exp = Number(s.slice(e + 1));
  const mant = s.slice(0, e);
  const dot = mant.indexOf('.');
  const digits = dot === -1 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot === -1 ? mant.length : dot) + exp;
  if (intLen <= 0) return `0.${'0'.repeat(-intLen)}${digits}`;
  if (intLen >= digits.length) return digits + '0'.repeat(intLen - digits.length);
  return `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

function positiveNumber(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? decimalText(v) : undefined;
}

/** Unsupported fields, post_only, fee_preference and no_mpp onto `req.oflags`; the bad field's name, if any. */
function flagsError(p: Record<string, unknown>, req: OrderRequest): string | undefined {
  for (const k of UNSUPPORTED_IF_SET) if (p[k] !== undefined) return k;
  for (const k of ['margin', 'reduce_only']) if (p[k] !== undefined && p[k] !== false) return k;
  const flags: string[] = [];
  const post = p['post_only'];
  if (post !== undefined && typeof post !== 'boolean') return 'post_only';
  if (post === true) flags.push('post');
  const feePref = p['fee_preference'];
  if (feePref !== undefined) {
    if (feePref !== 'base' && feePref !== 'quote') return 'fee_preference';
    flags.push(feePref === 'base' ? 'fcib' : 'fciq');
  }
  if (p['no_mpp'] === true) flags.push('nompp');
  if (flags.length > 0) req.oflags = flags.join(',');
  return undefined;
}

/** order_userref or cl_ord_id (not both), deadline and validate onto `req`; the bad field's name, if any. */
function refsError(p: Record<string, unknown>, req: OrderRequest): string | undefined {
  const userref = p['order_userref'];
  const clOrdId = p['cl_ord_id'];
  if (userref !== undefined && clOrdId !== undefined) return 'cl_ord_id';
  if (userref !== undefined) {
    if (typeof userref !== 'number' || !Number.isInteger(userref)) return 'order_userref';
    req.userref = userref;
  }
  if (clOrdId !== undefined) {
    if (typeof clOrdId !== 'string' || clOrdId === '') return 'cl_ord_id';
    req.clOrdId = clOrdId;
  }
  const deadline = p['deadline'];
  if (deadline !== undefined) {
    if (typeof deadline !== 'string') return 'deadline';
    req.deadline = deadline;
  }
  const validate = p['validate'];
  if (validate !== undefined && typeof validate !== 'boolean') return 'validate';
  if (validate === true) req.validate = true;
  return undefined;
}

/** Parses one order. `symbol` is the batch's symbol for batch_add entries, else the order's own. */
export function parseV2Order(
  p: Record<string, unknown>,
  market: SimMarket,
  batchSymbol?: string,
): ParsedV2Order {
  const orderType = p['order_type'];
  // Stop, take-profit, iceberg... are documented v2 types the venue does not model: refused as invalid.
  if (orderType !== 'limit' && orderType !== 'market') return invalid('order_type');
  const side = p['side'];
  if (side !== 'buy' && side !== 'sell') return invalid('side');
  const qty = positiveNumber(p['order_qty']);
  if (qty === undefined) return invalid('order_qty');
  const symbol = batchSymbol ?? p['symbol'];
  if (typeof symbol !== 'string' || symbol === '') return invalid('symbol');
  const pairIndex = market.pairIndex(symbol);
  if (pairIndex < 0 || market.pairs[pairIndex]?.symbol !== symbol) return { ok: false, error: UNKNOWN_PAIR };
  const req: OrderRequest = { pair: symbol, type: side, ordertype: orderType, volume: qty };
  const rawPrice = p['limit_price'];
  if (orderType === 'limit') {
    const price = positiveNumber(rawPrice);
    if (price === undefined) return invalid('limit_price');
    req.price = price;
  } else if (rawPrice !== undefined) {
    return invalid('limit_price');
  }
  const lpt = p['limit_price_type'];
  if (lpt !== undefined && lpt !== 'static') return invalid('limit_price_type');
  const tif = p['time_in_force'];
  if (tif !== undefined) {
    const t = typeof tif === 'string' ? TIF[tif] : undefined;
    if (t === undefined) return invalid('time_in_force');
    req.timeinforce = t;
  }
  const bad = flagsError(p, req) ?? refsError(p, req);
  if (bad !== undefined) return invalid(bad);
  const out: ParsedV2Order = { ok: true, req, pairIndex };
  if (req.userref !== undefined) out.userref = req.userref;
  if (req.clOrdId !== undefined) out.clOrdId = req.clOrdId;
  return out;
}

/** The limit the timing registry matches against a dislocation: market orders take anything. */
export function timingLimit(req: OrderRequest): number {
  if (req.ordertype === 'market' || req.price === undefined) return req.type === 'buy' ? Infinity : 0;
  const v = Number(req.price);
  return Number.isFinite(v) ? v : req.type === 'buy' ? Infinity : 0;
}
