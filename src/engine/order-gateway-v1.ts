/** OrderGateway over Kraken's private WebSocket v1 (addOrder, ownTrades, openOrders). */
import { KrakenPrivateV1, type AddOrderResult } from '../kraken/ws/private-v1.js';
import type { AddOrderParams } from '../kraken/ws/messages-v1.js';
import { deadlineText, type GatewayAck, type GatewayOrder } from './order-gateway.js';
import {
  reportGap,
  SessionGateway,
  sessionHandlers,
  type OrderGatewayOptions,
} from './order-gateway-session.js';
import type { TrackedStatus } from './order-tracker.js';

export type GatewayV1Options = OrderGatewayOptions;

export class OrderGatewayV1 extends SessionGateway<AddOrderParams, AddOrderResult, KrakenPrivateV1> {
  protected readonly client: KrakenPrivateV1;

  constructor(o: GatewayV1Options) {
    super(o);
    this.client = new KrakenPrivateV1(
      {
        url: o.url,
        getToken: o.getToken,
        name: 'private-v1',
        ackTimeoutMs: o.ackTimeoutMs,
        connection: { budget: o.connectionBudget },
      },
      {
        ...sessionHandlers(o, () => this.closing),
        onLateAck: (ack) => this.onLateAck(ack),
        onTrade: (t, snapshot) => {
          if (snapshot) return;
          o.tracker.addFill(
            t.ordertxid,
            { tradeId: t.tradeId, volume: t.vol, price: t.price, cost: t.cost, fee: t.fee },
            t.userref,
          );
        },
        onOrder: (order, _delta, snapshot) => {
          if (snapshot && order.status !== undefined && order.status !== 'open' && order.status !== 'pending')
            return;
          o.tracker.updateOrder(order.orderId, {
            status: order.status as TrackedStatus | undefined,
            volExec: order.vol_exec,
            cost: order.cost,
            fee: order.fee,
            reason: order.cancel_reason,
            userref: order.userref,
          });
        },
        onGap: (channel, expected, received, reason) => reportGap(o, { channel, expected, received, reason }),
        onChannelStatus: (channel, subscribed, errorMessage) => {
          if (errorMessage !== undefined && errorMessage !== 'disconnected')
            o.log.warn('private subscription error', { channel, errorMessage });
          else o.log.debug('private subscription', { channel, subscribed });
        },
      },
    );
  }

  protected send(params: AddOrderParams): Promise<AddOrderResult> {
    return this.client.addOrder(params);
  }

  protected toAck(r: AddOrderResult): GatewayAck & { reqId: number } {
    return r.status === 'ok'
      ? { status: 'ok', txid: r.txid, reqId: r.reqid }
      : { status: 'error', errorMessage: r.errorMessage, reqId: r.reqid };
  }

  protected isAddResult(r: unknown): r is AddOrderResult {
    return typeof r === 'object' && r !== null && !('cancelled' in r);
  }

  protected toParams(order: GatewayOrder): AddOrderParams {
    return {
      ordertype: order.ordertype,
      type: order.side,
      pair: order.pair.wsname,
      volume: order.volume,
      price: order.price,
      timeinforce: order.timeinforce,
      userref: order.userref,
      deadline: deadlineText(order.deadlineMs),
    };
  }
}
