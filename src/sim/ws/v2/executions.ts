/**
 * The v2 `executions` channel (docs/kraken-protocol.md §3.9): venue events → execution reports, and one
 * connection's subscription (sequence +1 per message, the snapshot is 1).
 *
 * Mapping of the venue's event sequence (pending → open → [trade, order delta]* → closed|canceled):
 *   order pending (all fields) → exec_type `pending_new` with the order's full details;
 *   order open                 → `new` (ids + timestamp);
 *   trade + its order delta    → ONE `trade` report (exec_id, trade_id, last_qty, last_price,
 *                                liquidity_ind `t`, cost, cum_qty, cum_cost, avg_price, fees,
 *                                order_status `partially_filled` or `filled`);
 *   order closed / canceled / expired → `filled` / `canceled` (with `reason`) / `expired`.
 * Every fill is a taker fill (the venue never matches resting orders later); each fee names its
 * asset: the quote currency, or the base asset for an order that asked for fcib / base.
 */
import type { SimOrder, SimPair, SimTrade, VenueEvent } from '../../contracts.js';
import type { WsConn } from '../shared/ws-output.js';
import { assetDecimals } from '../../venue/accounts.js';
import { v2Assets } from './instrument.js';
import { rfc3339, v2Num } from './wire.js';

export type ExecType = 'pending_new' | 'new' | 'trade' | 'filled' | 'canceled' | 'expired';

export interface ExecItem {
  apiKey: string;
  txid: string;
  execType: ExecType;
  /** One execution report object, as sent. */
  json: string;
  /** pending_new / new: written before the add_order ack (v1's order, see README.md). */
  beforeAck: boolean;
}

/** fee_usd_equiv decimals (live shows 5). */
const USD_DECIMALS = 5;
/** trade_id numbers remembered per trade (snapshot reuse); cleared past this many. */
const MAX_TRADE_IDS = 200_000;

export class ExecReporter {
  private pending: { apiKey: string; trade: SimTrade } | null = null;
  private readonly tradeIds = new Map<string, number>();
  private nextTradeId = 1;

  /** `usdRate(assetId)`: USD per unit of the asset, for `fee_usd_equiv` (0 when unknown). */
  constructor(
    private readonly pairs: readonly SimPair[],
    private readonly usdRate: (assetId: string) => number = () => 0,
  ) {}

  /** Reports for one venue event, in order (a trade waits for its order delta to carry cum values). */
  prepare(ev: VenueEvent): ExecItem[] {
    if (ev.kind === 'trade') {
      const out = this.flush();
      this.pending = { apiKey: ev.apiKey, trade: ev.trade };
      return out;
    }
    const o = ev.order;
    const out: ExecItem[] = [];
    const p = this.pending;
    if (p !== null) {
      this.pending = null;
      if (p.trade.ordertxid === o.txid && ev.fields.includes('volExec')) {
        out.push(this.item(ev.apiKey, o.txid, 'trade', this.tradeJson(p.trade, o), false));
        return out;
      }
      out.push(this.item(p.apiKey, p.trade.ordertxid, 'trade', this.tradeJson(p.trade, undefined), false));
    }
    const pair = this.pairs[o.pairIndex];
    if (ev.fields.includes('txid')) {
      out.push(
        this.item(
          ev.apiKey,
          o.txid,
          'pending_new',
          this.fullOrderJson(o, pair, 'pending_new', 'pending_new', o.opentm),
          true,
        ),
      );
    } else if (o.status === 'open' && ev.fields.length === 1 && ev.fields[0] === 'status') {
      out.push(
        this.item(
          ev.apiKey,
          o.txid,
          'new',
          `{${ids(o)},"exec_type":"new","order_status":"new","timestamp":"${rfc3339(o.opentm)}"}`,
          true,
        ),
      );
    } else if (o.status === 'closed' || o.status === 'canceled' || o.status === 'expired') {
      const type: ExecType = o.status === 'closed' ? 'filled' : o.status;
      let s = `{${ids(o)},"exec_type":"${type}","order_status":"${type}",${cums(o, pair)}`;
      s += `,"fee_usd_equiv":${this.feeUsd(o.fee, o.oflags, pair)}`;
      // Live reports still carry the deprecated cancel_reason next to reason (test/corpus/).
      if (o.reason !== undefined && type !== 'filled')
        s += `,"cancel_reason":${JSON.stringify(o.reason)},"reason":${JSON.stringify(o.reason)}`;
      s += `,"timestamp":"${rfc3339(o.closetm)}"}`;
      out.push(this.item(ev.apiKey, o.txid, type, s, false));
    }
    return out;
  }

