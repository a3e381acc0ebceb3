/**
 * WS API v2 private endpoint (kraken-api.md §3.8, §3.9): `params.token` checked on every message,
 * add_order / batch_add / cancel_order / cancel_all, the executions channel, ping/pong, heartbeats,
 * status, and the order faults (rejectNextOrder, delayNextOrderMs, ackDelayMs, expireTokens).
 *
 * Frame order for an order, the same choice as v1 (src/sim/ws/v1-private-server.ts): the order's
 * executions `pending_new` and `new` reports, then the add_order ack, then its `trade` reports and
 * the final `filled` / `canceled`. The venue settles an order in one synchronous call; its events
 * are captured during the call and written in that order afterwards. With `ackDelayMs` the ack and
 * everything after it on the sending connection wait together (nothing reordered or lost).
 * cancel_order / cancel_all: the `canceled` reports come first, then the ack (as v1).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SimFaults, SimVenue, SystemStatus, VenueEvent } from '../contracts.js';
import type { TimingRegistry } from '../timing.js';
import { newConnectionId, parseRequest } from '../ws/v1-messages.js';
import { WsConn, WsOutput } from '../ws/ws-output.js';
import { ExecReporter, V2PrivateSession, type ExecItem } from './v2-executions.js';
import { placeBatch, placeOrder, type PlaceContext } from './v2-private-orders.js';
import {
  V2_ERRORS,
  V2_HEARTBEAT_FRAME,
  ackError,
  ackOk,
  nowEpochSec,
  paramsOf,
  pongFrame,
  reqIdOf,
  rfc3339,
  statusFrame,
} from './v2-wire.js';
import { cancelAll, cancelOrders } from './v2-private-cancel.js';

const PUBLIC_CHANNELS = new Set(['ticker', 'book', 'instrument', 'trade', 'ohlc', 'status', 'heartbeat']);
/** Kraken sends at most the last 50 fills in the executions snapshot (§3.9). */
const SNAPSHOT_TRADES = 50;
/** maxratecount when the venue does not expose its trading limits. */
const DEFAULT_MAX_RATE_COUNT = 125;

export interface V2PrivateServerOptions {
  venue: SimVenue;
  faults: SimFaults;
  timing?: TimingRegistry;
  maxBufferedBytes?: number;
}

export class V2PrivateServer implements PlaceContext {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  readonly out: WsOutput;
  readonly sessions = new Set<V2PrivateSession>();
  readonly reporter: ExecReporter;
  private readonly byKey = new Map<string, Set<V2PrivateSession>>();
  private captured: { apiKey: string; events: VenueEvent[] } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly offEvent: () => void;
  badInput = 0;
  connectionsTotal = 0;
  ordersReceived = 0;
  /** add_order / batch_add error acks sent (token, shape, fault or venue rejections). */
  ordersRejected = 0;
  private nextConnId = 1;

  constructor(readonly o: V2PrivateServerOptions) {
    this.out = new WsOutput({ maxBufferedBytes: o.maxBufferedBytes });
    this.reporter = new ExecReporter(o.venue.market.pairs);
    this.offEvent = o.venue.onEvent((ev) => this.onVenueEvent(ev));
  }

