/** OrderGateway over Kraken's private WebSocket v1 (addOrder, ownTrades, openOrders). */
import { KrakenPrivateV1 } from '../kraken/ws/private-v1.js';
import type { GatewayAck, GatewayOrder, OrderGateway } from './order-gateway.js';
import type { OrderTracker, TrackedStatus } from './order-tracker.js';
import type { Logger } from '../log/logger.js';
import type { AlertEvent } from './messages.js';

export interface GatewayV1Options {
  url: string;
  getToken: () => Promise<string>;
  ackTimeoutMs: number;
  tracker: OrderTracker;
  log: Logger;
  alert: (a: AlertEvent) => void;
  /** Called when data may have been missed (sequence gap, reconnect): the trader reconciles. */
  onGap: () => void;
}

export class OrderGatewayV1 implements OrderGateway {
  private readonly client: KrakenPrivateV1;

  constructor(o: GatewayV1Options) {
    this.client = new KrakenPrivateV1(
      { url: o.url, getToken: o.getToken, name: 'private-v1', ackTimeoutMs: o.ackTimeoutMs },
      {
        onTrade: (t, snapshot) => {
          if (snapshot) return;
          o.tracker.addFill(t.ordertxid, {
            tradeId: t.tradeId,
            volume: t.vol,
            price: t.price,
            cost: t.cost,
            fee: t.fee,
          });
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
          });
        },
        onGap: (channel, expected, received, reason) => {
          o.log.warn('private stream gap; resubscribing and reconciling', {
            channel,
            expected,
            received,
            reason,
          });
          o.onGap();
        },
        onChannelStatus: (channel, subscribed, errorMessage) => {
          if (errorMessage !== undefined && errorMessage !== 'disconnected')
            o.log.warn('private subscription error', { channel, errorMessage });
          else o.log.debug('private subscription', { channel, subscribed });
        },
        onLateAck: (ack) => o.log.warn('late order acknowledgement (order was treated as unknown)', { ack }),
        onError: (code, message) => o.log.warn('private socket error', { code, message }),
        onOpen: () => o.log.info('private socket open'),
        onClose: (reason) => {
          if (reason === 'requested') return; // our own shutdown
          o.log.warn('private socket closed', { reason });
          o.alert({
            key: 'private-socket',
            severity: 'warning',
            text: `Private socket closed (${String(reason)})`,
          });
          o.onGap();
        },
        onReconnecting: (delayMs, reason, attempt) =>
          o.log.info('private socket reconnecting', { delayMs, reason, attempt }),
      },
    );
  }

  isReady(): boolean {
    return this.client.ready;
  }

  async addOrder(order: GatewayOrder): Promise<GatewayAck> {
    const r = await this.client.addOrder({
      ordertype: order.ordertype,
      type: order.side,
      pair: order.pair.wsname,
      volume: order.volume,
      price: order.price,
      timeinforce: order.timeinforce,
      userref: order.userref,
    });
    return r.status === 'ok'
      ? { status: 'ok', txid: r.txid }
      : { status: 'error', errorMessage: r.errorMessage };
  }

  start(): void {
    this.client.start();
  }

  close(): void {
    this.client.close();
  }
}
