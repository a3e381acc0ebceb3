/**
 * WS API v1 private endpoint (kraken-api.md §2): token on every message, ownTrades and openOrders
 * with per-subscription sequences, addOrder / cancelOrder / cancelAll, ping/pong, heartbeats, faults.
 *
 * Frame order for an order (Kraken's usual order, §2.5): the openOrders `pending` (full object) and
 * `open` messages, then `addOrderStatus`, then ownTrades fills and the openOrders fill/close deltas.
 * The venue settles an order in one synchronous call, so its events are captured during the call and
 * written in that order afterwards; with `ackDelayMs` the ack and everything after it on the sending
 * connection wait together, so nothing is reordered or lost.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SimFaults, SimVenue, SystemStatus } from '../contracts.js';
import type { TimingRegistry } from '../timing.js';
import {
  HEARTBEAT_FRAME,
  V1_ERRORS,
  echoSubscription,
  errorFrame,
  newConnectionId,
  parseRequest,
  pongFrame,
  reqidOf,
  systemStatusFrame,
  withReqid,
  type V1Request,
  MAX_REQUEST_BYTES,
} from './v1-messages.js';
import { parseAddOrder, timingPrice } from './v1-order-request.js';
import { WsConn, WsOutput } from './ws-output.js';
import { V1PrivateEvents } from './v1-private-events.js';
import { V1PrivateSession, type PreparedEvent } from './v1-private-session.js';

const PUBLIC_CHANNELS = new Set(['spread', 'ticker', 'book', 'ohlc', 'trade', '*']);
/** Kraken sends the last 50 trades as the ownTrades snapshot (§2.4). */
const OWN_TRADES_SNAPSHOT = 50;

export interface V1PrivateServerOptions {
  venue: SimVenue;
  faults: SimFaults;
  timing?: TimingRegistry;
  maxBufferedBytes?: number;
}