  get subscriptions(): number {
    let n = 0;
    for (const s of this.sessions) if (s.subscribed) n++;
    return n;
  }

  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  };

  private onConnection(ws: WebSocket): void {
    const s = new V2PrivateSession(new WsConn(ws, this.nextConnId++), newConnectionId());
    this.sessions.add(s);
    this.connectionsTotal++;
    ws.on('message', (data, isBinary) => this.onMessage(s, data, isBinary, process.hrtime.bigint()));
    ws.on('close', () => {
      this.sessions.delete(s);
      this.unbind(s);
    });
    ws.on('error', () => {
      // 'close' follows and cleans up; the error itself is the peer's fault.
      this.badInput++;
    });
    this.out.send(s.conn, statusFrame(s.connectionId, this.o.venue.systemStatus()));
  }

  announceStatus(status: SystemStatus): void {
    for (const s of this.sessions) this.out.send(s.conn, statusFrame(s.connectionId, status));
  }

  heartbeat(): void {
    for (const s of this.sessions) {
      if (s.conn.subCount > 0 && !s.conn.sentSinceTick && s.conn.held.length === 0)
        this.out.send(s.conn, V2_HEARTBEAT_FRAME);
      s.conn.sentSinceTick = false;
    }
  }

  dropAll(): void {
    for (const s of this.sessions) s.conn.ws.terminate();
  }

  // ---- PlaceContext: what the order and cancel handlers use.

  /** Runs `fn` with the venue events of `apiKey` captured; returns the prepared reports in order. */
  capture(apiKey: string, fn: () => void): ExecItem[] {
    const cap = { apiKey, events: [] as VenueEvent[] };
    this.captured = cap;
    try {
      fn();
    } finally {
      this.captured = null;
    }
    const items: ExecItem[] = [];
    for (const ev of cap.events) items.push(...this.reporter.prepare(ev));
    items.push(...this.reporter.flush());
    return items;
  }

  deliver(item: ExecItem): void {
    const set = this.byKey.get(item.apiKey);
    if (set === undefined) return;
    for (const s of set) {
      const frame = s.frameFor(item);
      if (frame !== null) this.out.send(s.conn, frame);
    }
  }

  /** Writes an add_order / batch_add ack, held for `faults.ackDelayMs` together with what follows it. */
  sendAck(s: V2PrivateSession, frame: string): void {
    const delayMs = this.o.faults.ackDelayMs;
    if (!(delayMs > 0)) {
      this.out.send(s.conn, frame);
      return;
    }
    const release = this.out.hold(s.conn, frame);
    this.later(delayMs, release);
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  // ---- internals

  private onVenueEvent(ev: VenueEvent): void {
    if (this.captured !== null && this.captured.apiKey === ev.apiKey) {
      this.captured.events.push(ev);
      return;
    }
    if (!this.byKey.has(ev.apiKey)) return;
    for (const item of this.reporter.prepare(ev)) this.deliver(item);
    // Outside a capture, the venue emits a whole order's events in one synchronous burst: a trade's
    // order delta always follows it, so nothing is left pending once the burst is over.
    queueMicrotask(() => {
      for (const item of this.reporter.flush()) this.deliver(item);
    });
  }

  private bind(s: V2PrivateSession, apiKey: string): void {
    let set = this.byKey.get(apiKey);
    if (set === undefined) this.byKey.set(apiKey, (set = new Set()));
    set.add(s);
  }

  private unbind(s: V2PrivateSession): void {
    if (s.apiKey === null) return;
    const set = this.byKey.get(s.apiKey);
    set?.delete(s);
    if (set?.size === 0) this.byKey.delete(s.apiKey);
  }

  /** Token → api key; the token of this connection's live subscription stays valid on it (as v1). */
  auth(s: V2PrivateSession, params: Record<string, unknown> | null): { apiKey: string } | { error: string } {
    const token = params?.['token'];
    if (typeof token !== 'string' || token === '') return { error: V2_ERRORS.tokenMissing };
    if (s.pinnedToken === token && s.apiKey !== null && s.subscribed) return { apiKey: s.apiKey };
    const apiKey = this.o.venue.apiKeyForToken(token);
    return apiKey === undefined ? { error: V2_ERRORS.tokenInvalid } : { apiKey };
  }

  private onMessage(s: V2PrivateSession, data: RawData, isBinary: boolean, arrivedNs: bigint): void {
    const timeIn = rfc3339(nowEpochSec());
    const msg = isBinary ? null : parseRequest(data);
    if (msg === null) {
      this.badInput++;
      this.out.send(s.conn, ackError(undefined, V2_ERRORS.malformed, undefined, timeIn));
      return;
    }
    const reqId = reqIdOf(msg);
    const method = msg['method'];
    switch (method) {
      case 'ping':
        this.out.send(s.conn, pongFrame(reqId, timeIn));
        return;
      case 'subscribe':
      case 'unsubscribe':
        return this.onSubscription(s, msg, method, reqId, timeIn);
      case 'add_order':
        return placeOrder(this, s, msg, reqId, timeIn, arrivedNs);
      case 'batch_add':
        return placeBatch(this, s, msg, reqId, timeIn, arrivedNs);
      case 'cancel_order':
        return cancelOrders(this, s, msg, reqId, timeIn);
      case 'cancel_all':
        return cancelAll(this, s, msg, reqId, timeIn);
      default:
        this.badInput++;
        this.out.send(
          s.conn,
          ackError(typeof method === 'string' ? method : undefined, V2_ERRORS.methodNotFound, reqId, timeIn),
        );
    }
  }

  private onSubscription(
    s: V2PrivateSession,
    msg: Record<string, unknown>,
    method: 'subscribe' | 'unsubscribe',
    reqId: number | undefined,
    timeIn: string,
  ): void {
    const fail = (error: string): void => {
      this.badInput++;
      this.out.send(s.conn, ackError(method, error, reqId, timeIn));
    };
    const params = paramsOf(msg);
    if (params === null) return fail(V2_ERRORS.params);
    const channel = params['channel'];
    if (typeof channel === 'string' && PUBLIC_CHANNELS.has(channel)) return fail(V2_ERRORS.publicOnPrivate);
    if (channel !== 'executions') return fail(V2_ERRORS.channel);
    const a = this.auth(s, params);
    if ('error' in a) return fail(a.error);
    if (s.apiKey !== null && s.apiKey !== a.apiKey && s.subscribed) return fail(V2_ERRORS.tokenInvalid);
    if (method === 'unsubscribe') {
      if (!s.subscribed) return fail(V2_ERRORS.subscriptionNotFound);
      s.unsubscribe();
      this.out.send(s.conn, ackOk(method, { channel }, reqId, timeIn));
      return;
    }
    if (s.subscribed) return fail(V2_ERRORS.alreadySubscribed);
    const flags: Record<string, boolean> = { snap_orders: true, snap_trades: false, order_status: true };
    for (const k of Object.keys(flags)) {
      const v = params[k];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') return fail(`EGeneral:Invalid arguments:${k}`);
      flags[k] = v;
    }
    if (s.apiKey !== a.apiKey) {
      this.unbind(s);
      s.apiKey = a.apiKey;
      this.bind(s, a.apiKey);
    }
    s.pinnedToken = params['token'] as string;
    const venue = this.o.venue;
    const limits = (venue as Partial<{ tradingLimits: { threshold: number } }>).tradingLimits;
    const snapshot = flags['snap_orders'] === true || flags['snap_trades'] === true;
    const result = { channel, maxratecount: limits?.threshold ?? DEFAULT_MAX_RATE_COUNT, snapshot };
    this.out.send(s.conn, ackOk(method, result, reqId, timeIn));
    let items: string[] | null = null;
    if (snapshot) {
      items = [];
      if (flags['snap_trades'] === true)
        for (const t of venue.trades(a.apiKey).slice(-SNAPSHOT_TRADES))
          items.push(this.reporter.snapshotTrade(t));
      if (flags['snap_orders'] === true)
        for (const o of venue.openOrders(a.apiKey)) items.push(this.reporter.snapshotOrder(o));
    }
    const frame = s.subscribe(flags['order_status'] === true, items);
    if (frame !== null) this.out.send(s.conn, frame);
  }

  async close(): Promise<void> {
    this.offEvent();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sessions) s.conn.ws.terminate();
    this.sessions.clear();
    this.byKey.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
