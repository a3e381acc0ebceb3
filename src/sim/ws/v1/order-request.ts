/**
 * v1 `addOrder` request fields (docs/kraken-protocol.md §2.2) → the venue's OrderRequest. Only shape is
 * checked here (types, enums); amounts, decimals, pair and funds are the venue's to judge, with its
 * own Kraken error strings.
 */
import type { OrderRequest } from '../../contracts.js';

export type ParsedOrder = { ok: true; req: OrderRequest; clOrdId?: string } | { ok: false; error: string };

const invalid = (field: string): ParsedOrder => ({ ok: false, error: `EGeneral:Invalid arguments:${field}` });
const INTEGER = /^-?\d{1,15}$/;

function decimalField(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function parseAddOrder(msg: Record<string, unknown>): ParsedOrder {
  const pair = msg['pair'];
  if (typeof pair !== 'string' || pair === '') return invalid('pair');
  const type = msg['type'];
  if (type !== 'buy' && type !== 'sell') return invalid('type');
  const ordertype = msg['ordertype'];
  if (ordertype !== 'limit' && ordertype !== 'market') return invalid('ordertype');
  const volume = decimalField(msg['volume']);
  if (volume === undefined) return invalid('volume');
  const req: OrderRequest = { pair, type, ordertype, volume };
  if (msg['price'] !== undefined) {
    const price = decimalField(msg['price']);
    if (price === undefined) return invalid('price');
    req.price = price;
  }
  const tif = msg['timeinforce'];
  if (tif !== undefined) {
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'GTD') return invalid('timeinforce');
    req.timeinforce = tif;
  }
  // Documented as a string holding an integer; clients send numbers too.
  const userref = msg['userref'];
  if (userref !== undefined) {
    if (typeof userref === 'number' && Number.isInteger(userref)) req.userref = userref;
    else if (typeof userref === 'string' && INTEGER.test(userref)) req.userref = Number(userref);
    else return invalid('userref');
  }
  const clOrdId = msg['cl_ord_id'];
  if (clOrdId !== undefined) {
    if (typeof clOrdId !== 'string' || clOrdId === '') return invalid('cl_ord_id');
    req.clOrdId = clOrdId;
  }
  const oflags = msg['oflags'];
  if (oflags !== undefined) {
    if (typeof oflags !== 'string') return invalid('oflags');
    req.oflags = oflags;
  }
  const deadline = msg['deadline'];
  if (deadline !== undefined) {
    if (typeof deadline !== 'string') return invalid('deadline');
    req.deadline = deadline;
  }
  const validate = msg['validate'];
  if (validate === true || validate === 'true') req.validate = true;
  else if (validate !== undefined && validate !== false && validate !== 'false') return invalid('validate');
  return req.clOrdId !== undefined ? { ok: true, req, clOrdId: req.clOrdId } : { ok: true, req };
}

/** The limit that the timing registry matches against a dislocation: market orders take anything. */
export function timingPrice(req: OrderRequest): number {
  if (req.ordertype === 'market' || req.price === undefined) return req.type === 'buy' ? Infinity : 0;
  const p = Number(req.price);
  return Number.isFinite(p) ? p : req.type === 'buy' ? Infinity : 0;
}
