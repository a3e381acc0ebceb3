/**
 * Kraken WebSocket v1 private client (kraken-api.md §2): token from an injected getToken(),
 * ownTrades + openOrders subscriptions with snapshot marking and per-channel sequence-gap
 * detection, addOrder / cancelOrder correlated by reqid.
 *
 * Token: fetched fresh on every (re)connect (a token only outlives 15 min while a subscription
 * holds it), and again whenever Kraken answers with an error mentioning the token.
 * Outcomes: Kraken's addOrderStatus decides ok/error; timeout or a dropped socket before the ack
 * rejects with OrderOutcomeUnknownError; the trader must reconcile those over REST.
 */
import { WsConnection, type DisconnectReason, type WsConnectionOptions } from './connection.js';
import { parseEventObject, parseJsonFrame } from './events-v1.js';
import {
  buildAddOrder,
  buildCancelOrder,
  buildPrivateSubscribe,
  buildPrivateUnsubscribe,
  type AddOrderParams,
} from './messages-v1.js';
import { OpenOrdersState, type OpenOrderState } from './open-orders-state.js';
import { OrderNotSentError } from './order-errors.js';
import { PendingRequests } from './pending-requests.js';
import {
  parsePrivateData,
  type OpenOrderDelta,
  type OwnTrade,
  type PrivateChannel,
} from './private-v1-parse.js';
import { realTimers, type Timers } from './timers.js';

export type AddOrderResult =
  | { status: 'ok'; reqid: number; txid: string; descr: string | undefined }
  | { status: 'error'; reqid: number; errorMessage: string };
export type CancelOrderResult =
  | { status: 'ok'; reqid: number; cancelled: number }
  | { status: 'error'; reqid: number; cancelled: number; errorMessage: string };

export type PrivateV1ErrorCode =
  | 'TOKEN_ERROR' // getToken() failed
  | 'SUBSCRIPTION_ERROR'
  | 'KRAKEN_ERROR'
  | 'RATE_LIMITED'
  | 'BAD_FRAME' // malformed JSON / event / data frame (counted, skipped)
  | 'UNMATCHED_ACK' // ack for a reqid we no longer wait for (see onLateAck)
  | 'CONNECTION_ERROR';

export type GapReason = 'sequence' | 'malformed';

export interface PrivateV1Options {
  url: string;
  /** REST GetWebSocketsToken, owned elsewhere. Called on every (re)connect and after token errors. */
  getToken: () => Promise<string>;
  name?: string;
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers'>;
  timers?: Timers;
  /** No addOrderStatus / cancelOrderStatus within this ⇒ outcome unknown. */
  ackTimeoutMs?: number;
  /** Private snapshots (50 trades, all open orders) can be large. */
  maxFrameBytes?: number;
}

export interface PrivateV1Handlers {
  /** `snapshot` = historical trade from the subscription snapshot: NOT a new fill. */
  onTrade?(trade: OwnTrade, snapshot: boolean): void;
  /** A subscription snapshot arrived (possibly empty): everything before it is superseded. */
  onSnapshot?(channel: PrivateChannel, items: number): void;
  /** Merged order after applying `delta`. */
  onOrder?(order: OpenOrderState, delta: OpenOrderDelta, snapshot: boolean): void;
  /** Data may be missing: the channel is being resubscribed; reconcile over REST. */
  onGap?(channel: PrivateChannel, expected: number, received: number, reason: GapReason): void;
  onChannelStatus?(channel: PrivateChannel, subscribed: boolean, errorMessage: string | undefined): void;
  /** An ack that arrived after its request was given up (timeout/drop): the order may be live. */
  onLateAck?(ack: AddOrderResult | CancelOrderResult): void;
  onError?(code: PrivateV1ErrorCode, message: string): void;
  onOpen?(): void;
  onClose?(reason: DisconnectReason): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
}

export interface PrivateV1Stats {
  tokenFetches: number;
  tokenErrors: number;
  tokenRefreshes: number;
  subscriptionErrors: number;
  sequenceGaps: number;
  malformedFrames: number;
  trades: number;
  snapshotTrades: number;
  orderUpdates: number;
  ordersSent: number;
  cancelsSent: number;
  unmatchedAcks: number;
  krakenErrors: number;
  rateLimitErrors: number;
}

interface ChannelState {
  subscribed: boolean;
  /** Next expected sequence; -1 = take the next one as baseline. */
  expectSeq: number;
  snapshotPending: boolean;
  /** Unsubscribe sent to resync; subscribe again on `unsubscribed`. */
  resyncing: boolean;
}

export const DEFAULT_ACK_TIMEOUT_MS = 5_000;
export const DEFAULT_PRIVATE_MAX_FRAME_BYTES = 4 * 1024 * 1024;
const CHANNELS: readonly PrivateChannel[] = ['ownTrades', 'openOrders'];
const TOKEN_RE = /token/i;
const ALREADY_SUBSCRIBED_RE = /already subscribed/i;

