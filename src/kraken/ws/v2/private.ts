/**
 * Kraken WebSocket v2 private client (docs/kraken-protocol.md §3.8–3.9): the `executions` subscription
 * (snap_orders on, snap_trades off) with snapshot marking and sequence-gap detection, add_order /
 * cancel_order correlated by req_id. Token, subscription, resync and ack correlation:
 * ../shared/private-session.ts.
 */
import type { WsConnectionOptions } from '../shared/connection.js';
import { ALREADY_SUBSCRIBED_RE, RATE_LIMIT_RE } from '../shared/error-text.js';
import { PrivateSessionBase } from '../shared/private-session.js';
import {
  newPrivateSessionStats,
  type GapReason,
  type PrivateSessionHandlers,
  type PrivateSessionOptions,
  type PrivateSessionStats,
  type PrivateSessionVersion,
} from '../shared/private-session-types.js';
import { parseV2Frame, type KrakenV2Event } from './events.js';
import { parseExecutionReport, type ExecutionReport } from './executions-parse.js';
import {
  buildAddOrderV2,
  buildCancelOrderV2,
  buildExecutionsSubscribe,
  buildExecutionsUnsubscribe,
  buildPingV2,
  type AddOrderV2Params,
} from './messages.js';

export type AddOrderV2Result =
  | { status: 'ok'; reqId: number; orderId: string; orderUserref: number | undefined }
  | { status: 'error'; reqId: number; errorMessage: string };
export type CancelOrderV2Result =
  | { status: 'ok'; reqId: number; cancelled: number }
  | { status: 'error'; reqId: number; cancelled: number; errorMessage: string };

export interface PrivateV2Options extends PrivateSessionOptions {
  /** The ping is v2's own. */
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers' | 'pingMessage'>;
}

export interface PrivateV2Handlers extends PrivateSessionHandlers<AddOrderV2Result | CancelOrderV2Result> {
  /** `snapshot` = part of the subscription snapshot (state of open orders), not a new event. */
  onExecution?(report: ExecutionReport, snapshot: boolean): void;
  /** A subscription snapshot arrived (possibly empty): everything before it is superseded. */
  onSnapshot?(reports: number): void;
  /** Data may be missing: the channel is being resubscribed; reconcile over REST. */
  onGap?(expected: number, received: number, reason: GapReason): void;
  onChannelStatus?(subscribed: boolean, errorMessage: string | undefined): void;
}

export interface PrivateV2Stats extends PrivateSessionStats {
  executions: number;
  snapshotExecutions: number;
  /** Executions frames without `sequence` (no gap check possible for them). */
  unsequenced: number;
}

export const DEFAULT_PRIVATE_V2_MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** The only subscription on this socket. */
type Executions = 'executions';
const EXECUTIONS: Executions = 'executions';

const V2_SESSION: PrivateSessionVersion<Executions, CancelOrderV2Result, AddOrderV2Params> = {
  defaultName: 'private-v2',
  defaultMaxFrameBytes: DEFAULT_PRIVATE_V2_MAX_FRAME_BYTES,
  channels: [EXECUTIONS],
  reqIdName: 'req_id',
  connection: { pingMessage: buildPingV2 },
  buildSubscribe: (reqId, _ch, token) => buildExecutionsSubscribe(reqId, token),
  buildUnsubscribe: (reqId, _ch, token) => buildExecutionsUnsubscribe(reqId, token),
  cancelResult: (reqId, ok, cancelled, errorMessage) =>
    ok
      ? { status: 'ok', reqId, cancelled }
      : { status: 'error', reqId, cancelled, errorMessage: errorMessage ?? '' },
  buildAdd: buildAddOrderV2,
  describeAdd: (p) => `add_order ${p.side} ${p.symbol}`,
  buildCancel: buildCancelOrderV2,
  cancelName: 'cancel_order',
};

export class KrakenPrivateV2 extends PrivateSessionBase<
  Executions,
  AddOrderV2Result,
  CancelOrderV2Result,
  PrivateV2Stats,
  PrivateV2Handlers,
  AddOrderV2Params
