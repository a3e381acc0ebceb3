/**
 * OrderGateway over Kraken's private WebSocket v2 (add_order, executions). Mirrors
 * order-gateway-v1.ts: `trade` reports become tracker fills, order status changes become tracker
 * updates (v2 status → the tracker's v1-style status), gaps and closes trigger reconciliation.
 */
import { KrakenPrivateV2, type AddOrderV2Result } from '../kraken/ws-v2/private-v2.js';
import type { AddOrderV2Params } from '../kraken/ws-v2/messages-v2.js';
import type { ExecutionReport } from '../kraken/ws-v2/executions-parse.js';
import { deadlineText, type GatewayAck, type GatewayOrder } from './order-gateway.js';
import {
  reportGap,
  SessionGateway,
  sessionHandlers,
  type OrderGatewayOptions,
} from './order-gateway-session.js';
import type { OrderTracker, TrackedStatus } from './order-tracker.js';

export type GatewayV2Options = OrderGatewayOptions;

/** v2 order_status → tracker status (v1 vocabulary). */
const STATUS_MAP: Readonly<Record<string, TrackedStatus>> = {
  pending_new: 'pending',
  new: 'open',
  partially_filled: 'open',
  filled: 'closed',
  canceled: 'canceled',
  expired: 'expired',
};
/** When a report has no order_status, some exec_types still say where the order stands. */
const EXEC_TYPE_STATUS: Readonly<Record<string, TrackedStatus>> = {
  pending_new: 'pending',
  new: 'open',
  filled: 'closed',
  canceled: 'canceled',
  expired: 'expired',
};
/** Orders whose fees are summed at most (the trader follows one order at a time). */
const MAX_FEE_ORDERS = 512;

/** The tracker status a report implies, or undefined. Exported for tests. */
export function trackedStatusOf(r: ExecutionReport): TrackedStatus | undefined {
  if (r.orderStatus !== undefined) return STATUS_MAP[r.orderStatus];
  return EXEC_TYPE_STATUS[r.execType];
}

export class OrderGatewayV2 extends SessionGateway<AddOrderV2Params, AddOrderV2Result, KrakenPrivateV2> {
  protected readonly client: KrakenPrivateV2;
  /** Sum of trade fees per order id: v2 reports carry per-execution fees, no cumulative fee. */
  private readonly fees = new Map<string, number>();

  constructor(o: GatewayV2Options) {
    super(o);
    this.client = new KrakenPrivateV2(
      {
        url: o.url,
        getToken: o.getToken,
        name: 'private-v2',
        ackTimeoutMs: o.ackTimeoutMs,
        connection: { budget: o.connectionBudget },
      },
      {
        ...sessionHandlers(o, () => this.closing),
        onLateAck: (ack) => this.onLateAck(ack),
        onExecution: (r, snapshot) => this.onExecution(o.tracker, r, snapshot),
        onSnapshot: (reports) => o.log.debug('executions snapshot', { reports }),
        onGap: (expected, received, reason) => reportGap(o, { expected, received, reason }),
        onChannelStatus: (subscribed, errorMessage) => {
          if (errorMessage !== undefined)
            o.log.warn('private subscription error', { channel: 'executions', errorMessage });
          else o.log.debug('private subscription', { channel: 'executions', subscribed });
        },
      },
    );
  }

  /** The underlying client (stats, tests). */
  get privateClient(): KrakenPrivateV2 {
    return this.client;
  }

  protected send(params: AddOrderV2Params): Promise<AddOrderV2Result> {
    return this.client.addOrder(params);
  }

  protected toAck(r: AddOrderV2Result): GatewayAck & { reqId: number } {
    return r.status === 'ok'
      ? { status: 'ok', txid: r.orderId, reqId: r.reqId }
      : { status: 'error', errorMessage: r.errorMessage, reqId: r.reqId };
  }

  protected isAddResult(r: unknown): r is AddOrderV2Result {
    return typeof r === 'object' && r !== null && !('cancelled' in r);
  }

  private onExecution(tracker: OrderTracker, r: ExecutionReport, snapshot: boolean): void {
    let fee: number | undefined = this.fees.get(r.orderId);
    if (r.execType === 'trade' && !snapshot) {
      // Snapshot trades happened before we started: never new fills (as v1's ownTrades snapshot).
      fee = (fee ?? 0) + r.feeTotal;
      this.rememberFee(r.orderId, fee);
      tracker.addFill(
        r.orderId,
        {
          tradeId: String(r.tradeId ?? r.execId),
          volume: r.lastQty as number,
          price: r.lastPrice as number,
          cost: r.cost as number,
          fee: r.feeTotal,
        },
        r.orderUserref,
      );
    }
    const status = trackedStatusOf(r);
    // The open-orders snapshot describes live orders; a final one there is old news (as v1).
    if (snapshot && status !== undefined && status !== 'open' && status !== 'pending') return;
    if (status === undefined && r.cumQty === undefined && r.reason === undefined) {
      tracker.notePlaced(r.orderUserref, r.orderId);
      return;
    }
    tracker.updateOrder(r.orderId, {
      userref: r.orderUserref,
      status,
      volExec: r.cumQty,
      cost: r.cumCost,
      fee,
      reason: r.reason,
    });
  }

  private rememberFee(orderId: string, fee: number): void {
    this.fees.delete(orderId);
    this.fees.set(orderId, fee);
    if (this.fees.size > MAX_FEE_ORDERS) {
      const oldest = this.fees.keys().next().value as string;
      this.fees.delete(oldest);
    }
  }

  protected toParams(order: GatewayOrder): AddOrderV2Params {
    return {
      order_type: order.ordertype,
      side: order.side,
      symbol: order.pair.symbol,
      order_qty: order.volume,
      limit_price: order.price,
      time_in_force: order.timeinforce === 'IOC' ? 'ioc' : undefined,
      order_userref: order.userref,
      deadline: deadlineText(order.deadlineMs),
    };
  }
}
