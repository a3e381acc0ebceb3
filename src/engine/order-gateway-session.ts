/**
 * What both OrderGateway adapters (order-gateway-v1.ts, order-gateway-v2.ts) do the same way with
 * their private client: the options they take, and the client handlers that log, raise the
 * private-socket alert and ask the trader to reconcile when data may have been missed.
 */
import type { PrivateSessionHandlers } from '../kraken/ws/private-session-types.js';
import type { AttemptBudget } from '../kraken/ws/connection-budget.js';
import type { Logger } from '../log/logger.js';
import type { AlertEvent } from './messages.js';
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
}

/** The private client handlers whose shape and meaning are the same in v1 and v2. */
type SessionHandlers = Required<PrivateSessionHandlers<unknown>>;

/**
 * `isClosing`: true once the gateway itself is being closed (shutdown). Only that close is quiet;
 * every other one — including a reconnect the client asked for after a token error — is logged,
 * alerted and makes the trader reconcile.
 */
export function sessionHandlers(o: OrderGatewayOptions, isClosing: () => boolean): SessionHandlers {
  return {
    onLateAck: (ack) => o.log.warn('late order acknowledgement (order was treated as unknown)', { ack }),
    onError: (code, message) => o.log.warn('private socket error', { code, message }),
    onOpen: () => o.log.info('private socket open'),
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
    onReconnecting: (delayMs, reason, attempt) =>
      o.log.info('private socket reconnecting', { delayMs, reason, attempt }),
  };
}

/** A sequence gap or unreadable data: the client resubscribes; the trader reconciles. */
export function reportGap(o: OrderGatewayOptions, details: Record<string, unknown>): void {
  o.log.warn('private stream gap; resubscribing and reconciling', details);
  o.onGap();
}

/** The gateway's life cycle is its private client's; subclasses map orders and fills. */
export abstract class SessionGateway<
  Params,
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

  abstract addOrder(order: GatewayOrder): Promise<GatewayAck>;
  /** The order in the client's own parameters (the API version's field names). */
  protected abstract toParams(order: GatewayOrder): Params;

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
