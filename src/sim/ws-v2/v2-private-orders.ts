/**
 * v2 `add_order` and `batch_add` (kraken-api.md §3.8) on the private server: token, shape, faults,
 * venue call with its events captured, then the frames in the documented order (README.md):
 * leading `pending_new`/`new` reports, the ack, the remaining reports.
 *
 * batch_add: 2–15 orders on one `params.symbol`, validated as a whole first (shape and the venue's
 * pure argument checks: decimals, tick size, order minimum); any invalid order rejects the whole
 * batch with that order's error. Then each order goes to the venue in request order; a venue
 * rejection (funds, rate limit...) fails that order only: its result entry carries `error`.
 */
import type { OrderRequest, SimFaults, SimVenue } from '../contracts.js';
import type { TimingRegistry } from '../timing.js';
import { parseOrder } from '../venue/validate-order.js';
import type { WsOutput } from '../ws/ws-output.js';
import type { ExecItem, V2PrivateSession } from './v2-executions.js';
import { parseV2Order, timingLimit, UNKNOWN_PAIR } from './v2-order-params.js';
import { V2_ERRORS, ackError, ackOk, paramsOf } from './v2-wire.js';

export const BATCH_MIN_ORDERS = 2;
export const BATCH_MAX_ORDERS = 15;

/** What the order handlers need from the private server. */
export interface PlaceContext {
  readonly o: { venue: SimVenue; faults: SimFaults; timing?: TimingRegistry };
  readonly out: WsOutput;
  ordersReceived: number;
  ordersRejected: number;
  badInput: number;
  auth(s: V2PrivateSession, params: Record<string, unknown> | null): { apiKey: string } | { error: string };
  capture(apiKey: string, fn: () => void): ExecItem[];
  deliver(item: ExecItem): void;
  sendAck(s: V2PrivateSession, frame: string): void;
  later(ms: number, fn: () => void): void;
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

export function placeOrder(
  ctx: PlaceContext,
  s: V2PrivateSession,
  msg: Record<string, unknown>,
  reqId: number | undefined,
  timeIn: string,
  arrivedNs: bigint,
): void {
  ctx.ordersReceived++;
  const reject = (error: string): void => {
    ctx.ordersRejected++;
    ctx.sendAck(s, ackError('add_order', error, reqId, timeIn));
  };
  const params = paramsOf(msg);
  if (params === null) return reject(V2_ERRORS.params);
  const a = ctx.auth(s, params);
  if ('error' in a) return reject(a.error);
  const parsed = parseV2Order(params, ctx.o.venue.market);
  if (!parsed.ok) return reject(parsed.error);
  ctx.o.timing?.orderArrived(parsed.pairIndex, parsed.req.type, timingLimit(parsed.req), arrivedNs);
  const run = (): void => {
    const forced = takeReject(ctx.o.faults);
    if (forced !== null) return reject(forced);
    let ack = '';
    const items = ctx.capture(a.apiKey, () => {
      const r = callVenue(ctx, a.apiKey, parsed.req);
      if (r.ok) ack = ackOk('add_order', idResult(r.txid, parsed), reqId, timeIn);
      else {
        ctx.ordersRejected++;
        ack = ackError('add_order', r.error, reqId, timeIn);
      }
    });
    writeInOrder(ctx, s, items, ack);
  };
  const delayMs = takeDelay(ctx.o.faults);
  if (delayMs > 0) ctx.later(delayMs, run);
  else run();
}

export function placeBatch(
  ctx: PlaceContext,
  s: V2PrivateSession,
  msg: Record<string, unknown>,
  reqId: number | undefined,
  timeIn: string,
  arrivedNs: bigint,
): void {
  ctx.ordersReceived++;
  const reject = (error: string): void => {
    ctx.ordersRejected++;
    ctx.sendAck(s, ackError('batch_add', error, reqId, timeIn));
  };
  const params = paramsOf(msg);
  if (params === null) return reject(V2_ERRORS.params);
  const a = ctx.auth(s, params);
  if ('error' in a) return reject(a.error);
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
  const run = (): void => {
    const forced = takeReject(ctx.o.faults);
    if (forced !== null) return reject(forced);
    const results: Array<Record<string, unknown>> = [];
    const items = ctx.capture(a.apiKey, () => {
      for (const p of placed) {
        const r = callVenue(ctx, a.apiKey, p.req);
        if (r.ok) results.push(idResult(r.txid, p));
        else results.push({ error: r.error, ...idResult('', p) });
      }
    });
    writeInOrder(ctx, s, items, ackOk('batch_add', results, reqId, timeIn));
  };
  const delayMs = takeDelay(ctx.o.faults);
  if (delayMs > 0) ctx.later(delayMs, run);
  else run();
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

/** Leading pending_new/new reports, then the ack, then fills and closes (v1's order). */
function writeInOrder(ctx: PlaceContext, s: V2PrivateSession, items: readonly ExecItem[], ack: string): void {
  let i = 0;
  while (i < items.length && (items[i] as ExecItem).beforeAck) ctx.deliver(items[i++] as ExecItem);
  ctx.sendAck(s, ack);
  for (; i < items.length; i++) ctx.deliver(items[i] as ExecItem);
}

/** Uses the faults' take helpers when present (src/sim/faults.ts), else reads and clears the field. */
export function takeDelay(f: SimFaults): number {
  const t = (f as Partial<{ takeDelayNextOrderMs(): number }>).takeDelayNextOrderMs;
  if (typeof t === 'function') return t.call(f);
  const ms = f.delayNextOrderMs;
  f.delayNextOrderMs = 0;
  return ms;
}

export function takeReject(f: SimFaults): string | null {
  const t = (f as Partial<{ takeRejectNextOrder(): string | null }>).takeRejectNextOrder;
  if (typeof t === 'function') return t.call(f);
  const e = f.rejectNextOrder;
  f.rejectNextOrder = null;
  return e;
}