export class KrakenPrivateV1 {
  readonly connection: WsConnection;
  readonly openOrders = new OpenOrdersState();
  readonly stats: PrivateV1Stats = {
    tokenFetches: 0,
    tokenErrors: 0,
    tokenRefreshes: 0,
    subscriptionErrors: 0,
    sequenceGaps: 0,
    malformedFrames: 0,
    trades: 0,
    snapshotTrades: 0,
    orderUpdates: 0,
    ordersSent: 0,
    cancelsSent: 0,
    unmatchedAcks: 0,
    krakenErrors: 0,
    rateLimitErrors: 0,
  };
  systemStatus = 'disconnected';
  private readonly handlers: PrivateV1Handlers;
  private readonly getToken: () => Promise<string>;
  private readonly maxFrameBytes: number;
  private readonly adds: PendingRequests<AddOrderResult>;
  private readonly cancels: PendingRequests<CancelOrderResult>;
  private readonly cancelProgress = new Map<number, { expected: number; ok: number }>();
  private readonly channels: Record<PrivateChannel, ChannelState> = {
    ownTrades: { subscribed: false, expectSeq: -1, snapshotPending: true, resyncing: false },
    openOrders: { subscribed: false, expectSeq: -1, snapshotPending: true, resyncing: false },
  };
  private token: string | null = null;
  /** Bumped per connection, so a token fetched for an old socket is discarded. */
  private session = 0;
  private refreshing = false;
  private reqid = 0;
  private closed = false;

  constructor(options: PrivateV1Options, handlers: PrivateV1Handlers) {
    this.handlers = handlers;
    this.getToken = options.getToken;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_PRIVATE_MAX_FRAME_BYTES;
    const timers = options.timers ?? realTimers;
    const ackMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.adds = new PendingRequests<AddOrderResult>(timers, ackMs);
    this.cancels = new PendingRequests<CancelOrderResult>(timers, ackMs);
    this.connection = new WsConnection(
      { ...options.connection, url: options.url, name: options.name ?? 'private-v1', timers },
      {
        onFrame: (data) => this.onFrame(data),
        onOpen: () => {
          handlers.onOpen?.();
          void this.fetchTokenAndSubscribe(false);
        },
        onClose: (_code, reason) => this.onDisconnected('DISCONNECTED', reason),
        onError: (err) => handlers.onError?.('CONNECTION_ERROR', err.message),
        onReconnecting: (d, r, a) => handlers.onReconnecting?.(d, r, a),
      },
    );
  }

  /** Socket open, token held and both channels subscribed. */
  get ready(): boolean {
    return (
      this.connection.isOpen() &&
      this.token !== null &&
      this.channels.ownTrades.subscribed &&
      this.channels.openOrders.subscribed
    );
  }

  /** Ack timeouts / drops that left an order's outcome unknown (both kinds of request). */
  get unknownOutcomes(): number {
    return this.adds.timeouts + this.adds.failedOnDrop + this.cancels.timeouts + this.cancels.failedOnDrop;
  }

  start(): void {
    this.connection.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
    this.onDisconnected('CLIENT_CLOSED', 'requested');
  }

  /**
   * Send addOrder. Resolves with Kraken's addOrderStatus (ok or error). Rejects with
   * OrderNotSentError when nothing was sent, OrderOutcomeUnknownError on timeout or socket drop.
   */
  addOrder(params: AddOrderParams): Promise<AddOrderResult> {
    if (this.token === null || !this.connection.isOpen()) {
      return Promise.reject(
        new OrderNotSentError('NOT_CONNECTED', 'private socket not connected or no token'),
      );
    }
    const reqid = ++this.reqid;
    let msg: string;
    try {
      msg = buildAddOrder(reqid, this.token, params);
    } catch (err) {
      return Promise.reject(new OrderNotSentError('INVALID_ORDER', (err as Error).message));
    }
    const p = this.adds.add(reqid, `addOrder ${params.type} ${params.pair}`);
    this.connection.send(msg);
    this.stats.ordersSent++;
    return p;
  }

  /** cancelOrder for txids (or userrefs). Resolves after one status per txid or the first error. */
  cancelOrder(txids: readonly string[]): Promise<CancelOrderResult> {
    if (this.token === null || !this.connection.isOpen()) {
      return Promise.reject(
        new OrderNotSentError('NOT_CONNECTED', 'private socket not connected or no token'),
      );
    }
    const reqid = ++this.reqid;
    let msg: string;
    try {
      msg = buildCancelOrder(reqid, this.token, txids);
    } catch (err) {
      return Promise.reject(new OrderNotSentError('INVALID_ORDER', (err as Error).message));
    }
    const p = this.cancels.add(reqid, `cancelOrder ×${txids.length}`);
    this.cancelProgress.set(reqid, { expected: txids.length, ok: 0 });
    const forget = (): void => void this.cancelProgress.delete(reqid);
    p.then(forget, forget);
    this.connection.send(msg);
    this.stats.cancelsSent++;
    return p;
  }

