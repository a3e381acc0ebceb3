/**
 * v2 `cancel_order` and `cancel_all` (docs/kraken-protocol.md §3.8). cancel_order takes `order_id[]`,
 * `cl_ord_id[]` and/or `order_userref[]` and answers ONE ack per order: each reference is resolved
 * against the account's open orders, every match is cancelled by its order id and acked with it;
 * a reference matching nothing gets an `EOrder:Unknown order` ack and the others still proceed.
 * The venue emits the `canceled` executions report during the call, so it precedes the ack (as v1).
 */
import type { SimOrder } from '../../contracts.js';
import type { PlaceContext, PrivateRequest } from './private-orders.js';
import { V2_ERRORS, ackError, ackOk, paramsOf } from './wire.js';

type RefKind = 'order_id' | 'cl_ord_id' | 'order_userref';

export function cancelOrders(ctx: PlaceContext, { s, msg, reqId, timeIn }: PrivateRequest): void {
  const fail = (error: string, extra?: Record<string, unknown>): void => {
    ctx.badInput++;
    ctx.out.send(s.conn, ackError('cancel_order', error, reqId, timeIn, extra));
  };
  const params = paramsOf(msg);
  if (params === null) return fail(V2_ERRORS.params);
  const a = ctx.auth(s, params['token']);
  if ('error' in a) return fail(a.error);
  const refs: Array<{ kind: RefKind; value: string | number }> = [];
  for (const kind of ['order_id', 'cl_ord_id', 'order_userref'] as const) {
    const v = params[kind];
    if (v === undefined) continue;
    const ok =
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((x) =>
        kind === 'order_userref'
          ? typeof x === 'number' && Number.isInteger(x)
          : typeof x === 'string' && x !== '',
      );
    if (!ok) return fail(`EGeneral:Invalid arguments:${kind}`);
    for (const x of v as Array<string | number>) refs.push({ kind, value: x });
  }
  if (refs.length === 0) return fail('EGeneral:Invalid arguments:order_id');
  const venue = ctx.o.venue;
  for (const ref of refs) {
    const matches = venue.openOrders(a.apiKey).filter((o) => matchesRef(o, ref.kind, ref.value));
    if (matches.length === 0) {
      fail('EOrder:Unknown order', { result: { [ref.kind]: ref.value } });
      continue;
    }
    for (const o of matches) {
      const r = venue.cancelOrder(a.apiKey, o.txid);
      const result: Record<string, unknown> = { order_id: o.txid };
      if (o.clOrdId !== undefined) result['cl_ord_id'] = o.clOrdId;
      if (r.ok) ctx.out.send(s.conn, ackOk('cancel_order', result, reqId, timeIn));
      else fail(r.error, { result });
    }
  }
}

function matchesRef(o: Readonly<SimOrder>, kind: RefKind, value: string | number): boolean {
  if (kind === 'order_id') return o.txid === value;
  if (kind === 'cl_ord_id') return o.clOrdId === value;
  return o.userref === value;
}

export function cancelAll(ctx: PlaceContext, { s, msg, reqId, timeIn }: PrivateRequest): void {
  const a = ctx.auth(s, paramsOf(msg)?.['token']);
  if ('error' in a) {
    ctx.badInput++;
    ctx.out.send(s.conn, ackError('cancel_all', a.error, reqId, timeIn));
    return;
  }
  let count = 0;
  for (const o of [...ctx.o.venue.openOrders(a.apiKey)]) {
    const r = ctx.o.venue.cancelOrder(a.apiKey, o.txid);
    if (r.ok) count += r.value.count;
  }
  ctx.out.send(s.conn, ackOk('cancel_all', { count }, reqId, timeIn));
}
