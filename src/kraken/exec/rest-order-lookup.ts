/**
 * The engine's OrderLookup over Kraken's REST API. One order whose outcome the stream did not
 * settle: by txid first (QueryOrders, 1 unit of the call counter), else by the attempt's own
 * userref (OpenOrders, 1 unit, then ClosedOrders since the send, 2 units). "Not found" is only an
 * observation: the caller decides when it is final (after the order's deadline has passed,
 * src/engine/trade/order-leg.ts). After a restart, every order since a time: OpenOrders, then
 * ClosedOrders page by page. REST errors are thrown. Sources: docs/kraken-order-deadline.md.
 */
import type { OrderLookup, OrderRef, OrderReport } from '../../engine/trade/order-entry.js';
import type { OrderInfo } from '../order-parse.js';
import type { KrakenRestClient } from '../rest.js';

/** Seconds before the send that ClosedOrders looks back (our clock and Kraken's may differ a little). */
const CLOSED_LOOKBACK_SEC = 5;
/** ClosedOrders pages of 50: at most this many pages are read. */
const MAX_CLOSED_PAGES = 20;
const CLOSED_PAGE = 50;

/** Kraken's order record in the engine's terms. */
export function orderReportOf(o: OrderInfo): OrderReport {
  return {
    txid: o.txid,
    userref: o.userref,
    side: o.type,
    status: o.status,
    volumeExecuted: o.volumeExecuted,
    cost: o.cost,
    fee: o.fee,
    pair: o.pair,
    volume: o.volume,
    limitPrice: o.limitPrice,
  };
}

export class RestOrderLookup implements OrderLookup {
  constructor(private readonly rest: KrakenRestClient) {}

  async find(ref: OrderRef, signal?: AbortSignal): Promise<OrderReport | undefined> {
    const { rest } = this;
    if (ref.txid !== undefined) {
      const byTxid = (await rest.queryOrders([ref.txid], {}, signal))[ref.txid];
      if (byTxid !== undefined) return orderReportOf(byTxid);
    }
    const mine = (orders: Record<string, OrderInfo>): OrderReport | undefined => {
      for (const o of Object.values(orders))
        if (o.userref === ref.userref && o.type === ref.side) return orderReportOf(o);
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

  async since(startSec: number): Promise<OrderReport[]> {
    const all = new Map<string, OrderReport>();
    for (const o of Object.values(await this.rest.openOrders())) all.set(o.txid, orderReportOf(o));
    for (let page = 0; page < MAX_CLOSED_PAGES; page++) {
      const r = await this.rest.closedOrders({ start: startSec, ofs: page * CLOSED_PAGE });
      for (const o of Object.values(r.orders)) all.set(o.txid, orderReportOf(o));
      if ((page + 1) * CLOSED_PAGE >= r.count) break;
    }
    return [...all.values()];
  }
}