  private async fetchTokenAndSubscribe(refresh: boolean): Promise<void> {
    const session = this.session;
    this.stats.tokenFetches++;
    if (refresh) this.stats.tokenRefreshes++;
    let token: string;
    try {
      token = await this.getToken();
      if (typeof token !== 'string' || token.length === 0)
        throw new Error('getToken returned an empty token');
    } catch (err) {
      this.stats.tokenErrors++;
      this.handlers.onError?.('TOKEN_ERROR', (err as Error).message);
      if (session === this.session && !this.closed) this.connection.reconnect(); // retry through backoff
      return;
    } finally {
      if (refresh) this.refreshing = false;
    }
    if (session !== this.session || this.closed || !this.connection.isOpen()) return;
    this.token = token;
    for (const ch of CHANNELS) {
      if (!this.channels[ch].subscribed) this.subscribe(ch);
    }
  }

  private subscribe(ch: PrivateChannel): void {
    if (this.token === null) return;
    const st = this.channels[ch];
    st.snapshotPending = true;
    st.expectSeq = -1;
    this.connection.send(buildPrivateSubscribe(++this.reqid, ch, this.token));
  }

  /** Sequence gap or unreadable data: unsubscribe, then subscribe again for a fresh snapshot. */
  private resync(ch: PrivateChannel): void {
    const st = this.channels[ch];
    if (st.resyncing || this.token === null) return;
    st.resyncing = true;
    this.connection.send(buildPrivateUnsubscribe(++this.reqid, ch, this.token));
  }

  private refreshToken(): void {
    if (this.refreshing || this.closed || !this.connection.isOpen()) return;
    this.refreshing = true;
    void this.fetchTokenAndSubscribe(true);
  }

  private onFrame(data: Buffer): void {
    const parsed = parseJsonFrame(data, this.maxFrameBytes);
    if (!parsed.ok) return this.malformed(undefined, parsed.reason + ': ' + parsed.detail);
    const v = parsed.value;
    if (Array.isArray(v)) return this.onData(v);
    const ev = parseEventObject(v);
    switch (ev.kind) {
      case 'heartbeat':
      case 'pong':
        return;
      case 'systemStatus':
        this.systemStatus = ev.status;
        this.connection.setMaintenance(ev.status === 'maintenance');
        return;
      case 'subscriptionStatus':
        return this.onSubscriptionStatus(ev.name ?? ev.channelName, ev.status, ev.errorMessage);
      case 'addOrderStatus': {
        const reqid = ev.reqid ?? -1;
        const result: AddOrderResult =
          ev.status === 'ok'
            ? { status: 'ok', reqid, txid: ev.txid as string, descr: ev.descr }
            : { status: 'error', reqid, errorMessage: ev.errorMessage ?? '' };
        if (result.status === 'error' && TOKEN_RE.test(result.errorMessage)) this.refreshToken();
        if (!this.adds.resolve(reqid, result)) this.unmatched(result);
        return;
      }
      case 'cancelOrderStatus':
        return this.onCancelStatus(ev.reqid ?? this.cancels.soleReqid() ?? -1, ev.status, ev.errorMessage);
      case 'error': {
        this.stats.krakenErrors++;
        if (TOKEN_RE.test(ev.errorMessage)) this.refreshToken();
        // A request-level error answering an order is Kraken's rejection of that order.
        if (
          ev.reqid !== undefined &&
          this.adds.resolve(ev.reqid, { status: 'error', reqid: ev.reqid, errorMessage: ev.errorMessage })
        )
          return;
        if (ev.reqid !== undefined && this.cancels.has(ev.reqid))
          return this.onCancelStatus(ev.reqid, 'error', ev.errorMessage);
        this.handlers.onError?.('KRAKEN_ERROR', ev.errorMessage);
        return;
      }
      case 'rateLimited':
        this.stats.rateLimitErrors++;
        this.handlers.onError?.('RATE_LIMITED', ev.message);
        return;
      case 'invalid':
        return this.malformed(undefined, ev.reason + ': ' + ev.detail);
      case 'unknownEvent':
        return this.malformed(undefined, 'unknown event ' + ev.event);
    }
  }

