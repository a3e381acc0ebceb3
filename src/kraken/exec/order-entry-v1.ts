/** The engine's order entry over Kraken's private WebSocket v1 (addOrder, ownTrades, openOrders). */
import type { FeeAmount } from '../../core/trade-types.js';
import type { OrderRequest, OrderStatus } from '../../engine/trade/order-entry.js';
import { KrakenPrivateV1, type AddOrderResult } from '../ws/v1/private.js';
import type { AddOrderParams } from '../ws/v1/messages.js';
import {
  deadlineText,
  reportGap,
  SessionOrderEntry,
  privateClientOptions,
  sessionHandlers,
  type KrakenAck,
  type KrakenOrderEntryOptions,
} from './session-order-entry.js';
import { pairAssetsOf, quoteValueOfFees, type PairAssets } from '../fee-assets.js';

/** v1 order flag: the fee is charged in the quote currency. */
export const FEE_IN_QUOTE = 'fciq';

/**
 * v1 fees carry no asset: it is the base asset when the order said fcib (its oflags, from
 * openOrders), else the quote currency. We always send fciq; an order whose flags we have not
 * seen is taken at its word.
 */
export function v1Fees(qty: number, oflags: string | undefined, pair: PairAssets): FeeAmount[] {
  const inBase = (oflags ?? '').split(',').includes('fcib');
  return [{ asset: inBase ? pair.base : pair.quote, qty }];
}

export class KrakenOrderEntryV1 extends SessionOrderEntry<AddOrderParams, AddOrderResult, KrakenPrivateV1> {
  protected readonly client: KrakenPrivateV1;

  constructor(o: KrakenOrderEntryOptions) {
    super(o);
    this.client = new KrakenPrivateV1(privateClientOptions(o, 'private-v1'), {
      ...sessionHandlers(o, () => this.closing),
      onLateAck: (ack) => this.onLateAck(ack),
      onTrade: (t, snapshot) => {
        if (snapshot) return;
        const pair = pairAssetsOf(t.pair);
        const fees = v1Fees(t.fee, this.client.openOrders.get(t.ordertxid)?.oflags, pair);
        o.events.addFill(
          t.ordertxid,
          {
            tradeId: t.tradeId,
            volume: t.vol,
            price: t.price,
            cost: t.cost,
            fee: quoteValueOfFees(fees, pair, t.price).value,
            fees,
          },
          t.userref,
        );
      },
      onOrder: (order, _delta, snapshot) => {
        if (snapshot && order.status !== undefined && order.status !== 'open' && order.status !== 'pending')
          return;
        const pairName = order.descr?.pair;
        const pair = pairName === undefined ? undefined : pairAssetsOf(pairName);
        const fees =
          order.fee === undefined || pair === undefined ? undefined : v1Fees(order.fee, order.oflags, pair);
        const avg = order.avg_price ?? (order.cost ?? NaN) / (order.vol_exec ?? NaN);
        o.events.updateOrder(order.orderId, {
          status: order.status as OrderStatus | undefined,
          volExec: order.vol_exec,
          cost: order.cost,
          // Without its pair the fee's asset is unknown: it is then taken as quote (fciq sent).
          fee: fees === undefined || pair === undefined ? order.fee : quoteValueOfFees(fees, pair, avg).value,
          fees,
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
    });
  }

  protected toAck(r: AddOrderResult): KrakenAck & { reqId: number } {
    return r.status === 'ok'
      ? { status: 'ok', txid: r.txid, reqId: r.reqid }
      : { status: 'error', errorMessage: r.errorMessage, reqId: r.reqid };
  }

  protected toParams(order: OrderRequest): AddOrderParams {
    return {
      ordertype: order.ordertype,
      type: order.side,
      pair: order.pair.wsname,
      volume: order.volume,
      price: order.price,
      timeinforce: order.timeinforce,
      // Fee in quote on both legs, stated: Kraken's default for a sell is the base asset, which
      // would leave the bought volume short of its own sell (docs/kraken-protocol.md).
      oflags: FEE_IN_QUOTE,
      userref: order.userref,
      deadline: deadlineText(order.deadlineMs),
    };
  }
}
