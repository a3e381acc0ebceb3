/**
 * WS API v1 private endpoint (docs/kraken-protocol.md §2): token on every message, ownTrades and openOrders
 * with per-subscription sequences, addOrder / cancelOrder / cancelAll, ping/pong, heartbeats, faults.
 * Order frames (docs/kraken-protocol.md §2.5): the openOrders `pending` (full object) and `open` messages, then
 * `addOrderStatus`, then ownTrades fills and the openOrders fill/close deltas (see ../shared/ws-private-server.ts).
 */
import type { RawData } from 'ws';
import type { VenueEvent } from '../../contracts.js';
import {
  HEARTBEAT_FRAME,
  V1_ERRORS,
  errorFrame,
  pongFrame,
  reqidOf,
  subscriptionErrorFrame,
  systemStatusFrame,
  withReqid,
} from './messages.js';
import { parseAddOrder, timingPrice } from './order-request.js';
import type { WsConn } from '../shared/ws-output.js';
import { V1PrivateSession, prepareEvent, type PreparedEvent } from './private-session.js';
import { WsPrivateServer, type WsPrivateOptions } from '../shared/ws-private-server.js';
import { parseRequest, MAX_REQUEST_BYTES } from '../shared/request.js';
import { UNKNOWN_PAIR } from '../../venue/order-rules.js';

const PUBLIC_CHANNELS = new Set(['spread', 'ticker', 'book', 'ohlc', 'trade', '*']);
/** Kraken sends the last 50 trades as the ownTrades snapshot (docs/kraken-protocol.md §2.4). */
const OWN_TRADES_SNAPSHOT = 50;

export class V1PrivateServer extends WsPrivateServer<V1PrivateSession, PreparedEvent> {
  constructor(o: WsPrivateOptions) {
    super(o, {
      maxPayload: MAX_REQUEST_BYTES,
      heartbeatFrame: HEARTBEAT_FRAME,
      statusFrame: systemStatusFrame,
      tokenErrors: V1_ERRORS,
      logName: 'sim ws v1',
    });
  }

  protected openSession(conn: WsConn, connectionId: string): V1PrivateSession {
    return new V1PrivateSession(conn, connectionId);
  }

  protected prepare(ev: VenueEvent): readonly PreparedEvent[] {
    return [prepareEvent(ev, this.o.venue.market.pairs)];
  }

  protected onMessage(s: V1PrivateSession, data: RawData, isBinary: boolean, arrivedNs: bigint): void {
    const msg = isBinary ? null : parseRequest(data);
    if (msg === null) {
      this.badInput++;
      this.out.send(s.conn, errorFrame(V1_ERRORS.malformed, undefined));
      return;
    }
    const reqid = reqidOf(msg);
    switch (msg['event']) {
      case 'ping':
        this.out.send(s.conn, pongFrame(reqid));
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.onSubscription(s, msg, msg['event'], reqid);
        return;
      case 'addOrder':
        this.onAddOrder(s, msg, reqid, arrivedNs);
        return;
      case 'cancelOrder':
        this.onCancelOrder(s, msg, reqid);
        return;
      case 'cancelAll':
        this.onCancelAll(s, msg, reqid);
        return;
      default:
        this.badInput++;
        this.out.send(s.conn, errorFrame(V1_ERRORS.eventNotFound, reqid));
    }
  }

  private subError(s: V1PrivateSession, message: string, sub: unknown, reqid: number | undefined): void {
    this.badInput++;
    this.out.send(s.conn, subscriptionErrorFrame(message, sub, reqid));
  }

  private onSubscription(
    s: V1PrivateSession,
    msg: Record<string, unknown>,
    event: 'subscribe' | 'unsubscribe',
    reqid: number | undefined,
  ): void {
    const sub = msg['subscription'];
    if (typeof sub !== 'object' || sub === null || Array.isArray(sub))
      return this.subError(s, V1_ERRORS.malformed, sub, reqid);
    const sb = sub as Record<string, unknown>;
    const name = sb['name'];
    if (typeof name === 'string' && PUBLIC_CHANNELS.has(name))
      return this.subError(s, V1_ERRORS.publicOnPrivate, sub, reqid);
    if (name !== 'ownTrades' && name !== 'openOrders')
      return this.subError(s, V1_ERRORS.nameInvalid, sub, reqid);
    const a = this.authSubscription(s, sb['token']);
    if ('error' in a) return this.subError(s, a.error, sub, reqid);
    const subscribed = name === 'ownTrades' ? s.ownTradesSeq >= 0 : s.openOrdersSeq >= 0;
    if (event === 'unsubscribe') {
      if (!subscribed) return this.subError(s, V1_ERRORS.subscriptionNotFound, sub, reqid);
      s.unsubscribe(name);
      this.out.send(
        s.conn,
        withReqid(
          { channelName: name, event: 'subscriptionStatus', status: 'unsubscribed', subscription: { name } },
          reqid,
        ),
      );
      return;
    }
    if (subscribed) return this.subError(s, V1_ERRORS.alreadySubscribed, sub, reqid);
    this.bind(s, a.apiKey, sb['token'] as string);
    // Live openOrders acks carry the tier's trading-rate threshold (test/corpus/).
    const subscription = name === 'openOrders' ? { maxratecount: this.maxRateCount(), name } : { name };
    this.out.send(
      s.conn,
      withReqid(
        { channelName: name, event: 'subscriptionStatus', status: 'subscribed', subscription },
        reqid,
      ),
    );
    const venue = this.o.venue;
    const snapshot = sb['snapshot'] !== false;
    const pairs = venue.market.pairs;
    const frame =
      name === 'ownTrades'
        ? s.subscribeOwnTrades(snapshot ? venue.trades(a.apiKey).slice(-OWN_TRADES_SNAPSHOT) : null, pairs)
        : s.subscribeOpenOrders(snapshot ? venue.openOrders(a.apiKey) : null, pairs);
    if (frame !== null) this.out.send(s.conn, frame);
  }