  private onData(v: unknown[]): void {
    const r = parsePrivateData(v);
    if (!r.ok) return this.malformed(r.channel, r.error);
    const f = r.frame;
    const st = this.channels[f.channel];
    const snapshot = st.snapshotPending;
    st.snapshotPending = false;
    if (!snapshot && st.expectSeq >= 0 && f.sequence !== st.expectSeq) {
      this.stats.sequenceGaps++;
      this.handlers.onGap?.(f.channel, st.expectSeq, f.sequence, 'sequence');
      this.resync(f.channel);
    }
    st.expectSeq = f.sequence + 1;
    if (snapshot)
      this.handlers.onSnapshot?.(f.channel, f.channel === 'ownTrades' ? f.trades.length : f.orders.length);
    if (f.channel === 'ownTrades') {
      for (const t of f.trades) {
        if (snapshot) this.stats.snapshotTrades++;
        else this.stats.trades++;
        this.handlers.onTrade?.(t, snapshot);
      }
    } else {
      if (snapshot) this.openOrders.clear();
      for (const d of f.orders) {
        this.stats.orderUpdates++;
        const merged = this.openOrders.apply(d);
        this.handlers.onOrder?.(merged, d, snapshot);
      }
    }
  }

  private onSubscriptionStatus(
    name: string | undefined,
    status: string,
    errorMessage: string | undefined,
  ): void {
    if (name !== 'ownTrades' && name !== 'openOrders') {
      this.stats.subscriptionErrors += status === 'error' ? 1 : 0;
      return this.malformed(undefined, 'subscriptionStatus for unknown channel ' + String(name));
    }
    const st = this.channels[name];
    if (status === 'subscribed' || (status === 'error' && ALREADY_SUBSCRIBED_RE.test(errorMessage ?? ''))) {
      if (status === 'subscribed') {
        st.snapshotPending = true;
        st.expectSeq = -1;
      }
      st.subscribed = true;
      this.handlers.onChannelStatus?.(name, true, undefined);
      return;
    }
    st.subscribed = false;
    if (status === 'unsubscribed') {
      this.handlers.onChannelStatus?.(name, false, undefined);
      if (st.resyncing) {
        st.resyncing = false;
        this.subscribe(name);
      }
      return;
    }
    if (status === 'error') {
      this.stats.subscriptionErrors++;
      st.resyncing = false;
      this.handlers.onChannelStatus?.(name, false, errorMessage);
      this.handlers.onError?.('SUBSCRIPTION_ERROR', name + ': ' + (errorMessage ?? ''));
      if (TOKEN_RE.test(errorMessage ?? '')) this.refreshToken();
    }
  }

  private onCancelStatus(reqid: number, status: 'ok' | 'error', errorMessage: string | undefined): void {
    const prog = this.cancelProgress.get(reqid);
    if (prog === undefined) {
      const late: CancelOrderResult =
        status === 'ok'
          ? { status: 'ok', reqid, cancelled: 1 }
          : { status: 'error', reqid, cancelled: 0, errorMessage: errorMessage ?? '' };
      return this.unmatched(late);
    }
    if (status === 'ok') {
      prog.ok++;
      if (prog.ok >= prog.expected) this.cancels.resolve(reqid, { status: 'ok', reqid, cancelled: prog.ok });
      return;
    }
    this.cancels.resolve(reqid, {
      status: 'error',
      reqid,
      cancelled: prog.ok,
      errorMessage: errorMessage ?? '',
    });
  }

  private unmatched(ack: AddOrderResult | CancelOrderResult): void {
    this.stats.unmatchedAcks++;
    this.handlers.onError?.('UNMATCHED_ACK', `ack for reqid ${ack.reqid} with no pending request`);
    this.handlers.onLateAck?.(ack);
  }

  private malformed(channel: PrivateChannel | undefined, detail: string): void {
    this.stats.malformedFrames++;
    this.handlers.onError?.('BAD_FRAME', detail);
    // Unreadable private data = possibly missed fills: resync the channel and tell the trader.
    if (channel !== undefined) {
      const st = this.channels[channel];
      this.handlers.onGap?.(channel, st.expectSeq, -1, 'malformed');
      if (st.expectSeq >= 0) st.expectSeq++;
      this.resync(channel);
    }
  }

  private onDisconnected(code: 'DISCONNECTED' | 'CLIENT_CLOSED', reason: DisconnectReason): void {
    this.session++;
    this.token = null;
    this.refreshing = false;
    this.systemStatus = 'disconnected';
    for (const ch of CHANNELS) {
      const st = this.channels[ch];
      const was = st.subscribed;
      st.subscribed = false;
      st.resyncing = false;
      st.expectSeq = -1;
      st.snapshotPending = true;
      if (was) this.handlers.onChannelStatus?.(ch, false, 'disconnected');
    }
    const why = code === 'CLIENT_CLOSED' ? 'client closed' : 'socket dropped (' + reason + ')';
    this.adds.failAll(code, why);
    this.cancels.failAll(code, why);
    this.cancelProgress.clear();
    this.handlers.onClose?.(reason);
  }
}