> {
  constructor(options: PrivateV2Options, handlers: PrivateV2Handlers) {
    super(V2_SESSION, options, handlers, {
      ...newPrivateSessionStats(),
      executions: 0,
      snapshotExecutions: 0,
      unsequenced: 0,
    });
  }

  protected reportGap(_ch: Executions, expected: number, received: number, reason: GapReason): void {
    this.handlers.onGap?.(expected, received, reason);
  }

  protected reportChannelStatus(_ch: Executions, subscribed: boolean, error: string | undefined): void {
    this.handlers.onChannelStatus?.(subscribed, error);
  }

  protected onFrame(data: Buffer): void {
    const ev = parseV2Frame(data, this.maxFrameBytes);
    switch (ev.kind) {
      case 'heartbeat':
      case 'pong':
        return;
      case 'status':
        return this.onSystemStatus(ev.system);
      case 'channel':
        if (ev.channel === EXECUTIONS) return this.onExecutions(ev);
        return this.malformed('data for channel ' + ev.channel);
      case 'ack':
        return this.onAck(ev);
      case 'error':
        this.stats.krakenErrors++;
        this.refreshOnSessionError(ev.error);
        return this.error('KRAKEN_ERROR', ev.error);
      case 'invalid':
        return this.malformed(ev.reason + ': ' + ev.detail);
    }
  }

  private onExecutions(ev: Extract<KrakenV2Event, { kind: 'channel' }>): void {
    if ((ev.type !== 'snapshot' && ev.type !== 'update') || !Array.isArray(ev.data))
      return this.malformed('executions frame without type snapshot/update and a data array', EXECUTIONS);
    const snapshot = ev.type === 'snapshot';
    if (ev.sequence === undefined) this.stats.unsequenced++;
    else this.checkSequence(EXECUTIONS, ev.sequence, snapshot);
    const items = ev.data as unknown[];
    if (snapshot) this.handlers.onSnapshot?.(items.length);
    let bad = 0;
    for (const item of items) {
      const r = parseExecutionReport(item);
      if (!r.ok) {
        bad++;
        this.stats.malformedFrames++;
        this.error('BAD_FRAME', 'executions report: ' + r.error);
        continue;
      }
      if (snapshot) this.stats.snapshotExecutions++;
      else this.stats.executions++;
      this.handlers.onExecution?.(r.report, snapshot);
    }
    // An unreadable report may have been a fill; its frame's sequence number was already counted.
    if (bad > 0) this.lostData(EXECUTIONS, false);
  }

  private onAck(ev: Extract<KrakenV2Event, { kind: 'ack' }>): void {
    if (!ev.success && RATE_LIMIT_RE.test(ev.error ?? '')) {
      this.stats.rateLimitErrors++;
      this.error('RATE_LIMITED', ev.error ?? '');
    }
    switch (ev.method) {
      case 'subscribe':
      case 'unsubscribe':
        return this.onSubscriptionAck(ev.method, ev.success, ev.channel, ev.error);
      case 'add_order': {
        const reqId = ev.reqId ?? this.requests.adds.soleReqid() ?? -1;
        if (!ev.success) {
          const errorMessage = ev.error ?? '';
          this.refreshOnSessionError(errorMessage);
          return this.settleAdd(reqId, { status: 'error', reqId, errorMessage });
        }
        const id = ev.result?.order_id;
        // Success without an id: the order may be live; let it time out as unknown.
        if (typeof id !== 'string' || id.length === 0)
          return this.malformed('add_order ack without result.order_id');
        const ref = ev.result?.order_userref;
        const orderUserref = typeof ref === 'number' ? ref : undefined;
        return this.settleAdd(reqId, { status: 'ok', reqId, orderId: id, orderUserref });
      }
      case 'cancel_order': {
        const reqId = ev.reqId ?? this.requests.cancels.soleReqid() ?? -1;
        if (!ev.success) this.refreshOnSessionError(ev.error);
        return this.onCancelAck(reqId, ev.success, ev.error);
      }
      default:
        if (!ev.success) {
          this.stats.krakenErrors++;
          this.error('KRAKEN_ERROR', ev.method + ': ' + (ev.error ?? ''));
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
    if (channel !== undefined && channel !== EXECUTIONS)
      return this.malformed(method + ' ack for unknown channel ' + channel);
    if (method === 'subscribe') {
      if (success || ALREADY_SUBSCRIBED_RE.test(error ?? '')) return this.onSubscribed(EXECUTIONS, success);
      return this.onSubscribeFailed(EXECUTIONS, EXECUTIONS, error);
    }
    if (success) return this.onUnsubscribed(EXECUTIONS);
    this.stats.subscriptionErrors++;
    this.error('SUBSCRIPTION_ERROR', 'executions unsubscribe: ' + (error ?? ''));
    const st = this.channels.executions;
    if (st.resyncing) {
      // Cannot resync in place: a new connection gives a fresh subscription and snapshot.
      st.resyncing = false;
      this.connection.reconnect();
    }
  }
}