  /** A trade still waiting for its order delta, reported without cumulative fields. */
  flush(): ExecItem[] {
    const p = this.pending;
    if (p === null) return [];
    this.pending = null;
    return [this.item(p.apiKey, p.trade.ordertxid, 'trade', this.tradeJson(p.trade, undefined), false)];
  }

  /** A snapshot entry for an open order: exec_type `new` with full details. */
  snapshotOrder(o: Readonly<SimOrder>): string {
    const status = o.volExec > 0 ? 'partially_filled' : 'new';
    return this.fullOrderJson(o, this.pairs[o.pairIndex], 'new', status, o.opentm);
  }

  /** A snapshot entry for a past fill (snap_trades). */
  snapshotTrade(t: Readonly<SimTrade>): string {
    return this.tradeJson(t, undefined);
  }

  private item(apiKey: string, txid: string, execType: ExecType, json: string, beforeAck: boolean): ExecItem {
    return { apiKey, txid, execType, json, beforeAck };
  }

  private fullOrderJson(
    o: Readonly<SimOrder>,
    pair: SimPair | undefined,
    execType: string,
    status: string,
    ts: number,
  ): string {
    const pd = pair?.pairDecimals ?? 8;
    const ld = pair?.lotDecimals ?? 8;
    let s =
      `{${ids(o)},"exec_type":"${execType}","order_status":"${status}","symbol":${JSON.stringify(pair?.symbol ?? '')},` +
      `"side":"${o.type}","order_type":"${o.ordertype}","order_qty":${v2Num(o.volume, ld)}`;
    if (o.ordertype === 'limit') s += `,"limit_price":${v2Num(o.price, pd)}`;
    // As live Kraken sends it (test/corpus/): post_only only when set; stop_price 0 for a plain
    // order; the fee so far with its USD value.
    if (o.oflags.includes('post')) s += ',"post_only":true';
    s +=
      `,"time_in_force":"${o.timeinforce}","limit_price_type":"static","stop_price":0.0,` +
      `"cum_cost":${v2Num(o.cost, pair?.costDecimals ?? 8)},"fee_usd_equiv":${this.feeUsd(o.fee, o.oflags, pair)},` +
      `"fee_ccy_pref":"${o.oflags.includes('fcib') ? 'fcib' : 'fciq'}","timestamp":"${rfc3339(ts)}"}`;
    return s;
  }

  /** A fee's value in USD (`fee_usd_equiv`), from its currency: base (fcib) or quote. */
  private feeUsd(fee: number, oflags: string, pair: SimPair | undefined): string {
    if (pair === undefined || fee === 0) return '0.0';
    const asset = oflags.includes('fcib') ? pair.baseId : pair.quoteId;
    return v2Num(fee * this.usdRate(asset), USD_DECIMALS);
  }

  private tradeId(t: Readonly<SimTrade>): number {
    let id = this.tradeIds.get(t.tradeId);
    if (id === undefined) {
      if (this.tradeIds.size >= MAX_TRADE_IDS) this.tradeIds.clear();
      id = this.nextTradeId++;
      this.tradeIds.set(t.tradeId, id);
    }
    return id;
  }

