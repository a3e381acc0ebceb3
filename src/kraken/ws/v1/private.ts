/**
 * Kraken WebSocket v1 private client (docs/kraken-protocol.md §2): ownTrades + openOrders subscriptions with
 * snapshot marking and per-channel sequence-gap detection, addOrder / cancelOrder correlated by
 * reqid. Token, subscriptions, resync and ack correlation: private-session.ts.
 */
import type { WsConnectionOptions } from '../shared/connection.js';
import { ALREADY_SUBSCRIBED_RE } from '../shared/error-text.js';
import { parseEventObject } from './events.js';
import {
  buildAddOrder,
  buildCancelOrder,
  buildPrivateSubscribe,
  buildPrivateUnsubscribe,
  type AddOrderParams,
} from './messages.js';
import { OpenOrdersState } from './open-orders-state.js';
import { PrivateSessionBase } from '../shared/private-session.js';
import {
  newPrivateSessionStats,
  type GapReason,
  type PrivateSessionHandlers,
  type PrivateSessionOptions,
  type PrivateSessionStats,
  type PrivateSessionVersion,
} from '../shared/private-session-types.js';
import {
  parsePrivateData,
  type OpenOrderDelta,
  type OwnTrade,
  type PrivateChannel,
} from './private-parse.js';
import { parseJsonFrame } from '../shared/json-frame.js';

export type AddOrderResult =
  | { status: 'ok'; reqid: number; txid: string; descr: string | undefined }
  | { status: 'error'; reqid: number; errorMessage: string };
export type CancelOrderResult =
  | { status: 'ok'; reqid: number; cancelled: number }
  | { status: 'error'; reqid: number; cancelled: number; errorMessage: string };

export interface PrivateV1Options extends PrivateSessionOptions {
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers'>;
}

export interface PrivateV1Handlers extends PrivateSessionHandlers<AddOrderResult | CancelOrderResult> {
  /** `snapshot` = historical trade from the subscription snapshot: NOT a new fill. */
  onTrade?(trade: OwnTrade, snapshot: boolean): void;
  /** A subscription snapshot arrived (possibly empty): everything before it is superseded. */
  onSnapshot?(channel: PrivateChannel, items: number): void;
  /** Merged order after applying `delta`. */
  onOrder?(order: OpenOrderDelta, delta: OpenOrderDelta, snapshot: boolean): void;
  /** Data may be missing: the channel is being resubscribed; reconcile over REST. */
  onGap?(channel: PrivateChannel, expected: number, received: number, reason: GapReason): void;
  onChannelStatus?(channel: PrivateChannel, subscribed: boolean, errorMessage: string | undefined): void;
}

export interface PrivateV1Stats extends PrivateSessionStats {
  trades: number;
  snapshotTrades: number;
  orderUpdates: number;
}

export const DEFAULT_PRIVATE_MAX_FRAME_BYTES = 4 * 1024 * 1024;

const V1_SESSION: PrivateSessionVersion<PrivateChannel, CancelOrderResult, AddOrderParams> = {
  defaultName: 'private-v1',
  defaultMaxFrameBytes: DEFAULT_PRIVATE_MAX_FRAME_BYTES,
  channels: ['ownTrades', 'openOrders'],
  reqIdName: 'reqid',
  buildSubscribe: buildPrivateSubscribe,
  buildUnsubscribe: buildPrivateUnsubscribe,
  cancelResult: (reqid, ok, cancelled, errorMessage) =>
    ok
      ? { status: 'ok', reqid, cancelled }
      : { status: 'error', reqid, cancelled, errorMessage: errorMessage ?? '' },
  buildAdd: buildAddOrder,
  describeAdd: (p) => `addOrder ${p.type} ${p.pair}`,
  buildCancel: buildCancelOrder,
  cancelName: 'cancelOrder',
};

export class KrakenPrivateV1 extends PrivateSessionBase<
  PrivateChannel,
  AddOrderResult,
  CancelOrderResult,
  PrivateV1Stats,
  PrivateV1Handlers,
  AddOrderParams
