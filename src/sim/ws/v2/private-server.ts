/**
 * WS API v2 private endpoint (docs/kraken-protocol.md §3.8, §3.9): `params.token` checked on every message,
 * add_order / batch_add / cancel_order / cancel_all, the executions channel, ping/pong, heartbeats,
 * status, and the order faults (rejectNextOrder, delayNextOrderMs, ackDelayMs, expireTokens).
 *
 * Frame order for an order, the same as v1 (src/sim/ws/shared/ws-private-server.ts): the order's
 * executions `pending_new` and `new` reports, then the add_order ack, then its `trade` reports and
 * the final `filled` / `canceled`. cancel_order / cancel_all: the `canceled` reports come first,
 * then the ack (as v1).
 */
import type { RawData } from 'ws';
import type { VenueEvent } from '../../contracts.js';
import type { WsConn } from '../shared/ws-output.js';
import { WsPrivateServer, type WsPrivateOptions } from '../shared/ws-private-server.js';
import { ExecReporter, V2PrivateSession, type ExecItem } from './executions.js';
import { usdRate } from '../../venue/valuation.js';
import { placeBatch, placeOrder } from './private-orders.js';
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
} from './wire.js';
import { cancelAll, cancelOrders } from './private-cancel.js';
import { parseRequest } from '../shared/request.js';

const PUBLIC_CHANNELS = new Set(['ticker', 'book', 'instrument', 'trade', 'ohlc', 'status', 'heartbeat']);
/** The warnings live Kraken puts in an executions subscribe ack (test/corpus/kraken-async-rs-v2.json). */
const EXECUTIONS_WARNINGS = [
  'cancel_reason is deprecated, use reason',
  'stop_price is deprecated, use triggers.price',
  'trigger is deprecated use triggers.reference',
  'triggered_price is deprecated use triggers.last_price',
];
/** Kraken sends at most the last 50 fills in the executions snapshot (docs/kraken-protocol.md §3.9). */
const SNAPSHOT_TRADES = 50;

export class V2PrivateServer extends WsPrivateServer<V2PrivateSession, ExecItem> {
  readonly reporter: ExecReporter;

  constructor(o: WsPrivateOptions) {
    super(o, {
      heartbeatFrame: V2_HEARTBEAT_FRAME,
      statusFrame,
      tokenErrors: V2_ERRORS,
      logName: 'sim ws v2',
    });
    const market = o.venue.market;
    this.reporter = new ExecReporter(market.pairs, (assetId) => usdRate(market, assetId));
  }

  protected openSession(conn: WsConn, connectionId: string): V2PrivateSession {
    return new V2PrivateSession(conn, connectionId);
  }

  protected prepare(ev: VenueEvent): readonly ExecItem[] {
    return this.reporter.prepare(ev);
  }

  protected override pendingItems(): readonly ExecItem[] {
    return this.reporter.flush();
  }

  protected onMessage(s: V2PrivateSession, data: RawData, isBinary: boolean, arrivedNs: bigint): void {
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
        return placeOrder(this, { s, msg, reqId, timeIn, arrivedNs });
      case 'batch_add':
        return placeBatch(this, { s, msg, reqId, timeIn, arrivedNs });
      case 'cancel_order':
        return cancelOrders(this, { s, msg, reqId, timeIn, arrivedNs });
      case 'cancel_all':
        return cancelAll(this, { s, msg, reqId, timeIn, arrivedNs });
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
    const a = this.authSubscription(s, params['token']);
    if ('error' in a) return fail(a.error);
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
    this.bind(s, a.apiKey, params['token'] as string);
    const venue = this.o.venue;
    const snapshot = flags['snap_orders'] === true || flags['snap_trades'] === true;
    // Live acks list the executions fields Kraken has deprecated (test/corpus/).
    const result = { channel, maxratecount: this.maxRateCount(), snapshot, warnings: EXECUTIONS_WARNINGS };
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
}