  private tradeJson(t: Readonly<SimTrade>, o: Readonly<SimOrder> | undefined): string {
    const pair = this.pairs[t.pairIndex];
    const pd = pair?.pairDecimals ?? 8;
    const ld = pair?.lotDecimals ?? 8;
    const cd = pair?.costDecimals ?? 8;
    const assets = pair !== undefined ? v2Assets(pair) : { base: '', quote: '' };
    const feeAsset = t.feeInBase === true ? assets.base : assets.quote;
    const feeDecimals = t.feeInBase === true && pair !== undefined ? assetDecimals(pair.baseId) : cd;
    let s = `{"order_id":${JSON.stringify(t.ordertxid)},"order_userref":${t.userref}`;
    if (t.clOrdId !== undefined) s += `,"cl_ord_id":${JSON.stringify(t.clOrdId)}`;
    s +=
      `,"exec_type":"trade","exec_id":${JSON.stringify(t.tradeId)},"trade_id":${this.tradeId(t)},` +
      `"symbol":${JSON.stringify(pair?.symbol ?? '')},"side":"${t.type}","order_type":"${t.ordertype}",` +
      `"last_qty":${v2Num(t.vol, ld)},"last_price":${v2Num(t.price, pd)},"liquidity_ind":"t",` +
      `"cost":${v2Num(t.cost, cd)},"fee_usd_equiv":${this.feeUsd(t.fee, t.feeInBase === true ? 'fcib' : 'fciq', pair)},` +
      `"fees":[{"asset":${JSON.stringify(feeAsset)},"qty":${v2Num(t.fee, feeDecimals)}}]`;
    if (o !== undefined) {
      const filled = o.volume - o.volExec < 0.5 * 10 ** -ld;
      s += `,"order_qty":${v2Num(o.volume, ld)},${cums(o, pair)},"order_status":"${filled ? 'filled' : 'partially_filled'}"`;
    }
    return `${s},"timestamp":"${rfc3339(t.time)}"}`;
  }
}

/** `"order_id":..,"order_userref":..[,"cl_ord_id":..]` */
function ids(o: Readonly<SimOrder>): string {
  let s = `"order_id":${JSON.stringify(o.txid)},"order_userref":${o.userref}`;
  if (o.clOrdId !== undefined) s += `,"cl_ord_id":${JSON.stringify(o.clOrdId)}`;
  return s;
}

/** `"cum_qty":..,"cum_cost":..,"avg_price":..` */
function cums(o: Readonly<SimOrder>, pair: SimPair | undefined): string {
  const ld = pair?.lotDecimals ?? 8;
  const cd = pair?.costDecimals ?? 8;
  const pd = pair?.pairDecimals ?? 8;
  return `"cum_qty":${v2Num(o.volExec, ld)},"cum_cost":${v2Num(o.cost, cd)},"avg_price":${v2Num(o.avgPrice, pd)}`;
}

export const executionsFrame = (type: 'snapshot' | 'update', items: string, sequence: number): string =>
  `{"channel":"executions","type":"${type}","data":[${items}],"sequence":${sequence}}`;

/** One private connection: bound account, the token that keeps it alive, the executions subscription. */
export class V2PrivateSession {
  apiKey: string | null = null;
  /** The token a live subscription was made with: it stays valid on this connection (as v1, docs/kraken-protocol.md §2.1). */
  pinnedToken: string | null = null;
  pinnedEpoch = 0;
  /** Last sequence sent; -1 = not subscribed. */
  seq = -1;
  /** order_status:true → every transition; false → only new/filled/canceled/expired (and fills). */
  allStatuses = true;

  constructor(
    readonly conn: WsConn,
    readonly connectionId: string,
  ) {}

  get subscribed(): boolean {
    return this.seq >= 0;
  }

  frameFor(item: ExecItem): string | null {
    if (this.seq < 0) return null;
    if (!this.allStatuses && item.execType === 'pending_new') return null;
    return executionsFrame('update', item.json, ++this.seq);
  }

  /** Starts the subscription; returns the snapshot frame (sequence 1) unless `items` is null. */
  subscribe(allStatuses: boolean, items: string[] | null): string | null {
    this.seq = 0;
    this.allStatuses = allStatuses;
    this.conn.subCount++;
    if (items === null) return null;
    return executionsFrame('snapshot', items.join(','), ++this.seq);
  }

  unsubscribe(): void {
    this.seq = -1;
    this.conn.subCount--;
  }
}
