/**
 * The engine's order entry over Kraken's private WebSocket v2 (add_order, executions). Mirrors
 * order-entry-v1.ts: `trade` reports become fills, order status changes become order updates
 * (v2 status → the engine's OrderStatus), gaps and closes trigger reconciliation.
 */
import type { FeeAmount } from '../../core/trade-types.js';
import type { OrderEvents, OrderRequest, OrderStatus } from '../../engine/trade/order-entry.js';
import { KrakenPrivateV2, type AddOrderV2Result } from '../ws/v2/private.js';
import type { AddOrderV2Params } from '../ws/v2/messages.js';
import type { ExecutionReport } from '../ws/v2/executions-parse.js';
import {
  deadlineText,
  reportGap,
  SessionOrderEntry,
  privateClientOptions,
  sessionHandlers,
  type KrakenAck,
  type KrakenOrderEntryOptions,
} from './session-order-entry.js';
import {
  addFees,
  normaliseFeeAsset,
  pairAssetsOf,
  quoteValueOfFees,
  type PairAssets,
} from '../fee-assets.js';

/** v2 order_status → the engine's OrderStatus (v1's vocabulary). */
const STATUS_MAP: Readonly<Record<string, OrderStatus>> = {
  pending_new: 'pending',
  new: 'open',
  partially_filled: 'open',
  filled: 'closed',
  canceled: 'canceled',
  expired: 'expired',
};
/** When a report has no order_status, some exec_types still say where the order stands. */
const EXEC_TYPE_STATUS: Readonly<Record<string, OrderStatus>> = {
  pending_new: 'pending',
  new: 'open',
  filled: 'closed',
  canceled: 'canceled',
  expired: 'expired',
};
/** Orders whose fees are kept at most (the trader follows one order at a time). */
const MAX_FEE_ORDERS = 512;

/** Per order: its pair (from the first report that names its symbol) and its fees so far, per asset. */
interface OrderFees {
  pair: PairAssets | undefined;
  fees: FeeAmount[];
}

/** The order status a report implies, or undefined. Exported for tests. */
export function trackedStatusOf(r: ExecutionReport): OrderStatus | undefined {
  if (r.orderStatus !== undefined) return STATUS_MAP[r.orderStatus];
  return EXEC_TYPE_STATUS[r.execType];
}

export class KrakenOrderEntryV2 extends SessionOrderEntry<
  AddOrderV2Params,
  AddOrderV2Result,
  KrakenPrivateV2
> {
  protected readonly client: KrakenPrivateV2;
  /** Trade fees per order id and asset: v2 reports carry per-execution fees, no cumulative fee. */
  private readonly orderFees = new Map<string, OrderFees>();

  constructor(o: KrakenOrderEntryOptions) {
    super(o);
    this.client = new KrakenPrivateV2(privateClientOptions(o, 'private-v2'), {
      ...sessionHandlers(o, () => this.closing),
      onLateAck: (ack) => this.onLateAck(ack),
      onExecution: (r, snapshot) => this.onExecution(o.events, r, snapshot),
      onSnapshot: (reports) => o.log.debug('executions snapshot', { reports }),
      onGap: (expected, received, reason) => reportGap(o, { expected, received, reason }),
      onChannelStatus: (subscribed, errorMessage) => {
        if (errorMessage !== undefined)
          o.log.warn('private subscription error', { channel: 'executions', errorMessage });
        else o.log.debug('private subscription', { channel: 'executions', subscribed });
      },
    });
  }

  /** The underlying client (stats, tests). */
  get privateClient(): KrakenPrivateV2 {
    return this.client;
  }

  protected toAck(r: AddOrderV2Result): KrakenAck & { reqId: number } {
    return r.status === 'ok'
      ? { status: 'ok', txid: r.orderId, reqId: r.reqId }
      : { status: 'error', errorMessage: r.errorMessage, reqId: r.reqId };
  }

  private onExecution(events: OrderEvents, r: ExecutionReport, snapshot: boolean): void {
    const known = this.orderFees.get(r.orderId);
    const pair = r.symbol !== undefined ? pairAssetsOf(r.symbol) : known?.pair;
    let total = known;
    if (r.execType === 'trade' && !snapshot) {
      // Snapshot trades happened before we started: never new fills (as v1's ownTrades snapshot).
      const fees =
        pair === undefined ? r.fees : r.fees.map((f) => ({ ...f, asset: normaliseFeeAsset(f.asset, pair) }));
      total = { pair, fees: addFees(known?.fees ?? [], fees) };
      this.remember(r.orderId, total);
      events.addFill(
        r.orderId,
        {
          tradeId: String(r.tradeId ?? r.execId),
          volume: r.lastQty as number,
          price: r.lastPrice as number,
          cost: r.cost as number,
          fee: feeValue(fees, pair, r.lastPrice as number),
          fees,
        },
        r.orderUserref,
      );
    } else if (known === undefined && pair !== undefined) {
      this.remember(r.orderId, { pair, fees: [] });
    }
    const status = trackedStatusOf(r);
    // The open-orders snapshot describes live orders; a final one there is old news (as v1).
    if (snapshot && status !== undefined && status !== 'open' && status !== 'pending') return;
    if (status === undefined && r.cumQty === undefined && r.reason === undefined) {
      events.notePlaced(r.orderUserref, r.orderId);
      return;
    }
    const avg = r.avgPrice ?? (r.cumCost ?? NaN) / (r.cumQty ?? NaN);
    events.updateOrder(r.orderId, {
      userref: r.orderUserref,
      status,
      volExec: r.cumQty,
      cost: r.cumCost,
      fee: total === undefined || total.fees.length === 0 ? undefined : feeValue(total.fees, total.pair, avg),
      fees: total === undefined || total.fees.length === 0 ? undefined : total.fees,
      reason: r.reason,
    });
  }

  private remember(orderId: string, f: OrderFees): void {
    this.orderFees.delete(orderId);
    this.orderFees.set(orderId, f);
    if (this.orderFees.size > MAX_FEE_ORDERS) {
      const oldest = this.orderFees.keys().next().value as string;
      this.orderFees.delete(oldest);
    }
  }

  protected toParams(order: OrderRequest): AddOrderV2Params {
    return {
      order_type: order.ordertype,
      side: order.side,
      symbol: order.pair.symbol,
      order_qty: order.volume,
      limit_price: order.price,
      time_in_force: order.timeinforce === 'IOC' ? 'ioc' : undefined,
      // Fee in quote on both legs, stated (see order-entry-v1.ts).
      fee_preference: 'quote',
      order_userref: order.userref,
      deadline: deadlineText(order.deadlineMs),
    };
  }
}

/** Quote value of fees at `price`; without the pair, every fee is taken as quote (we send quote). */
function feeValue(fees: readonly FeeAmount[], pair: PairAssets | undefined, price: number): number {
  if (pair === undefined) return fees.reduce((s, f) => s + f.qty, 0);
  return quoteValueOfFees(fees, pair, price).value;
}