  private orderStatusError(error: string, reqid: number | undefined, clOrdId?: string): string {
    this.ordersRejected++;
    const obj: Record<string, unknown> = { errorMessage: error, event: 'addOrderStatus', status: 'error' };
    if (clOrdId !== undefined) obj['cl_ord_id'] = clOrdId;
    return withReqid(obj, reqid);
  }

  private onAddOrder(
    s: V1PrivateSession,
    msg: Record<string, unknown>,
    reqid: number | undefined,
    arrivedNs: bigint,
  ): void {
    this.ordersReceived++;
    const a = this.auth(s, msg['token']);
    if ('error' in a) return this.sendAck(s, this.orderStatusError(a.error, reqid));
    const parsed = parseAddOrder(msg);
    if (!parsed.ok) return this.sendAck(s, this.orderStatusError(parsed.error, reqid));
    const market = this.o.venue.market;
    const pairIndex = market.pairIndex(parsed.req.pair);
    // v1 names pairs by their wsname (`XBT/USD`); REST ids, altnames and v2 symbols are refused,
    // as live Kraken does (docs/kraken-protocol.md).
    if (pairIndex < 0 || market.pairs[pairIndex]?.wsname !== parsed.req.pair)
      return this.sendAck(s, this.orderStatusError(UNKNOWN_PAIR, reqid, parsed.clOrdId));
    this.o.timing?.orderArrived(pairIndex, parsed.req.type, timingPrice(parsed.req), arrivedNs);
    const clOrdId = parsed.clOrdId;
    this.submitOrder(
      s,
      a.apiKey,
      (error) => this.orderStatusError(error, reqid, clOrdId),
      () => {
        const r = this.o.venue.addOrder(a.apiKey, parsed.req);
        if (!r.ok) return this.orderStatusError(r.error, reqid, clOrdId);
        const obj: Record<string, unknown> = { descr: r.value.descr, event: 'addOrderStatus', status: 'ok' };
        if (r.value.txid !== '') obj['txid'] = r.value.txid;
        if (clOrdId !== undefined) obj['cl_ord_id'] = clOrdId;
        return withReqid(obj, reqid);
      },
    );
  }

  private onCancelOrder(s: V1PrivateSession, msg: Record<string, unknown>, reqid: number | undefined): void {
    const fail = (error: string): void => {
      this.badInput++;
      this.out.send(
        s.conn,
        withReqid({ errorMessage: error, event: 'cancelOrderStatus', status: 'error' }, reqid),
      );
    };
    const a = this.auth(s, msg['token']);
    if ('error' in a) return fail(a.error);
    const refs: string[] = [];
    for (const field of ['txid', 'cl_ord_id']) {
      const v = msg[field];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === ''))
        return fail(`EGeneral:Invalid arguments:${field}`);
      refs.push(...(v as string[]));
    }
    if (refs.length === 0) return fail('EGeneral:Invalid arguments:txid');
    for (const ref of refs) {
      const r = this.o.venue.cancelOrder(a.apiKey, ref);
      // Kraken: an error means the remaining ids were not cancelled (docs/kraken-protocol.md §2.3).
      if (!r.ok) return fail(r.error);
      this.out.send(s.conn, withReqid({ event: 'cancelOrderStatus', status: 'ok' }, reqid));
    }
  }

  private onCancelAll(s: V1PrivateSession, msg: Record<string, unknown>, reqid: number | undefined): void {
    const a = this.auth(s, msg['token']);
    if ('error' in a) {
      this.badInput++;
      this.out.send(
        s.conn,
        withReqid({ errorMessage: a.error, event: 'cancelAllStatus', status: 'error' }, reqid),
      );
      return;
    }
    let count = 0;
    for (const o of [...this.o.venue.openOrders(a.apiKey)]) {
      const r = this.o.venue.cancelOrder(a.apiKey, o.txid);
      if (r.ok) count += r.value.count;
    }
    this.out.send(s.conn, withReqid({ count, event: 'cancelAllStatus', status: 'ok' }, reqid));
  }
}
