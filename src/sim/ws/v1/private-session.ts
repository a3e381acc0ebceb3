/**
 * One private v1 connection's state: which account it is bound to, the token that keeps it alive,
 * its ownTrades/openOrders subscriptions with their sequence counters (+1 per message per
 * subscription, first message 1), and which orders the client already holds in full, so an update
 * for an order it has never seen arrives as a full object rather than a delta it cannot apply.
 */
import type { SimOrder, SimPair, SimTrade, VenueEvent } from '../../contracts.js';
import type { WsConn } from '../shared/ws-output.js';
import { fullOrderJson, orderDeltaJson, privateFrame, tradeJson } from './private-frames.js';

/** A venue event formatted at the moment it happened (the venue may mutate its objects afterwards). */
export interface PreparedEvent {
  apiKey: string;
  channel: 'ownTrades' | 'openOrders';
  txid: string;
  full: string;
  delta: string;
  /** The event introduces the order (pending, or every field changed): always the full object. */
  forceFull: boolean;
  /** closed / canceled / expired: the client drops the order after this. */
  terminal: boolean;
  /** A pending/open message without fills: written before the order's addOrderStatus. */
  beforeAck: boolean;
}

export function prepareEvent(ev: VenueEvent, pairs: readonly SimPair[]): PreparedEvent {
  if (ev.kind === 'trade') {
    const json = tradeJson(ev.trade, pairs[ev.trade.pairIndex], true);
    return {
      apiKey: ev.apiKey,
      channel: 'ownTrades',
      txid: ev.trade.ordertxid,
      full: json,
      delta: json,
      forceFull: true,
      terminal: false,
      beforeAck: false,
    };
  }
  const o = ev.order;
  const pair = pairs[o.pairIndex];
  const status = o.status;
  const terminal = status === 'closed' || status === 'canceled' || status === 'expired';
  const forceFull = status === 'pending' || ev.fields.length === 0 || ev.fields.includes('txid');
  // A full object lists every field (volExec included) but is not a fill.
  const fills = !forceFull && ev.fields.includes('volExec');
  return {
    apiKey: ev.apiKey,
    channel: 'openOrders',
    txid: o.txid,
    full: fullOrderJson(o, pair),
    delta: orderDeltaJson(o, pair, ev.fields),
    forceFull,
    terminal,
    beforeAck: !terminal && !fills,
  };
}

export class V1PrivateSession {
  apiKey: string | null = null;
  /** The token a live subscription was made with: it stays valid on this connection (docs/kraken-protocol.md §2.1). */
  pinnedToken: string | null = null;
  pinnedEpoch = 0;
  /** Last sequence sent; -1 = not subscribed. */
  ownTradesSeq = -1;
  openOrdersSeq = -1;
  private readonly known = new Set<string>();

  constructor(
    readonly conn: WsConn,
    readonly connectionId: string,
  ) {}

  /** The frame this connection gets for `p`, or null when it is not subscribed to that channel. */
  frameFor(p: PreparedEvent): string | null {
    if (p.channel === 'ownTrades') {
      if (this.ownTradesSeq < 0) return null;
      return privateFrame(p.full, 'ownTrades', ++this.ownTradesSeq);
    }
    if (this.openOrdersSeq < 0) return null;
    const item = p.forceFull || !this.known.has(p.txid) ? p.full : p.delta;
    if (p.terminal) this.known.delete(p.txid);
    else this.known.add(p.txid);
    return privateFrame(item, 'openOrders', ++this.openOrdersSeq);
  }

  /** Starts ownTrades; returns the snapshot frame (sequence 1) unless `trades` is null (snapshot:false). */
  subscribeOwnTrades(trades: readonly SimTrade[] | null, pairs: readonly SimPair[]): string | null {
    this.ownTradesSeq = 0;
    this.conn.subCount++;
    if (trades === null) return null;
    const items = trades.map((t) => tradeJson(t, pairs[t.pairIndex], false)).join(',');
    return privateFrame(items, 'ownTrades', ++this.ownTradesSeq);
  }

  /** Starts openOrders; returns the snapshot of open orders (sequence 1) unless `orders` is null. */
  subscribeOpenOrders(orders: readonly SimOrder[] | null, pairs: readonly SimPair[]): string | null {
    this.openOrdersSeq = 0;
    this.known.clear();
    this.conn.subCount++;
    if (orders === null) return null;
    for (const o of orders) this.known.add(o.txid);
    const items = orders.map((o) => fullOrderJson(o, pairs[o.pairIndex])).join(',');
    return privateFrame(items, 'openOrders', ++this.openOrdersSeq);
  }

  unsubscribe(name: 'ownTrades' | 'openOrders'): void {
    if (name === 'ownTrades') this.ownTradesSeq = -1;
    else {
      this.openOrdersSeq = -1;
      this.known.clear();
    }
    this.conn.subCount--;
  }
}
