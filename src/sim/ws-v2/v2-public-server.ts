/**
 * WS API v2 public endpoint (kraken-api.md §3.2–§3.7): `status` on connect and on every status
 * change, ping/pong, heartbeats on idle subscribed connections, subscribe/unsubscribe with ONE ack
 * per symbol (v2 symbols only: a v1 wsname such as `XBT/USD` is `Currency pair not supported`),
 * the instrument, ticker and book channels, and the fault effects (drop, stall, garbage frames).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SimFaults, SimMarket, SystemStatus } from '../contracts.js';
import { newConnectionId, parseRequest } from '../ws/v1-messages.js';
import { WsConn, WsOutput } from '../ws/ws-output.js';
import { instrumentSnapshotFrame } from './v2-instrument.js';
import { V2PublicFeed, type V2TickerTrigger } from './v2-public-feed.js';
import { parsePublicSubscription } from './v2-subscribe-request.js';
import {
  V2_ERRORS,
  V2_HEARTBEAT_FRAME,
  ackError,
  ackOk,
  nowEpochSec,
  pairNotSupported,
  paramsOf,
  pongFrame,
  reqIdOf,
  rfc3339,
  statusFrame,
} from './v2-wire.js';

const PRIVATE_METHODS = new Set([
  'add_order',
  'batch_add',
  'cancel_order',
  'cancel_all',
  'cancel_after',
  'amend_order',
  'edit_order',
  'batch_cancel',
]);

/** Malformed frames sent by the garbage fault: cut JSON, wrong shapes, not JSON at all. */
const GARBAGE_FRAMES = [
  '{"channel":"book","type":"update","data":[{"symbol":"BT',
  '{"channel":',
  'not json at all',
  '{"channel":"ticker","type":"update","data":{"bid":"x"}}',
  '\u0000\u0001\u0002',
];

/** One request being answered. */
interface Req {
  readonly conn: WsConn;
  readonly st: ConnState;
  readonly method: 'subscribe' | 'unsubscribe';
  readonly reqId: number | undefined;
  readonly timeIn: string;
}

/** One connection's subscriptions: pair index → ticker trigger / book depth. */
interface ConnState {
  readonly connectionId: string;
  readonly tickers: Map<number, V2TickerTrigger>;
  readonly books: Map<number, number>;
  instrument: boolean;
}

export interface V2PublicServerOptions {
  market: SimMarket;
  faults: SimFaults;
  systemStatus: () => SystemStatus;
  /** Returns and clears the number of garbage frames to inject now (this server's share of the fault). */
  takeGarbageFrames: () => number;
  /** Monotonic ms clock that `faults.stallUntilMs` is expressed in. */
  nowMs: () => number;
  maxBufferedBytes?: number;
  onDislocationFrameWritten?: (id: number, ns: bigint) => void;
}

export class V2PublicServer {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  readonly out: WsOutput;
  readonly feed: V2PublicFeed;
  readonly conns = new Map<WsConn, ConnState>();
  badInput = 0;
  garbageSent = 0;
  connectionsTotal = 0;
  private nextConnId = 1;
  private instrumentFrame: string | null = null;

  constructor(private readonly o: V2PublicServerOptions) {
    this.out = new WsOutput({
      maxBufferedBytes: o.maxBufferedBytes,
      onDislocationFrameWritten: o.onDislocationFrameWritten,
    });
    this.feed = new V2PublicFeed(o.market, this.out, () => this.stalled());
  }

