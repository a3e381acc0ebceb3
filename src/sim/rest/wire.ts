/**
 * Venue objects → Kraken REST wire shapes (docs/kraken-protocol.md §4.5, §4.6): decimals as strings with the
 * pair's decimals, times as epoch-second numbers, ids as keys.
 */
import type { SimOrder, SimPair, SimTrade } from '../contracts.js';
import { assetDecimals } from '../venue/accounts.js';
import { fixed } from '../venue/decimal.js';
import { feeInBase } from '../venue/order-rules.js';

/** Placeholder Kraken sends as `postxid` on spot (non-margin) trades (docs/kraken-protocol.md §2.4). */
export const SPOT_POSTXID = 'TKH2SE-M7IF5-CFI7LT';

/** A number as a plain decimal string without exponent or trailing zeros (`0.00005`, `0.5`, `10`). */
export function plain(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

export function wireOrder(o: SimOrder, pair: SimPair): Record<string, unknown> {
  const price = o.ordertype === 'limit' ? fixed(o.price, pair.pairDecimals) : '0';
  const w: Record<string, unknown> = {
    refid: null,
    userref: o.userref,
    status: o.status,
    reason: o.reason ?? null,
    opentm: o.opentm,
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: pair.altname,
      type: o.type,
      ordertype: o.ordertype,
      price,
      price2: '0',
      leverage: 'none',
      order: o.descr,
      close: '',
    },
    vol: fixed(o.volume, pair.lotDecimals),
    vol_exec: fixed(o.volExec, pair.lotDecimals),
    cost: fixed(o.cost, pair.costDecimals),
    // In the fee's currency: the base asset's decimals for an fcib order.
    fee: fixed(o.fee, feeInBase(o.oflags) ? assetDecimals(pair.baseId) : pair.costDecimals),
    price: fixed(o.avgPrice, pair.pairDecimals),
    stopprice: '0.00000',
    limitprice: '0.00000',
    misc: '',
    oflags: o.oflags,
  };
  if (o.clOrdId !== undefined) w['cl_ord_id'] = o.clOrdId;
  if (o.status === 'closed' || o.status === 'canceled' || o.status === 'expired') w['closetm'] = o.closetm;
  return w;
}

export function wireTrade(t: SimTrade, pair: SimPair, tradeNumber: number): Record<string, unknown> {
  return {
    ordertxid: t.ordertxid,
    postxid: SPOT_POSTXID,
    pair: pair.id,
    time: t.time,
    type: t.type,
    ordertype: t.ordertype,
    price: fixed(t.price, pair.pairDecimals),
    cost: fixed(t.cost, pair.costDecimals),
    fee: fixed(t.fee, pair.costDecimals),
    vol: fixed(t.vol, pair.lotDecimals),
    margin: fixed(0, pair.costDecimals),
    leverage: '0',
    misc: '',
    trade_id: tradeNumber,
    maker: false,
  };
}

/** `Thu, 06 Jul 23 18:50:48 +0000` (Kraken's Time.rfc1123: two-digit year). */
export function rfc1123(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()] ?? ''}, ${p2(d.getUTCDate())} ${months[d.getUTCMonth()] ?? ''} ${p2(d.getUTCFullYear() % 100)} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}
