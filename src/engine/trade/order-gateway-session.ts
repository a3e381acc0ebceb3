/**
 * What both OrderGateway adapters (order-gateway-v1.ts, order-gateway-v2.ts) do the same way with
 * their private client: the options they take, the client handlers that log, raise the
 * private-socket alert and ask the trader to reconcile when data may have been missed, and the
 * acks that come after the trader stopped waiting (handed to the tracker by the order's userref).
 */
import type { PrivateSessionHandlers } from '../../kraken/ws/private-session-types.js';
import type { AttemptBudget } from '../../kraken/ws/connection-budget.js';
import { isOutcomeUnknown } from '../../kraken/ws/order-errors.js';
import type { Logger } from '../../log/logger.js';
import type { AlertEvent } from '../threads/messages.js';
import type { GatewayAck, GatewayOrder, OrderGateway } from './order-gateway.js';
import type { OrderTracker } from './order-tracker.js';

export interface OrderGatewayOptions {
  url: string;
  getToken: () => Promise<string>;
  ackTimeoutMs: number;
  tracker: OrderTracker;
  log: Logger;
  alert: (a: AlertEvent) => void;
  /** Called when data may have been missed (sequence gap, malformed data, socket closed): the trader reconciles. */
  onGap: () => void;
  /** The process-wide connection budget every private socket attempt takes from. */
  connectionBudget?: AttemptBudget;
  /** The socket is open again after `attempts` reconnect attempts and `downtimeMs` down. */
  onReconnected?: (attempts: number, downtimeMs: number) => void;
}

/** The private client handlers whose shape and meaning are the same in v1 and v2. */
type SessionHandlers = Required<Omit<PrivateSessionHandlers<unknown>, 'onLateAck'>>;

/** Orders whose ack is still awaited after the trader gave up on it (one trade at a time: few). */
const MAX_LATE_ACK_REFS = 256;

/**
 * `isClosing`: true once the gateway itself is being closed (shutdown). Only that close is quiet;
 * every other one — including a reconnect the client asked for after a token error — is logged,
 * alerted and makes the trader reconcile.
 */
export function sessionHandlers(o: OrderGatewayOptions, isClosing: () => boolean): SessionHandlers {
  let attempts = 0;
  let downSinceMs = 0;
  return {
    onError: (code, message) => o.log.warn('private socket error', { code, message }),
    onOpen: () => {
      o.log.info('private socket open');
      if (attempts > 0) o.onReconnected?.(attempts, Date.now() - downSinceMs);
      attempts = 0;
      downSinceMs = 0;
    },
    onClose: (reason) => {
      if (isClosing()) return;
      o.log.warn('private socket closed', { reason });
      o.alert({
        key: 'private-socket',
        severity: 'warning',
        text: `Private socket closed (${String(reason)})`,
      });
      o.onGap();
    },
    onReconnecting: (delayMs, reason, attempt) => {
      if (attempts++ === 0) downSinceMs = Date.now();
      o.log.info('private socket reconnecting', { delayMs, reason, attempt });
    },
    onTokenRefreshed: (refreshes) => o.log.info('private session token refreshed', { refreshes }),
  };
}

/** A sequence gap or unreadable data: the client resubscribes; the trader reconciles. */
export function reportGap(o: OrderGatewayOptions, details: Record<string, unknown>): void {
  o.log.warn('private stream gap; resubscribing and reconciling', details);
  o.onGap();
}

/** The gateway's life cycle is its private client's; subclasses map orders, acks and fills. */
export abstract class SessionGateway<
  Params,
  Result,
  Client extends {
    readonly ready: boolean;
    start(): void;
    close(): void;
    rehearseAddOrder(params: Params): number;
  },
> implements OrderGateway {
  protected abstract readonly client: Client;
  /** Set by close(): the socket's own close is then expected, not an incident. */
  protected closing = false;
  /** Request id → userref of orders whose ack timed out or was cut off: a late ack is theirs. */
  private readonly awaitingLateAck = new Map<number, number>();

  constructor(protected readonly o: OrderGatewayOptions) {}

  /** The order in the client's own parameters (the API version's field names). */
  protected abstract toParams(order: GatewayOrder): Params;
  protected abstract send(params: Params): Promise<Result>;
  /** Kraken's answer in the gateway's terms, with its request id. */
  protected abstract toAck(result: Result): GatewayAck & { reqId: number };

  async addOrder(order: GatewayOrder): Promise<GatewayAck> {
    try {
      const { reqId: _reqId, ...ack } = this.toAck(await this.send(this.toParams(order)));
      return ack;
    } catch (err) {
      if (isOutcomeUnknown(err)) {
        this.awaitingLateAck.set(err.reqid, order.userref);
        if (this.awaitingLateAck.size > MAX_LATE_ACK_REFS)
          this.awaitingLateAck.delete(this.awaitingLateAck.keys().next().value as number);
      }
      throw err;
    }
  }

  /** The client's onLateAck: an add ack for an order we stopped waiting for goes to the tracker. */
  protected onLateAck(result: unknown): void {
    const ack = this.isAddResult(result) ? this.toAck(result) : undefined;
    const userref = ack === undefined ? undefined : this.awaitingLateAck.get(ack.reqId);
    if (ack === undefined || userref === undefined) {
      this.o.log.warn('acknowledgement for no order we know', { ack: result });
      return;
    }
    this.awaitingLateAck.delete(ack.reqId);
    this.o.log.warn('late order acknowledgement: the order is followed again', { userref, ack });
    if (ack.status === 'ok') this.o.tracker.notePlaced(userref, ack.txid, 'late-ack');
    else this.o.tracker.noteRejected(userref, ack.errorMessage);
  }

  /** Tells an add result from a cancel result (both can arrive late). */
  protected abstract isAddResult(result: unknown): result is Result;

  rehearse(order: GatewayOrder): void {
    this.client.rehearseAddOrder(this.toParams(order));
  }

  isReady(): boolean {
    return this.client.ready;
  }

  start(): void {
    this.client.start();
  }

  close(): void {
    this.closing = true;
    this.client.close();
  }
}
