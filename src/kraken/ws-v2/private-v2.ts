/**
 * Kraken WebSocket v2 private client (kraken-api.md §3.8–3.9): token from an injected getToken(),
 * the `executions` subscription (snap_orders on, snap_trades off) with snapshot marking and
 * sequence-gap detection, add_order / cancel_order correlated by req_id.
 *
 * Token: fetched fresh on every (re)connect and again whenever Kraken answers with an error that
 * mentions the token. Outcomes: Kraken's ack decides ok/error; a timeout or a dropped socket
 * before the ack rejects with OrderOutcomeUnknownError (reconcile over REST); nothing sent
 * rejects with OrderNotSentError. Gap or unreadable report ⇒ onGap + unsubscribe/subscribe for a
 * fresh snapshot.
 */
import { WsConnection, type DisconnectReason, type WsConnectionOptions } from '../ws/connection.js';
import { OrderNotSentError } from '../ws/order-errors.js';
import { PendingRequests } from '../ws/pending-requests.js';
import { realTimers, type Timers } from '../ws/timers.js';
import { parseV2Frame, type KrakenV2Event } from './events-v2.js';
import { parseExecutionReport, type ExecutionReport } from './executions-parse.js';
import {
  buildAddOrderV2,
  buildCancelOrderV2,
  buildExecutionsSubscribe,
  buildExecutionsUnsubscribe,
  buildPingV2,
  type AddOrderV2Params,
} from './messages-v2.js';

export type AddOrderV2Result =
  | { status: 'ok'; reqId: number; orderId: string; orderUserref: number | undefined }
  | { status: 'error'; reqId: number; errorMessage: string };
export type CancelOrderV2Result =
  | { status: 'ok'; reqId: number; cancelled: number }
  | { status: 'error'; reqId: number; cancelled: number; errorMessage: string };

export type PrivateV2ErrorCode =
  | 'TOKEN_ERROR' // getToken() failed
  | 'SUBSCRIPTION_ERROR'
  | 'KRAKEN_ERROR'
  | 'RATE_LIMITED'
  | 'BAD_FRAME' // malformed JSON / message / report (counted, skipped)
  | 'UNMATCHED_ACK' // ack for a req_id we no longer wait for (see onLateAck)
  | 'CONNECTION_ERROR';

export type GapV2Reason = 'sequence' | 'malformed';

export interface PrivateV2Options {
  url: string;
  /** REST GetWebSocketsToken, owned elsewhere. Called on every (re)connect and after token errors. */
  getToken: () => Promise<string>;
  name?: string;
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers' | 'pingMessage'>;
  timers?: Timers;
  /** No add_order / cancel_order ack within this ⇒ outcome unknown. */
  ackTimeoutMs?: number;
  maxFrameBytes?: number;
}

export interface PrivateV2Handlers {
  /** `snapshot` = part of the subscription snapshot (state of open orders), not a new event. */
  onExecution?(report: ExecutionReport, snapshot: boolean): void;
  /** A subscription snapshot arrived (possibly empty): everything before it is superseded. */
  onSnapshot?(reports: number): void;
  /** Data may be missing: the channel is being resubscribed; reconcile over REST. */
  onGap?(expected: number, received: number, reason: GapV2Reason): void;
  onChannelStatus?(subscribed: boolean, errorMessage: string | undefined): void;
  /** An ack that arrived after its request was given up (timeout/drop): the order may be live. */
  onLateAck?(ack: AddOrderV2Result | CancelOrderV2Result): void;
  onError?(code: PrivateV2ErrorCode, message: string): void;
  onOpen?(): void;
  onClose?(reason: DisconnectReason): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
}

export interface PrivateV2Stats {
  tokenFetches: number;
  tokenErrors: number;
  tokenRefreshes: number;
  subscriptionErrors: number;
  sequenceGaps: number;
  malformedFrames: number;
  executions: number;
  snapshotExecutions: number;
  /** Executions frames without `sequence` (no gap check possible for them). */
  unsequenced: number;
  ordersSent: number;
  cancelsSent: number;
  unmatchedAcks: number;
  krakenErrors: number;
  rateLimitErrors: number;
}

