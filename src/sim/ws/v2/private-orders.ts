/**
 * v2 `add_order` and `batch_add` (docs/kraken-protocol.md §3.8) on the private server: token, shape, faults,
 * venue call with its events captured, then the frames in the documented order (README.md):
 * leading `pending_new`/`new` reports, the ack, the remaining reports.
 *
 * batch_add: 2–15 orders on one `params.symbol`, validated as a whole first (shape and the venue's
 * pure argument checks: decimals, tick size, order minimum); any invalid order rejects the whole
 * batch with that order's error. Then each order goes to the venue in request order; a venue
 * rejection (funds, rate limit...) fails that order only: its result entry carries `error`.
 */
import type { OrderRequest } from '../../contracts.js';
import { parseOrder } from '../../venue/validate-order.js';
import type { WsPrivateServer } from '../shared/ws-private-server.js';
import type { ExecItem, V2PrivateSession } from './executions.js';
import { parseV2Order, timingLimit } from './order-params.js';
import { V2_ERRORS, ackError, ackOk, paramsOf } from './wire.js';
import { UNKNOWN_PAIR } from '../../venue/order-rules.js';

export const BATCH_MIN_ORDERS = 2;
export const BATCH_MAX_ORDERS = 15;

/** The private server, as the order and cancel handlers use it. */
export type PlaceContext = WsPrivateServer<V2PrivateSession, ExecItem>;

/** One order or cancel request being answered. */
export interface PrivateRequest {
  readonly s: V2PrivateSession;
  readonly msg: Record<string, unknown>;
  readonly reqId: number | undefined;
  /** When the request was read (RFC3339), echoed in the ack. */
  readonly timeIn: string;
  /** Monotonic ns the request was read at (order-arrival timing). */
  readonly arrivedNs: bigint;
}

interface Placed {
  req: OrderRequest;
  userref?: number;
  clOrdId?: string;
}

/** `{order_id?, order_userref? | cl_ord_id?}` for an ack. */
function idResult(txid: string, p: Placed): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  if (txid !== '') r['order_id'] = txid;
  if (p.userref !== undefined) r['order_userref'] = p.userref;
  if (p.clOrdId !== undefined) r['cl_ord_id'] = p.clOrdId;
  return r;
}

/** An order request that passed the common checks (params object, token). */
interface OrderCall {
  params: Record<string, unknown>;
  apiKey: string;
  /** Counts the rejection and returns its ack frame. */
  rejectAck(error: string): string;
  /** Counts the rejection and writes its ack. */
  reject(error: string): void;
}

/** Counts the request and runs the checks every order request starts with; null when answered. */
function orderCall(
  ctx: PlaceContext,
  { s, msg, reqId, timeIn }: PrivateRequest,
  method: 'add_order' | 'batch_add',
): OrderCall | null {
  ctx.ordersReceived++;
  const rejectAck = (error: string): string => {
    ctx.ordersRejected++;
    return ackError(method, error, reqId, timeIn);
  };
  const reject = (error: string): void => ctx.sendAck(s, rejectAck(error));
  const params = paramsOf(msg);
  if (params === null) {
    reject(V2_ERRORS.params);
    return null;
  }
  const a = ctx.auth(s, params['token']);
  if ('error' in a) {
    reject(a.error);
    return null;
  }
  return { params, apiKey: a.apiKey, rejectAck, reject };
}

export function placeOrder(ctx: PlaceContext, r: PrivateRequest): void {
  const call = orderCall(ctx, r, 'add_order');
  if (call === null) return;
  const { s, reqId, timeIn, arrivedNs } = r;
  const parsed = parseV2Order(call.params, ctx.o.venue.market);
  if (!parsed.ok) return call.reject(parsed.error);
  ctx.o.timing?.orderArrived(parsed.pairIndex, parsed.req.type, timingLimit(parsed.req), arrivedNs);
  ctx.submitOrder(s, call.apiKey, call.rejectAck, () => {
    const v = callVenue(ctx, call.apiKey, parsed.req);
    return v.ok ? ackOk('add_order', idResult(v.txid, parsed), reqId, timeIn) : call.rejectAck(v.error);
  });
}

export function placeBatch(ctx: PlaceContext, r: PrivateRequest): void {
  const call = orderCall(ctx, r, 'batch_add');
  if (call === null) return;
  const { s, reqId, timeIn, arrivedNs } = r;
  const { params, reject } = call;
  const symbol = params['symbol'];
  if (typeof symbol !== 'string' || symbol === '') return reject(V2_ERRORS.symbol);
  const market = ctx.o.venue.market;
  const pairIndex = market.pairIndex(symbol);
  const pair = market.pairs[pairIndex];
  if (pair === undefined || pair.symbol !== symbol) return reject(UNKNOWN_PAIR);
  const orders = params['orders'];
  if (!Array.isArray(orders) || orders.length < BATCH_MIN_ORDERS || orders.length > BATCH_MAX_ORDERS) {
    return reject('EGeneral:Invalid arguments:orders');
  }
  const validate = params['validate'];
  if (validate !== undefined && typeof validate !== 'boolean')
    return reject('EGeneral:Invalid arguments:validate');
  // The whole batch is judged before any order reaches the venue.
  const placed: Placed[] = [];
  for (const o of orders) {
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      return reject('EGeneral:Invalid arguments:orders');
    const p = parseV2Order(o as Record<string, unknown>, market, symbol);
    if (!p.ok) return reject(p.error);
    if (validate === true) p.req.validate = true;
    const pure = parseOrder(p.req, pair);
    if (!pure.ok) return reject(pure.error);
    if (pure.order.volume < pair.ordermin) return reject('EOrder:Order minimum not met');
    placed.push(p);
  }
  for (const p of placed) ctx.o.timing?.orderArrived(pairIndex, p.req.type, timingLimit(p.req), arrivedNs);
  ctx.submitOrder(s, call.apiKey, call.rejectAck, () => {
    const results: Array<Record<string, unknown>> = [];
    for (const p of placed) {
      const v = callVenue(ctx, call.apiKey, p.req);
      if (v.ok) results.push(idResult(v.txid, p));
      else results.push({ error: v.error, ...idResult('', p) });
    }
    return ackOk('batch_add', results, reqId, timeIn);
  });
}

function callVenue(
  ctx: PlaceContext,
  apiKey: string,
  req: OrderRequest,
): { ok: true; txid: string } | { ok: false; error: string } {
  try {
    const r = ctx.o.venue.addOrder(apiKey, req);
    return r.ok ? { ok: true, txid: r.value.txid } : r;
  } catch (err) {
    // A venue bug must not kill the socket; the client gets Kraken's generic internal error.
    console.error('sim ws v2: venue.addOrder threw', err instanceof Error ? err.message : err);
    return { ok: false, error: V2_ERRORS.internal };
  }
}