> {
  readonly openOrders = new OpenOrdersState();

  constructor(options: PrivateV1Options, handlers: PrivateV1Handlers) {
    super(V1_SESSION, options, handlers, {
      ...newPrivateSessionStats(),
      trades: 0,
      snapshotTrades: 0,
      orderUpdates: 0,
    });
  }

  protected reportGap(ch: PrivateChannel, expected: number, received: number, reason: GapReason): void {
    this.handlers.onGap?.(ch, expected, received, reason);
  }

  protected reportChannelStatus(ch: PrivateChannel, subscribed: boolean, error: string | undefined): void {
    this.handlers.onChannelStatus?.(ch, subscribed, error);
  }

  protected onFrame(data: Buffer): void {
    const parsed = parseJsonFrame(data, this.maxFrameBytes);
    if (!parsed.ok) return this.malformed(parsed.reason + ': ' + parsed.detail);
    const v = parsed.value;
    if (Array.isArray(v)) return this.onData(v);
    const ev = parseEventObject(v);
    switch (ev.kind) {
      case 'heartbeat':
      case 'pong':
        return;
      case 'systemStatus':
        return this.onSystemStatus(ev.status);
      case 'subscriptionStatus':
        return this.onSubscriptionStatus(ev.name ?? ev.channelName, ev.status, ev.errorMessage);
      case 'addOrderStatus': {
        const reqid = ev.reqid ?? -1;
        const result: AddOrderResult =
          ev.status === 'ok'
            ? { status: 'ok', reqid, txid: ev.txid as string, descr: ev.descr }
            : { status: 'error', reqid, errorMessage: ev.errorMessage ?? '' };
        if (result.status === 'error') this.refreshOnSessionError(result.errorMessage);
        return this.settleAdd(reqid, result);
      }
      case 'cancelOrderStatus':
        return this.onCancelAck(
          ev.reqid ?? this.requests.cancels.soleReqid() ?? -1,
          ev.status === 'ok',
          ev.errorMessage,
        );
      case 'error': {
        this.stats.krakenErrors++;
        this.refreshOnSessionError(ev.errorMessage);
        // A request-level error answering an order is Kraken's rejection of that order.
        if (
          ev.reqid !== undefined &&
          this.requests.adds.resolve(ev.reqid, {
            status: 'error',
            reqid: ev.reqid,
            errorMessage: ev.errorMessage,
          })
        )
          return;
        if (ev.reqid !== undefined && this.requests.cancels.has(ev.reqid))
          return this.onCancelAck(ev.reqid, false, ev.errorMessage);
        return this.error('KRAKEN_ERROR', ev.errorMessage);
      }
      case 'rateLimited':
        this.stats.rateLimitErrors++;
        return this.error('RATE_LIMITED', ev.message);
      case 'invalid':
        return this.malformed(ev.reason + ': ' + ev.detail);
      case 'unknownEvent':
        return this.malformed('unknown event ' + ev.event);
    }
  }

  private onData(v: unknown[]): void {
    const r = parsePrivateData(v);
    if (!r.ok) return this.malformed(r.error, r.channel);
    const f = r.frame;
    const st = this.channels[f.channel];
    const snapshot = st.snapshotPending;
    st.snapshotPending = false;
    this.checkSequence(f.channel, f.sequence, snapshot);
    if (f.channel === 'ownTrades') {
      if (snapshot) this.handlers.onSnapshot?.(f.channel, f.trades.length);
      for (const t of f.trades) {
        if (snapshot) this.stats.snapshotTrades++;
        else this.stats.trades++;
        this.handlers.onTrade?.(t, snapshot);
      }
    } else {
      if (snapshot) {
        this.handlers.onSnapshot?.(f.channel, f.orders.length);
        this.openOrders.clear();
      }
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
      return this.malformed('subscriptionStatus for unknown channel ' + String(name));
    }
    if (status === 'subscribed' || (status === 'error' && ALREADY_SUBSCRIBED_RE.test(errorMessage ?? '')))
      return this.onSubscribed(name, status === 'subscribed');
    if (status === 'unsubscribed') return this.onUnsubscribed(name);
    if (status === 'error') return this.onSubscribeFailed(name, name, errorMessage);
    this.channels[name].subscribed = false;
  }
}