  stalled(): boolean {
    return this.o.faults.stallUntilMs > 0 && this.o.nowMs() < this.o.faults.stallUntilMs;
  }

  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  };

  private onConnection(ws: WebSocket): void {
    const conn = new WsConn(ws, this.nextConnId++);
    const st: ConnState = {
      connectionId: newConnectionId(),
      tickers: new Map(),
      books: new Map(),
      instrument: false,
    };
    this.conns.set(conn, st);
    this.connectionsTotal++;
    ws.on('message', (data, isBinary) => this.onMessage(conn, st, data, isBinary));
    ws.on('close', () => {
      this.conns.delete(conn);
      for (const [pi, trigger] of st.tickers) this.feed.removeTicker(conn, pi, trigger);
      for (const [pi, depth] of st.books) this.feed.removeBook(conn, pi, depth);
      if (st.instrument) this.feed.subscriptions--;
    });
    ws.on('error', () => {
      // 'close' follows and cleans up; the error itself is the peer's fault.
      this.badInput++;
    });
    this.out.send(conn, statusFrame(st.connectionId, this.o.systemStatus()));
  }

  announceStatus(status: SystemStatus): void {
    for (const [c, st] of this.conns) this.out.send(c, statusFrame(st.connectionId, status));
  }

  /** The 1 s tick: ticker `trades` refresh, then heartbeats for subscribed connections that got nothing. */
  tick(): void {
    if (this.stalled()) return;
    this.feed.refreshTrades();
    for (const c of this.conns.keys()) {
      if (c.subCount > 0 && !c.sentSinceTick) this.out.send(c, V2_HEARTBEAT_FRAME);
      c.sentSinceTick = false;
    }
  }

  /** Sends the garbage frames the fault asked for to every connection. */
  injectGarbageIfAsked(): void {
    const n = this.o.takeGarbageFrames();
    if (!(n > 0)) return;
    for (const c of this.conns.keys()) {
      for (let i = 0; i < n; i++) {
        if (this.out.send(c, GARBAGE_FRAMES[i % GARBAGE_FRAMES.length] as string)) this.garbageSent++;
      }
    }
  }

  dropAll(): void {
    for (const c of this.conns.keys()) c.ws.terminate();
  }

  private onMessage(conn: WsConn, st: ConnState, data: RawData, isBinary: boolean): void {
    const timeIn = rfc3339(nowEpochSec());
    const msg = isBinary ? null : parseRequest(data);
    if (msg === null) {
      this.badInput++;
      this.out.send(conn, ackError(undefined, V2_ERRORS.malformed, undefined, timeIn));
      return;
    }
    const reqId = reqIdOf(msg);
    const method = msg['method'];
    if (method === 'ping') {
      this.out.send(conn, pongFrame(reqId, timeIn));
    } else if (method === 'subscribe' || method === 'unsubscribe') {
      this.onSubscription(conn, st, msg, method, reqId, timeIn);
    } else {
      this.badInput++;
      const m = typeof method === 'string' ? method : undefined;
      const err =
        m !== undefined && PRIVATE_METHODS.has(m) ? V2_ERRORS.privateOnPublic : V2_ERRORS.methodNotFound;
      this.out.send(conn, ackError(m, err, reqId, timeIn));
    }
  }

  private fail(r: Req, error: string, extra?: Record<string, unknown>): void {
    this.badInput++;
    this.out.send(r.conn, ackError(r.method, error, r.reqId, r.timeIn, extra));
  }

  private onSubscription(
    conn: WsConn,
    st: ConnState,
    msg: Record<string, unknown>,
    method: 'subscribe' | 'unsubscribe',
    reqId: number | undefined,
    timeIn: string,
  ): void {
    const r: Req = { conn, st, method, reqId, timeIn };
    const sub = parsePublicSubscription(paramsOf(msg));
    if ('error' in sub) return this.fail(r, sub.error);
    if (sub.channel === 'instrument') return this.onInstrument(r, sub.snapshot);
    for (const symbol of sub.symbols) {
      const idx = this.o.market.pairIndex(symbol);
      // v2 names only: the v1 wsname, REST id or altname of a known pair is still "not supported".
      if (idx < 0 || this.o.market.pairs[idx]?.symbol !== symbol) {
        this.fail(r, pairNotSupported(symbol), { symbol });
        continue;
      }
      if (sub.channel === 'ticker') this.tickerSymbol(r, idx, symbol, sub.trigger, sub.snapshot);
      else this.bookSymbol(r, idx, symbol, sub.depth, sub.snapshot);
    }
  }

  private tickerSymbol(
    r: Req,
    idx: number,
    symbol: string,
    trigger: V2TickerTrigger,
    snapshot: boolean,
  ): void {
    const current = r.st.tickers.get(idx);
    if (r.method === 'subscribe') {
      if (current !== undefined) return this.fail(r, V2_ERRORS.alreadySubscribed, { symbol });
      r.st.tickers.set(idx, trigger);
      // The ack goes first, then the snapshot, as Kraken orders them.
      const result = { channel: 'ticker', event_trigger: trigger, snapshot, symbol };
      this.out.send(r.conn, ackOk(r.method, result, r.reqId, r.timeIn));
      this.feed.addTicker(r.conn, idx, trigger, snapshot);
      return;
    }
    if (current === undefined) return this.fail(r, V2_ERRORS.subscriptionNotFound, { symbol });
    r.st.tickers.delete(idx);
    this.feed.removeTicker(r.conn, idx, current);
    const result = { channel: 'ticker', event_trigger: current, symbol };
    this.out.send(r.conn, ackOk(r.method, result, r.reqId, r.timeIn));
  }

  /** One book subscription per pair and connection; unsubscribe removes it whatever depth it names. */
  private bookSymbol(r: Req, idx: number, symbol: string, depth: number, snapshot: boolean): void {
    const current = r.st.books.get(idx);
    if (r.method === 'subscribe') {
      if (current !== undefined) return this.fail(r, V2_ERRORS.alreadySubscribed, { symbol });
      r.st.books.set(idx, depth);
      const result = { channel: 'book', depth, snapshot, symbol };
      this.out.send(r.conn, ackOk(r.method, result, r.reqId, r.timeIn));
      this.feed.addBook(r.conn, idx, depth, snapshot);
      return;
    }
    if (current === undefined) return this.fail(r, V2_ERRORS.subscriptionNotFound, { symbol });
    r.st.books.delete(idx);
    this.feed.removeBook(r.conn, idx, current);
    this.out.send(r.conn, ackOk(r.method, { channel: 'book', depth: current, symbol }, r.reqId, r.timeIn));
  }

  private onInstrument(r: Req, snapshot: boolean): void {
    if (r.method === 'unsubscribe') {
      if (!r.st.instrument) return this.fail(r, V2_ERRORS.subscriptionNotFound);
      r.st.instrument = false;
      r.conn.subCount--;
      this.feed.subscriptions--;
      this.out.send(r.conn, ackOk(r.method, { channel: 'instrument' }, r.reqId, r.timeIn));
      return;
    }
    if (r.st.instrument) return this.fail(r, V2_ERRORS.alreadySubscribed);
    r.st.instrument = true;
    r.conn.subCount++;
    this.feed.subscriptions++;
    this.out.send(r.conn, ackOk(r.method, { channel: 'instrument', snapshot }, r.reqId, r.timeIn));
    if (snapshot)
      this.out.send(r.conn, (this.instrumentFrame ??= instrumentSnapshotFrame(this.o.market.pairs)));
  }

  async close(): Promise<void> {
    for (const c of this.conns.keys()) c.ws.terminate();
    this.conns.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