export const DEFAULT_ACK_TIMEOUT_MS = 5_000;
export const DEFAULT_PRIVATE_V2_MAX_FRAME_BYTES = 4 * 1024 * 1024;
const TOKEN_RE = /token/i;
const ALREADY_SUBSCRIBED_RE = /already subscribed/i;
const RATE_LIMIT_RE = /exceeded|rate limit/i;

export class KrakenPrivateV2 {
  readonly connection: WsConnection;
  readonly stats: PrivateV2Stats = {
    tokenFetches: 0,
    tokenErrors: 0,
    tokenRefreshes: 0,
    subscriptionErrors: 0,
    sequenceGaps: 0,
    malformedFrames: 0,
    executions: 0,
    snapshotExecutions: 0,
    unsequenced: 0,
    ordersSent: 0,
    cancelsSent: 0,
    unmatchedAcks: 0,
    krakenErrors: 0,
    rateLimitErrors: 0,
  };
  systemStatus = 'disconnected';
  private readonly handlers: PrivateV2Handlers;
  private readonly getToken: () => Promise<string>;
  private readonly maxFrameBytes: number;
  private readonly adds: PendingRequests<AddOrderV2Result>;
  private readonly cancels: PendingRequests<CancelOrderV2Result>;
  private readonly cancelProgress = new Map<number, { expected: number; ok: number }>();
  private subscribed = false;
  /** Next expected `sequence`; -1 = take the next one as baseline. */
  private expectSeq = -1;
  /** Unsubscribe sent to resync; subscribe again on its ack. */
  private resyncing = false;
  private token: string | null = null;
  /** Bumped per connection, so a token fetched for an old socket is discarded. */
  private session = 0;
  private refreshing = false;
  private reqId = 0;
  private closed = false;

