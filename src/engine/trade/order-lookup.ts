/**
 * One REST look-up of an order whose outcome the stream did not settle: by txid first (QueryOrders,
 * 1 unit of the call counter), else by the attempt's own userref (OpenOrders, 1 unit, then
 * ClosedOrders since the send, 2 units). "Not found" is only an observation: the caller decides
 * when it is final (after the order's deadline has passed, order-leg.ts). REST errors are thrown.
 */
import type { KrakenRestClient } from '../../kraken/rest.js';
import type { OrderInfo } from '../../kraken/order-parse.js';

export interface OrderRef {
  readonly txid: string | undefined;
  readonly userref: number;
  readonly side: 'buy' | 'sell';
  /** When the order was sent (epoch s): ClosedOrders is asked from shortly before it. */
  readonly sentAtSec: number;
}

/** Seconds before the send that ClosedOrders looks back (our clock and Kraken's may differ a little). */
const CLOSED_LOOKBACK_SEC = 5;

export async function lookupOrder(
  rest: KrakenRestClient,
  ref: OrderRef,
  signal?: AbortSignal,
): Promise<OrderInfo | undefined> {
  if (ref.txid !== undefined) {
    const byTxid = (await rest.queryOrders([ref.txid], {}, signal))[ref.txid];
    if (byTxid !== undefined) return byTxid;
  }
  const mine = (orders: Record<string, OrderInfo>): OrderInfo | undefined => {
    for (const o of Object.values(orders)) if (o.userref === ref.userref && o.type === ref.side) return o;
    return undefined;
  };
  const open = mine(await rest.openOrders({ userref: ref.userref }, signal));
  if (open !== undefined) return open;
  const closed = await rest.closedOrders(
    { userref: ref.userref, start: Math.floor(ref.sentAtSec) - CLOSED_LOOKBACK_SEC },
    signal,
  );
  return mine(closed.orders);
}
