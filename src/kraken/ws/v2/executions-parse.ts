/**
 * Pure parser for Kraken v2 `executions` reports (docs/kraken-protocol.md §3.9): validates each report
 * and maps it to a typed ExecutionReport. A bad report is returned as an error (the caller counts
 * it, skips it and treats it as possibly missed data); it never throws.
 * Numbers arrive as JSON numbers; JSON.parse gives the same doubles as parseFloat on their text.
 */
import { parseRfc3339 } from './rfc3339.js';
import { AppError } from '../../../core/app-error.js';

/** Documented exec_type values. Others are passed through as strings (Kraken adds types). */
export const KNOWN_EXEC_TYPES: ReadonlySet<string> = new Set([
  'pending_new',
  'new',
  'trade',
  'filled',
  'iceberg_refill',
  'canceled',
  'expired',
  'amended',
  'restated',
  'status',
]);

export type KrakenV2OrderStatus =
  'pending_new' | 'new' | 'partially_filled' | 'filled' | 'canceled' | 'expired';
const ORDER_STATUSES: ReadonlySet<string> = new Set([
  'pending_new',
  'new',
  'partially_filled',
  'filled',
  'canceled',
  'expired',
]);

export interface ExecutionFee {
  asset: string;
  qty: number;
}

export interface ExecutionReport {
  execType: string;
  orderId: string;
  orderUserref: number | undefined;
  clOrdId: string | undefined;
  symbol: string | undefined;
  side: 'buy' | 'sell' | undefined;
  orderStatus: KrakenV2OrderStatus | undefined;
  orderQty: number | undefined;
  limitPrice: number | undefined;
  cumQty: number | undefined;
  cumCost: number | undefined;
  avgPrice: number | undefined;
  /** Trade reports: this execution's quantity, price and cost (cost = last_qty·last_price when absent). */
  lastQty: number | undefined;
  lastPrice: number | undefined;
  cost: number | undefined;
  execId: string | undefined;
  /** `trade_id` as text (Kraken sends an integer). */
  tradeId: string | undefined;
  liquidityInd: string | undefined;
  /** Each fee with its asset, as Kraken sent them (never summed across assets: fee-assets.ts). */
  fees: ExecutionFee[];
  /** RFC3339 text and its epoch seconds (NaN when absent or unreadable). */
  timestamp: string | undefined;
  timestampSec: number;
  /** `reason`, else the deprecated `cancel_reason`. */
  reason: string | undefined;
}

export type ExecutionParseResult = { ok: true; report: ExecutionReport } | { ok: false; error: string };

const MAX_TEXT = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Bad extends AppError {
  readonly code = 'WS_BAD_EXECUTION';
  readonly kind = 'protocol';
}

function optStr(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Bad(key + ' is not a string');
  return v.slice(0, MAX_TEXT);
}

/** Optional finite number ≥ 0 (quantities, prices, costs). */
function optQty(o: Record<string, unknown>, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new Bad(key + ' is not a finite number >= 0');
  return v;
}

/** A required, non-empty string. */
function requiredStr(o: Record<string, unknown>, key: string): string {
  const v = optStr(o, key);
  if (v === undefined || v.length === 0) throw new Bad(key + ' missing');
  return v;
}

function optOrderStatus(o: Record<string, unknown>): KrakenV2OrderStatus | undefined {
  const status = optStr(o, 'order_status');
  if (status !== undefined && !ORDER_STATUSES.has(status))
    throw new Bad('order_status ' + status + ' unknown');
  return status as KrakenV2OrderStatus | undefined;
}

function optSide(o: Record<string, unknown>): 'buy' | 'sell' | undefined {
  const side = optStr(o, 'side');
  if (side !== undefined && side !== 'buy' && side !== 'sell') throw new Bad('side is not buy/sell');
  return side;
}

function optUserref(o: Record<string, unknown>): number | undefined {
  const ref = o.order_userref;
  if (ref !== undefined && ref !== null && !(typeof ref === 'number' && Number.isSafeInteger(ref)))
    throw new Bad('order_userref is not an integer');
  return typeof ref === 'number' ? ref : undefined;
}

/** `trade_id` as text: Kraken sends an integer; text is accepted as it is. */
function optTradeId(o: Record<string, unknown>): string | undefined {
  const tid = o.trade_id;
  if (
    tid !== undefined &&
    tid !== null &&
    !(typeof tid === 'number' && Number.isSafeInteger(tid)) &&
    typeof tid !== 'string'
  )
    throw new Bad('trade_id is not an integer');
  return tid === undefined || tid === null ? undefined : String(tid).slice(0, MAX_TEXT);
}

function parseFees(list: unknown): ExecutionFee[] {
  const fees: ExecutionFee[] = [];
  if (list === undefined || list === null) return fees;
  if (!Array.isArray(list)) throw new Bad('fees is not an array');
  for (const f of list as unknown[]) {
    if (!isRecord(f)) throw new Bad('fee is not an object');
    const asset = optStr(f, 'asset');
    const qty = optQty(f, 'qty');
    if (asset === undefined || qty === undefined) throw new Bad('fee without asset/qty');
    fees.push({ asset, qty });
  }
  return fees;
}

/** One report. `order_id` and `exec_type` are required; trades need qty, price and an id. */
export function parseExecutionReport(v: unknown): ExecutionParseResult {
  try {
    if (!isRecord(v)) throw new Bad('report is not an object');
    const execType = requiredStr(v, 'exec_type');
    const orderId = requiredStr(v, 'order_id');
    const status = optOrderStatus(v);
    const side = optSide(v);
    const userref = optUserref(v);
    const tradeId = optTradeId(v);
    const fees = parseFees(v.fees);
    const lastQty = optQty(v, 'last_qty');
    const lastPrice = optQty(v, 'last_price');
    let cost = optQty(v, 'cost');
    const execId = optStr(v, 'exec_id');
    if (execType === 'trade') {
      if (lastQty === undefined || lastPrice === undefined)
        throw new Bad('trade without last_qty/last_price');
      if (execId === undefined && tradeId === undefined) throw new Bad('trade without exec_id/trade_id');
      if (cost === undefined) cost = lastQty * lastPrice;
    }
    const timestamp = optStr(v, 'timestamp');
    return {
      ok: true,
      report: {
        execType,
        orderId,
        orderUserref: userref,
        clOrdId: optStr(v, 'cl_ord_id'),
        symbol: optStr(v, 'symbol'),
        side,
        orderStatus: status,
        orderQty: optQty(v, 'order_qty'),
        limitPrice: optQty(v, 'limit_price'),
        cumQty: optQty(v, 'cum_qty'),
        cumCost: optQty(v, 'cum_cost'),
        avgPrice: optQty(v, 'avg_price'),
        lastQty,
        lastPrice,
        cost,
        execId,
        tradeId,
        liquidityInd: optStr(v, 'liquidity_ind'),
        fees,
        timestamp,
        timestampSec: timestamp === undefined ? NaN : parseRfc3339(timestamp),
        reason: optStr(v, 'reason') ?? optStr(v, 'cancel_reason'),
      },
    };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, error: err.message };
    throw err;
  }
}