  constructor(options: PrivateV2Options, handlers: PrivateV2Handlers) {
    this.handlers = handlers;
    this.getToken = options.getToken;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_PRIVATE_V2_MAX_FRAME_BYTES;
    const timers = options.timers ?? realTimers;
    const ackMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.adds = new PendingRequests<AddOrderV2Result>(timers, ackMs);
    this.cancels = new PendingRequests<CancelOrderV2Result>(timers, ackMs);
    this.connection = new WsConnection(
      {
        ...options.connection,
        url: options.url,
        name: options.name ?? 'private-v2',
        timers,
        pingMessage: buildPingV2,
      },
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

  /** Socket open, token held and executions subscribed. */
  get ready(): boolean {
    return this.connection.isOpen() && this.token !== null && this.subscribed;
  }

  /** Ack timeouts / drops that left an order's outcome unknown. */
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
   * Send add_order. Resolves with Kraken's ack (ok with order_id, or error). Rejects with
   * OrderNotSentError when nothing was sent, OrderOutcomeUnknownError on timeout or socket drop.
   */
  addOrder(params: AddOrderV2Params): Promise<AddOrderV2Result> {
    if (this.token === null || !this.connection.isOpen())
      return Promise.reject(
        new OrderNotSentError('NOT_CONNECTED', 'private socket not connected or no token'),
      );
    const reqId = ++this.reqId;
    let msg: string;
    try {
      msg = buildAddOrderV2(reqId, this.token, params);
    } catch (err) {
      return Promise.reject(new OrderNotSentError('INVALID_ORDER', (err as Error).message));
    }
    const p = this.adds.add(reqId, `add_order ${params.side} ${params.symbol}`);
    this.connection.send(msg);
    this.stats.ordersSent++;
    return p;
  }

  /** cancel_order by order ids. Resolves after one ok ack per id, or the first error ack. */
  cancelOrder(orderIds: readonly string[]): Promise<CancelOrderV2Result> {
    if (this.token === null || !this.connection.isOpen())
      return Promise.reject(
        new OrderNotSentError('NOT_CONNECTED', 'private socket not connected or no token'),
      );
    const reqId = ++this.reqId;
    let msg: string;
    try {
      msg = buildCancelOrderV2(reqId, this.token, orderIds);
    } catch (err) {
      return Promise.reject(new OrderNotSentError('INVALID_ORDER', (err as Error).message));
    }
    const p = this.cancels.add(reqId, `cancel_order ×${orderIds.length}`);
    this.cancelProgress.set(reqId, { expected: orderIds.length, ok: 0 });
    const forget = (): void => void this.cancelProgress.delete(reqId);
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
    if (!this.subscribed) this.subscribe();
  }

  private subscribe(): void {
    if (this.token === null) return;
    this.expectSeq = -1;
    this.connection.send(buildExecutionsSubscribe(++this.reqId, this.token));
  }

  /** Sequence gap or unreadable data: unsubscribe, then subscribe again for a fresh snapshot. */
  private resync(): void {
    if (this.resyncing || this.token === null) return;
    this.resyncing = true;
    this.connection.send(buildExecutionsUnsubscribe(++this.reqId, this.token));
  }

  private refreshToken(): void {
    if (this.refreshing || this.closed || !this.connection.isOpen()) return;
    this.refreshing = true;
    void this.fetchTokenAndSubscribe(true);
  }

  private onFrame(data: Buffer): void {
    const ev = parseV2Frame(data, this.maxFrameBytes);
    switch (ev.kind) {
      case 'heartbeat':
      case 'pong':
        return;
      case 'status':
        this.systemStatus = ev.system;
        this.connection.setMaintenance(ev.system === 'maintenance');
        return;
      case 'channel':
        if (ev.channel === 'executions') return this.onExecutions(ev);
        return this.malformed('data for channel ' + ev.channel, false);
      case 'ack':
        return this.onAck(ev);
      case 'error':
        this.stats.krakenErrors++;
        if (TOKEN_RE.test(ev.error)) this.refreshToken();
        this.handlers.onError?.('KRAKEN_ERROR', ev.error);
        return;
      case 'invalid':
        return this.malformed(ev.reason + ': ' + ev.detail, false);
    }
  }

  private onExecutions(ev: Extract<KrakenV2Event, { kind: 'channel' }>): void {
    if ((ev.type !== 'snapshot' && ev.type !== 'update') || !Array.isArray(ev.data))
      return this.malformed('executions frame without type snapshot/update and a data array', true);
    const snapshot = ev.type === 'snapshot';
    const seq = ev.sequence;
    if (seq === undefined) {
      this.stats.unsequenced++;
    } else {
      if (!snapshot && this.expectSeq >= 0 && seq !== this.expectSeq) {
        this.stats.sequenceGaps++;
        this.handlers.onGap?.(this.expectSeq, seq, 'sequence');
        this.resync();
      }
      this.expectSeq = seq + 1;
    }
    const items = ev.data as unknown[];
    if (snapshot) this.handlers.onSnapshot?.(items.length);
    let bad = 0;
    for (const item of items) {
      const r = parseExecutionReport(item);
      if (!r.ok) {
        bad++;
        this.stats.malformedFrames++;
        this.handlers.onError?.('BAD_FRAME', 'executions report: ' + r.error);
        continue;
      }
      if (snapshot) this.stats.snapshotExecutions++;
      else this.stats.executions++;
      this.handlers.onExecution?.(r.report, snapshot);
    }
    // An unreadable report may have been a fill: tell the trader and take a fresh snapshot.
    if (bad > 0) {
      this.handlers.onGap?.(this.expectSeq, -1, 'malformed');
      this.resync();
    }
  }

  private onAck(ev: Extract<KrakenV2Event, { kind: 'ack' }>): void {
    if (!ev.success && RATE_LIMIT_RE.test(ev.error ?? '')) {
      this.stats.rateLimitErrors++;
      this.handlers.onError?.('RATE_LIMITED', ev.error ?? '');
    }
    switch (ev.method) {
      case 'subscribe':
      case 'unsubscribe':
        return this.onSubscriptionAck(ev.method, ev.success, ev.channel, ev.error);
      case 'add_order': {
        const reqId = ev.reqId ?? this.adds.soleReqid() ?? -1;
        let result: AddOrderV2Result;
        if (ev.success) {
          const id = ev.result?.order_id;
          if (typeof id !== 'string' || id.length === 0) {
            // Success without an id: the order may be live; let it time out as unknown.
            return this.malformed('add_order ack without result.order_id', false);
          }
          const ref = ev.result?.order_userref;
          result = {
            status: 'ok',
            reqId,
            orderId: id,
            orderUserref: typeof ref === 'number' ? ref : undefined,
          };
        } else {
          result = { status: 'error', reqId, errorMessage: ev.error ?? '' };
          if (TOKEN_RE.test(result.errorMessage)) this.refreshToken();
        }
        if (!this.adds.resolve(reqId, result)) this.unmatched(result);
        return;
      }
      case 'cancel_order': {
        const reqId = ev.reqId ?? this.cancels.soleReqid() ?? -1;
        if (!ev.success && TOKEN_RE.test(ev.error ?? '')) this.refreshToken();
        return this.onCancelAck(reqId, ev.success, ev.error);
      }
      default:
        if (!ev.success) {
          this.stats.krakenErrors++;
          this.handlers.onError?.('KRAKEN_ERROR', ev.method + ': ' + (ev.error ?? ''));
        }
    }
  }

  private onSubscriptionAck(
    method: 'subscribe' | 'unsubscribe',
    success: boolean,
    channel: string | undefined,
    error: string | undefined,
  ): void {
    // Error acks may omit result.channel; executions is the only subscription on this socket.
    if (channel !== undefined && channel !== 'executions')
      return this.malformed(method + ' ack for unknown channel ' + channel, false);
    if (method === 'subscribe') {
      if (success || ALREADY_SUBSCRIBED_RE.test(error ?? '')) {
        if (success) this.expectSeq = -1;
        this.subscribed = true;
        this.handlers.onChannelStatus?.(true, undefined);
        return;
      }
      this.stats.subscriptionErrors++;
      this.subscribed = false;
      this.resyncing = false;
      this.handlers.onChannelStatus?.(false, error);
      this.handlers.onError?.('SUBSCRIPTION_ERROR', 'executions: ' + (error ?? ''));
      if (TOKEN_RE.test(error ?? '')) this.refreshToken();
      return;
    }
    // unsubscribe
    if (!success) {
      this.stats.subscriptionErrors++;
      this.handlers.onError?.('SUBSCRIPTION_ERROR', 'executions unsubscribe: ' + (error ?? ''));
      if (this.resyncing) {
        // Cannot resync in place: a new connection gives a fresh subscription and snapshot.
        this.resyncing = false;
        this.connection.reconnect();
      }
      return;
    }
    this.subscribed = false;
    this.handlers.onChannelStatus?.(false, undefined);
    if (this.resyncing) {
      this.resyncing = false;
      this.subscribe();
    }
  }

  private onCancelAck(reqId: number, success: boolean, error: string | undefined): void {
    const prog = this.cancelProgress.get(reqId);
    if (prog === undefined) {
      const late: CancelOrderV2Result = success
        ? { status: 'ok', reqId, cancelled: 1 }
        : { status: 'error', reqId, cancelled: 0, errorMessage: error ?? '' };
      return this.unmatched(late);
    }
    if (success) {
      prog.ok++;
      if (prog.ok >= prog.expected) this.cancels.resolve(reqId, { status: 'ok', reqId, cancelled: prog.ok });
      return;
    }
    this.cancels.resolve(reqId, { status: 'error', reqId, cancelled: prog.ok, errorMessage: error ?? '' });
  }

  private unmatched(ack: AddOrderV2Result | CancelOrderV2Result): void {
    this.stats.unmatchedAcks++;
    this.handlers.onError?.('UNMATCHED_ACK', `ack for req_id ${ack.reqId} with no pending request`);
    this.handlers.onLateAck?.(ack);
  }

  /** Counted and reported; `lostData` = it may have carried executions (gap + resync). */
  private malformed(detail: string, lostData: boolean): void {
    this.stats.malformedFrames++;
    this.handlers.onError?.('BAD_FRAME', detail);
    if (lostData) {
      this.handlers.onGap?.(this.expectSeq, -1, 'malformed');
      if (this.expectSeq >= 0) this.expectSeq++;
      this.resync();
    }
  }

  private onDisconnected(code: 'DISCONNECTED' | 'CLIENT_CLOSED', reason: DisconnectReason): void {
    this.session++;
    this.token = null;
    this.refreshing = false;
    this.systemStatus = 'disconnected';
    const was = this.subscribed;
    this.subscribed = false;
    this.resyncing = false;
    this.expectSeq = -1;
    if (was) this.handlers.onChannelStatus?.(false, 'disconnected');
    const why = code === 'CLIENT_CLOSED' ? 'client closed' : 'socket dropped (' + reason + ')';
    this.adds.failAll(code, why);
    this.cancels.failAll(code, why);
    this.cancelProgress.clear();
    this.handlers.onClose?.(reason);
  }
}
