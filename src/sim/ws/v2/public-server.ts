/**
 * WS API v2 public endpoint (docs/kraken-protocol.md §3.2–§3.7): `status` on connect and on every status
 * change, ping/pong, heartbeats on idle subscribed connections, subscribe/unsubscribe with ONE ack
 * per symbol (v2 symbols only: a v1 wsname such as `XBT/USD` is `Currency pair not supported`),
 * the instrument, ticker and book channels, and the fault effects (drop, stall, garbage frames).
 */
import type { RawData } from 'ws';
import type { WsConn } from '../shared/ws-output.js';
import { WsPublicServer, type PublicServerDeps } from '../shared/ws-public-server.js';
import { instrumentSnapshotFrame } from './instrument.js';
import { V2PublicFeed, type V2TickerTrigger } from './public-feed.js';
import { parsePublicSubscription } from './subscribe-request.js';
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
} from './wire.js';
import { parseRequest } from '../shared/request.js';

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
  readonly conn: WsConn;
  readonly connectionId: string;
  readonly tickers: Map<number, V2TickerTrigger>;
  readonly books: Map<number, number>;
  instrument: boolean;
}

export class V2PublicServer extends WsPublicServer<ConnState> {
  readonly feed: V2PublicFeed;
  private instrumentFrame: string | null = null;

  constructor(private readonly o: PublicServerDeps) {
    super({ ...o, heartbeatFrame: V2_HEARTBEAT_FRAME, statusFrame, garbageFrames: GARBAGE_FRAMES });
    this.feed = new V2PublicFeed(o.market, this.out, () => this.stalled());
  }

  protected openSession(conn: WsConn, connectionId: string): ConnState {
    return { conn, connectionId, tickers: new Map(), books: new Map(), instrument: false };
  }

  protected override onSessionClosed(st: ConnState): void {
    for (const [pi, trigger] of st.tickers) this.feed.removeTicker(st.conn, pi, trigger);
    for (const [pi, depth] of st.books) this.feed.removeBook(st.conn, pi, depth);
    if (st.instrument) this.feed.subscriptions--;
  }

  /** The 1 s tick: ticker `trades` refresh, then heartbeats for subscribed connections that got nothing. */
  override tick(): void {
    if (this.stalled()) return;
    this.feed.refreshTrades();
    this.heartbeat();
  }

  protected onMessage(st: ConnState, data: RawData, isBinary: boolean): void {
    const conn = st.conn;
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
}
