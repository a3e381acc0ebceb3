/**
 * v1 private data payloads (docs/kraken-protocol.md §2.4 ownTrades, §2.5 openOrders): SimOrder/SimTrade →
 * the `{id:{...}}` objects Kraken sends, numbers as strings at the pair's decimals.
 */
import type { SimOrder, SimPair, SimTrade } from '../../contracts.js';
import { assetDecimals } from '../../venue/accounts.js';
import { feeInBase } from '../../venue/order-rules.js';

/** Kraken's constant `postxid` placeholder for spot (non-margin) trades (docs/kraken-protocol.md §2.4). */
const SPOT_POSTXID = 'TKH2SE-M7IF5-CFI7LT';
/** Kraken shows order volumes with 8 decimals whatever the pair's lot decimals. */
const ORDER_VOL_DECIMALS = 8;

const ts6 = (t: number): string => t.toFixed(6);

function px(pair: SimPair | undefined, v: number): string {
  return v.toFixed(pair?.pairDecimals ?? 5);
}
function money(pair: SimPair | undefined, v: number): string {
  return v.toFixed(pair?.costDecimals ?? 5);
}
function vol(v: number): string {
  return v.toFixed(ORDER_VOL_DECIMALS);
}
/** A fee in its currency: quote at cost decimals, base (fcib) at the asset's decimals. */
function feeText(pair: SimPair | undefined, v: number, inBase: boolean): string {
  return inBase && pair !== undefined ? v.toFixed(assetDecimals(pair.baseId)) : money(pair, v);
}

/**
 * The full openOrders object (snapshot entries and a new order's first `pending` message), in the
 * shape live Kraken sends (test/corpus/): `descr.close`, `descr.leverage`, `refid`, `expiretm` and
 * `starttm` are null, `limitprice` and `stopprice` zero for a plain limit order.
 */
export function fullOrderJson(o: Readonly<SimOrder>, pair: SimPair | undefined): string {
  const wsname = pair?.wsname ?? '';
  const price = o.ordertype === 'limit' ? px(pair, o.price) : px(pair, 0);
  const body: Record<string, unknown> = {
    avg_price: px(pair, o.avgPrice),
    cost: money(pair, o.cost),
    descr: {
      close: null,
      leverage: null,
      order: o.descr,
      ordertype: o.ordertype,
      pair: wsname,
      price,
      price2: px(pair, 0),
      type: o.type,
    },
    expiretm: null,
    fee: feeText(pair, o.fee, feeInBase(o.oflags)),
    limitprice: px(pair, 0),
    misc: '',
    oflags: o.oflags,
    opentm: ts6(o.opentm),
    refid: null,
    starttm: null,
    status: o.status,
    stopprice: px(pair, 0),
    timeinforce: o.timeinforce,
    userref: o.userref,
    vol: vol(o.volume),
    vol_exec: vol(o.volExec),
  };
  if (o.clOrdId !== undefined) body['cl_ord_id'] = o.clOrdId;
  if (o.status === 'closed' || o.status === 'canceled' || o.status === 'expired') {
    body['lastupdated'] = ts6(o.closetm);
    if (o.reason !== undefined) body['cancel_reason'] = o.reason;
  }
  return `{${JSON.stringify(o.txid)}:${JSON.stringify(body)}}`;
}

/**
 * A delta for an order the client already holds: only the changed fields (wire names), plus
 * `userref` so clients that route by it can. Fill deltas carry vol_exec, cost, fee and avg_price
 * together; a final status (closed, canceled, expired) carries them too, with lastupdated and any
 * cancel_reason — in live Kraken's order of keys (test/corpus/).
 */
export function orderDeltaJson(
  o: Readonly<SimOrder>,
  pair: SimPair | undefined,
  fields: ReadonlyArray<keyof SimOrder>,
): string {
  const body: Record<string, unknown> = {};
  const has = (k: keyof SimOrder): boolean => fields.includes(k);
  const final = o.status === 'closed' || o.status === 'canceled' || o.status === 'expired';
  const status = has('status') || has('reason') || has('closetm');
  if (status && final) body['lastupdated'] = ts6(o.closetm);
  if (status) body['status'] = o.status;
  if (has('volExec') || has('cost') || has('fee') || has('avgPrice') || (status && final)) {
    body['vol_exec'] = vol(o.volExec);
    body['cost'] = money(pair, o.cost);
    body['fee'] = feeText(pair, o.fee, feeInBase(o.oflags));
    body['avg_price'] = px(pair, o.avgPrice);
  }
  body['userref'] = o.userref;
  if (o.clOrdId !== undefined) body['cl_ord_id'] = o.clOrdId;
  if (status && final && o.reason !== undefined) body['cancel_reason'] = o.reason;
  return `{${JSON.stringify(o.txid)}:${JSON.stringify(body)}}`;
}

/** One ownTrades entry; `userref`/`cl_ord_id` only on live updates, as documented. */
export function tradeJson(t: Readonly<SimTrade>, pair: SimPair | undefined, live: boolean): string {
  const body: Record<string, unknown> = {
    cost: money(pair, t.cost),
    fee: feeText(pair, t.fee, t.feeInBase === true),
    margin: money(pair, 0),
    ordertxid: t.ordertxid,
    ordertype: t.ordertype,
    pair: pair?.wsname ?? '',
    postxid: SPOT_POSTXID,
    price: px(pair, t.price),
    time: ts6(t.time),
    type: t.type,
    vol: vol(t.vol),
  };
  if (live) {
    body['userref'] = t.userref;
    if (t.clOrdId !== undefined) body['cl_ord_id'] = t.clOrdId;
  }
  return `{${JSON.stringify(t.tradeId)}:${JSON.stringify(body)}}`;
}

export const privateFrame = (items: string, channel: 'ownTrades' | 'openOrders', sequence: number): string =>
  `[[${items}],"${channel}",{"sequence":${sequence}}]`;
