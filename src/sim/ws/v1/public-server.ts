/**
 * WS API v1 public endpoint (docs/kraken-protocol.md §1): systemStatus on connect, subscribe/unsubscribe with
 * one subscriptionStatus per pair and Kraken's error strings, ping/pong, heartbeats on idle
 * subscribed connections, and the fault effects (drop, stall, garbage frames).
 */
import type { RawData } from 'ws';
import {
  HEARTBEAT_FRAME,
  V1_ERRORS,
  errorFrame,
  pairFormatError,
  pongFrame,
  reqidOf,
  subscriptionErrorFrame,
  systemStatusFrame,
} from './messages.js';
import type { WsConn } from '../shared/ws-output.js';
import {
  V1PublicFeed,
  V1_BOOK_DEPTHS,
  V1_DEFAULT_BOOK_DEPTH,
  type V1Channel,
  type V1PublicChannel,
} from './public-feed.js';
import { WsPublicServer, type PublicServerDeps } from '../shared/ws-public-server.js';
import type { WsSession } from '../shared/ws-server.js';
import { parseRequest, MAX_REQUEST_BYTES } from '../shared/request.js';

const PUBLIC_CHANNELS = new Set(['spread', 'ticker', 'book']);
const PRIVATE_CHANNELS = new Set(['ownTrades', 'openOrders']);
const PRIVATE_EVENTS = new Set(['addOrder', 'cancelOrder', 'cancelAll', 'cancelAllOrdersAfter', 'editOrder']);
/** Letters and digits on both sides of one slash, as every wsname is (`XBT/USD`, `1INCH/EUR`). */
const PAIR_FORMAT = /^[A-Z0-9]+\/[A-Z0-9]+$/;

/** Malformed frames sent by the garbage fault: cut JSON, wrong shapes, not JSON at all. */
const GARBAGE_FRAMES = [
  '[0,["5698.4","57',
  '{"event":"heartbeat"',
  'not json at all',
  '[null,{"a":[["x"]]},"book-10"]',
  '\u0000\u0001\u0002',
];

export class V1PublicServer extends WsPublicServer<WsSession> {
  readonly feed: V1PublicFeed;

  constructor(private readonly o: PublicServerDeps) {
    super({
      ...o,
      maxPayload: MAX_REQUEST_BYTES,
      heartbeatFrame: HEARTBEAT_FRAME,
      statusFrame: systemStatusFrame,
      garbageFrames: GARBAGE_FRAMES,
    });
    this.feed = new V1PublicFeed(o.market, this.out, () => this.stalled());
  }

  protected openSession(conn: WsConn, connectionId: string): WsSession {
    return { conn, connectionId };
  }

  protected override onSessionClosed(s: WsSession): void {
    this.feed.removeConn(s.conn);
  }

  protected onMessage({ conn }: WsSession, data: RawData, isBinary: boolean): void {
    const msg = isBinary ? null : parseRequest(data);
    if (msg === null) {
      this.badInput++;
      this.out.send(conn, errorFrame(V1_ERRORS.malformed, undefined));
      return;
    }
    const reqid = reqidOf(msg);
    const event = msg['event'];
    if (event === 'ping') {
      this.out.send(conn, pongFrame(reqid));
    } else if (event === 'subscribe' || event === 'unsubscribe') {
      this.onSubscription(conn, msg, event, reqid);
    } else if (typeof event === 'string' && PRIVATE_EVENTS.has(event)) {
      this.badInput++;
      this.out.send(conn, errorFrame(V1_ERRORS.privateOnPublic, reqid));
    } else {
      this.badInput++;
      this.out.send(conn, errorFrame(V1_ERRORS.eventNotFound, reqid));
    }
  }

  private statusError(
    conn: WsConn,
    message: string,
    sub: unknown,
    reqid: number | undefined,
    pair?: string,
  ): void {
    this.badInput++;
    this.out.send(conn, subscriptionErrorFrame(message, sub, reqid, pair));
  }

  private onSubscription(
    conn: WsConn,
    msg: Record<string, unknown>,
    event: 'subscribe' | 'unsubscribe',
    reqid: number | undefined,
  ): void {
    const sub = msg['subscription'];
    if (typeof sub !== 'object' || sub === null || Array.isArray(sub))
      return this.statusError(conn, V1_ERRORS.malformed, sub, reqid);
    const s = sub as Record<string, unknown>;
    const name = s['name'];
    if (typeof name !== 'string') return this.statusError(conn, V1_ERRORS.nameInvalid, sub, reqid);
    if (PRIVATE_CHANNELS.has(name)) return this.statusError(conn, V1_ERRORS.privateOnPublic, sub, reqid);
    if (!PUBLIC_CHANNELS.has(name)) return this.statusError(conn, V1_ERRORS.nameInvalid, sub, reqid);
    const kind = name as V1PublicChannel;
    const pairs = msg['pair'];
    if (!Array.isArray(pairs)) return this.statusError(conn, V1_ERRORS.pairNotArray, sub, reqid);
    if (pairs.length === 0) return this.statusError(conn, V1_ERRORS.pairNotFound, sub, reqid);
    const rawDepth = s['depth'];
    const depth = kind === 'book' ? (rawDepth === undefined ? V1_DEFAULT_BOOK_DEPTH : rawDepth) : 0;
    for (const p of pairs) {
      if (typeof p !== 'string' || !PAIR_FORMAT.test(p)) {
        this.statusError(conn, pairFormatError(String(p)), sub, reqid, typeof p === 'string' ? p : undefined);
        continue;
      }
      const idx = this.o.market.pairIndex(p);
      if (idx < 0 || this.o.market.pairs[idx]?.wsname !== p) {
        this.statusError(conn, V1_ERRORS.pairNotFound, sub, reqid, p);
        continue;
      }
      if (kind === 'book' && (typeof depth !== 'number' || !V1_BOOK_DEPTHS.includes(depth))) {
        this.statusError(conn, V1_ERRORS.depthNotSupported, sub, reqid, p);
        continue;
      }
      const d = depth as number;
      if (event === 'subscribe') {
        const ch = this.feed.subscribe(conn, idx, kind, d, (c) =>
          this.statusOk(conn, c, p, 'subscribed', kind, d, reqid),
        );
        if (ch === null) this.statusError(conn, V1_ERRORS.alreadySubscribed, sub, reqid, p);
      } else {
        const ch = this.feed.unsubscribe(conn, idx, kind, d);
        if (ch === null) this.statusError(conn, V1_ERRORS.subscriptionNotFound, sub, reqid, p);
        else this.statusOk(conn, ch, p, 'unsubscribed', kind, d, reqid);
      }
    }
  }

  private statusOk(
    conn: WsConn,
    ch: V1Channel,
    pair: string,
    status: string,
    kind: V1PublicChannel,
    depth: number,
    reqid: number | undefined,
  ): void {
    const subscription: Record<string, unknown> = kind === 'book' ? { depth, name: kind } : { name: kind };
    const obj: Record<string, unknown> = {
      channelID: ch.id,
      channelName: ch.name,
      event: 'subscriptionStatus',
      pair,
    };
    if (reqid !== undefined) obj['reqid'] = reqid;
    obj['status'] = status;
    obj['subscription'] = subscription;
    this.out.send(conn, JSON.stringify(obj));
  }
}