export class V1PrivateServer {
  readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: MAX_REQUEST_BYTES,
  });
  readonly out: WsOutput;
  readonly sessions = new Set<V1PrivateSession>();
  private readonly events: V1PrivateEvents;
  private readonly timers = new Set<NodeJS.Timeout>();
  badInput = 0;
  connectionsTotal = 0;
  ordersReceived = 0;
  /** addOrderStatus errors sent (token, shape, fault or venue rejections). */
  ordersRejected = 0;
  private nextConnId = 1;

  constructor(private readonly o: V1PrivateServerOptions) {
    this.out = new WsOutput({ maxBufferedBytes: o.maxBufferedBytes });
    this.events = new V1PrivateEvents(o.venue, this.out);
  }

  get subscriptions(): number {
    let n = 0;
    for (const s of this.sessions) n += s.conn.subCount;
    return n;
  }

  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  };

  private onConnection(ws: WebSocket): void {
    const s = new V1PrivateSession(new WsConn(ws, this.nextConnId++), newConnectionId());
    this.sessions.add(s);
    this.connectionsTotal++;
    ws.on('message', (data, isBinary) => this.onMessage(s, data, isBinary, process.hrtime.bigint()));
    ws.on('close', () => {
      this.sessions.delete(s);
      this.events.unbind(s);
    });
    ws.on('error', () => {
      // 'close' follows and cleans up; the error itself is the peer's fault.
      this.badInput++;
    });
    this.out.send(s.conn, systemStatusFrame(s.connectionId, this.o.venue.systemStatus()));
  }

  announceStatus(status: SystemStatus): void {
    for (const s of this.sessions) this.out.send(s.conn, systemStatusFrame(s.connectionId, status));
  }

  heartbeat(): void {
    for (const s of this.sessions) {
      if (s.conn.subCount > 0 && !s.conn.sentSinceTick && s.conn.held.length === 0)
        this.out.send(s.conn, HEARTBEAT_FRAME);
      s.conn.sentSinceTick = false;
    }
  }

  dropAll(): void {
    for (const s of this.sessions) s.conn.ws.terminate();
  }

  /** Token → api key, honouring the connection's established subscription (§2.1: it keeps the token alive). */
  private auth(s: V1PrivateSession, token: unknown): { apiKey: string } | { error: string } {
    if (typeof token !== 'string' || token === '') return { error: V1_ERRORS.tokenMissing };
    if (s.pinnedToken === token && s.apiKey !== null && s.conn.subCount > 0) return { apiKey: s.apiKey };
    const apiKey = this.o.venue.apiKeyForToken(token);
    return apiKey === undefined ? { error: V1_ERRORS.tokenInvalid } : { apiKey };
  }

  private onMessage(s: V1PrivateSession, data: RawData, isBinary: boolean, arrivedNs: bigint): void {
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
    const obj: Record<string, unknown> = {
      errorMessage: message,
      event: 'subscriptionStatus',
      status: 'error',
      subscription: echoSubscription(sub),
    };
    this.out.send(s.conn, withReqid(obj, reqid));
  }

  private onSubscription(
    s: V1PrivateSession,
    msg: V1Request,
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
    const a = this.auth(s, sb['token']);
    if ('error' in a) return this.subError(s, a.error, sub, reqid);
    if (s.apiKey !== null && s.apiKey !== a.apiKey && s.conn.subCount > 0)
      return this.subError(s, V1_ERRORS.tokenInvalid, sub, reqid);
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
    if (s.apiKey !== a.apiKey) {
      this.events.unbind(s);
      s.apiKey = a.apiKey;
      this.events.bind(s, a.apiKey);
    }
    s.pinnedToken = sb['token'] as string;
    this.out.send(
      s.conn,
      withReqid(
        { channelName: name, event: 'subscriptionStatus', status: 'subscribed', subscription: { name } },
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

  private sendAck(s: V1PrivateSession, frame: string): void {
    const delayMs = this.o.faults.ackDelayMs;
    if (!(delayMs > 0)) {
      this.out.send(s.conn, frame);
      return;
    }
    const release = this.out.hold(s.conn, frame);
    this.later(delayMs, release);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onAddOrder(
    s: V1PrivateSession,
    msg: V1Request,
    reqid: number | undefined,
    arrivedNs: bigint,
  ): void {
    this.ordersReceived++;
    const a = this.auth(s, msg['token']);
    if ('error' in a) return this.sendAck(s, this.orderStatusError(a.error, reqid));
    const parsed = parseAddOrder(msg);
    if (!parsed.ok) return this.sendAck(s, this.orderStatusError(parsed.error, reqid));
    const pairIndex = this.o.venue.market.pairIndex(parsed.req.pair);
    if (pairIndex >= 0)
      this.o.timing?.orderArrived(pairIndex, parsed.req.type, timingPrice(parsed.req), arrivedNs);
    const delayMs = takeDelay(this.o.faults);
    if (delayMs > 0)
      this.later(delayMs, () => this.execOrder(s, a.apiKey, parsed.req, reqid, parsed.clOrdId));
    else this.execOrder(s, a.apiKey, parsed.req, reqid, parsed.clOrdId);
  }

  private execOrder(
    s: V1PrivateSession,
    apiKey: string,
    req: Parameters<SimVenue['addOrder']>[1],
    reqid: number | undefined,
    clOrdId: string | undefined,
  ): void {
    const reject = takeReject(this.o.faults);
    if (reject !== null) return this.sendAck(s, this.orderStatusError(reject, reqid, clOrdId));
    let ack: string;
    let events: PreparedEvent[] = [];
    try {
      const placed = this.events.capture(apiKey, () => this.o.venue.addOrder(apiKey, req));
      events = placed.events;
      const r = placed.result;
      if (r.ok) {
        const obj: Record<string, unknown> = { descr: r.value.descr, event: 'addOrderStatus', status: 'ok' };
        if (r.value.txid !== '') obj['txid'] = r.value.txid;
        if (clOrdId !== undefined) obj['cl_ord_id'] = clOrdId;
        ack = withReqid(obj, reqid);
      } else {
        ack = this.orderStatusError(r.error, reqid, clOrdId);
      }
    } catch (err) {
      // A venue bug must not kill the socket; the client gets Kraken's generic internal error.
      console.error('sim ws v1: venue.addOrder threw', err instanceof Error ? err.message : err);
      ack = this.orderStatusError('EGeneral:Internal error', reqid, clOrdId);
    }
    // Leading pending/open messages go first, then the ack, then fills and closes.
    let i = 0;
    while (i < events.length && (events[i] as PreparedEvent).beforeAck)
      this.events.deliver(events[i++] as PreparedEvent);
    this.sendAck(s, ack);
    for (; i < events.length; i++) this.events.deliver(events[i] as PreparedEvent);
  }

  private onCancelOrder(s: V1PrivateSession, msg: V1Request, reqid: number | undefined): void {
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
      // Kraken: an error means the remaining ids were not cancelled (§2.3).
      if (!r.ok) return fail(r.error);
      this.out.send(s.conn, withReqid({ event: 'cancelOrderStatus', status: 'ok' }, reqid));
    }
  }

  private onCancelAll(s: V1PrivateSession, msg: V1Request, reqid: number | undefined): void {
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

  async close(): Promise<void> {
    this.events.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sessions) s.conn.ws.terminate();
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** Uses the faults' take helpers when present (src/sim/faults.ts), else reads and clears the field. */
function takeDelay(f: SimFaults): number {
  const t = (f as Partial<{ takeDelayNextOrderMs(): number }>).takeDelayNextOrderMs;
  if (typeof t === 'function') return t.call(f);
  const ms = f.delayNextOrderMs;
  f.delayNextOrderMs = 0;
  return ms;
}

function takeReject(f: SimFaults): string | null {
  const t = (f as Partial<{ takeRejectNextOrder(): string | null }>).takeRejectNextOrder;
  if (typeof t === 'function') return t.call(f);
  const e = f.rejectNextOrder;
  f.rejectNextOrder = null;
  return e;
}
