/**
 * What Kraken's order entry does the same way over WebSocket v1 and v2 (order-entry-v1.ts,
 * order-entry-v2.ts): the options, the private client handlers that log, raise the private-socket
 * alert and ask the trader to reconcile when data may have been missed, Kraken's answers mapped to
 * the engine's OrderAck (a timeout or a lost socket is `unknown`, never an error), and the acks
 * that come after the trader stopped waiting (handed on by the order's userref).
 */
import type { PrivateSessionHandlers, RehearsalTarget } from '../ws/shared/private-session-types.js';
import type { AttemptBudget } from '../ws/shared/connection-budget.js';
import { isOutcomeUnknown, OrderNotSentError } from '../order-errors.js';
import type { Logger } from '../../log/logger.js';
import type { AlertEvent } from '../../engine/threads/messages.js';
import type {
  OrderAck,
  OrderEntry,
  OrderEvents,
  OrderRequest,
  SendPathWarmth,
} from '../../engine/trade/order-entry.js';
import {
  privateSocketClosedAlert,
  privateSocketReopenedAlert,
  privateTokenFailingAlert,
  privateTokenRecoveredAlert,
} from '../../notify/alerts.js';
import { SendPathWarmer } from '../ws/shared/send-path-warmer.js';

export interface KrakenOrderEntryOptions {
  url: string;
  getToken: () => Promise<string>;
  ackTimeoutMs: number;
  /** Where fills, status changes and late acks of our orders go (the trader's OrderTracker). */
  events: OrderEvents;
  log: Logger;
  alert: (a: AlertEvent) => void;
  /** Called when data may have been missed (sequence gap, malformed data, socket closed): the trader reconciles. */
  onGap: () => void;
  /** The process-wide connection budget every private socket attempt takes from. */
  connectionBudget?: AttemptBudget;
  /** The socket is open again after `attempts` reconnect attempts and `downtimeMs` down. */
  onReconnected?: (attempts: number, downtimeMs: number) => void;
}

/** The private client's options from the order entry's, whatever the API version. */
export function privateClientOptions(o: KrakenOrderEntryOptions, name: string) {
  return {
    url: o.url,
    getToken: o.getToken,
    name,
    ackTimeoutMs: o.ackTimeoutMs,
    connection: { budget: o.connectionBudget },
  };
}

/** The private client handlers whose shape and meaning are the same in v1 and v2. */
type SessionHandlers = Required<Omit<PrivateSessionHandlers<unknown>, 'onLateAck'>>;

/** Kraken's word on an order: placed, or refused with its error. */
export type KrakenAck = Extract<OrderAck, { status: 'ok' | 'error' }>;

/** Token fetches failed in a row on one socket before it is alerted (the fetcher's polls: the third). */
export const TOKEN_FAILURES_ALERTED = 3;

/** Orders whose ack is still awaited after the trader gave up on it (one trade at a time: few). */
const MAX_LATE_ACK_REFS = 256;

/**
 * `isClosing`: true once the order entry itself is being closed (shutdown). Only that close is quiet;
 * every other one — including a reconnect the client asked for after repeated session errors — is
 * logged, alerted and makes the trader reconcile. A token fetch that fails keeps the socket (it is
 * tried again on it) and is alerted at the TOKEN_FAILURES_ALERTED-th failure in a row.
 */
export function sessionHandlers(o: KrakenOrderEntryOptions, isClosing: () => boolean): SessionHandlers {
  let attempts = 0;
  let downSinceMs = 0;
  /** When the alerted close happened (0: none outstanding): the reopen is alerted as its end. */
  let closedAtMs = 0;
  return {
    onError: (code, message) => o.log.warn('private socket error', { code, message }),
    onOpen: () => {
      o.log.info('private socket open');
      if (attempts > 0) o.onReconnected?.(attempts, Date.now() - downSinceMs);
      if (closedAtMs > 0) o.alert(privateSocketReopenedAlert(Date.now() - closedAtMs));
      attempts = 0;
      downSinceMs = 0;
      closedAtMs = 0;
    },
    onClose: (reason) => {
      if (isClosing()) return;
      o.log.warn('private socket closed', { reason });
      o.alert(privateSocketClosedAlert(String(reason)));
      if (closedAtMs === 0) closedAtMs = Date.now();
      o.onGap();
    },
    onReconnecting: (delayMs, reason, attempt) => {
      if (attempts++ === 0) downSinceMs = Date.now();
      o.log.info('private socket reconnecting', { delayMs, reason, attempt });
    },
    onTokenRefreshed: (refreshes) => o.log.info('private session token refreshed', { refreshes }),
    // The socket stays open and the fetch is tried again on it (private-session.ts): no close
    // alerts it, so a run of failures is alerted here, once.
    onTokenFailure: (failures, message) => {
      if (failures === TOKEN_FAILURES_ALERTED) o.alert(privateTokenFailingAlert(failures, message));
    },
    onTokenRecovered: (failures) => {
      o.log.info('private socket token fetched after failures', { failures });
      if (failures >= TOKEN_FAILURES_ALERTED) o.alert(privateTokenRecoveredAlert(failures));
    },
  };
}

/** A sequence gap or unreadable data: the client resubscribes; the trader reconciles. */
export function reportGap(o: KrakenOrderEntryOptions, details: Record<string, unknown>): void {
  o.log.warn('private stream gap; resubscribing and reconciling', details);
  o.onGap();
}

/** Kraken's `deadline` text: RFC3339 in UTC with milliseconds. */
export function deadlineText(deadlineMs: number): string {
  return new Date(deadlineMs).toISOString();
}

/** The order entry's life cycle is its private client's; subclasses map orders, acks and fills. */
export abstract class SessionOrderEntry<
  Params,
  Result,
  Client extends {
    readonly ready: boolean;
    start(): void;
    close(): void;
    rehearsalTarget: RehearsalTarget | null;
    addOrder(params: Params, rehearsal: boolean): Promise<Result>;
    readonly lastOrderWriteUs: number;
  },
> implements OrderEntry {
  protected abstract readonly client: Client;
  /** addOrder honours OrderRequest.rehearsal (order-entry.ts). */
  readonly rehearsesOrders = true;
  /** Set by close(): the socket's own close is then expected, not an incident. */
  protected closing = false;
  /** Request id → userref of orders whose ack timed out or was cut off: a late ack is theirs. */
  private readonly awaitingLateAck = new Map<number, number>();
  /** Where rehearsed orders' frames are written: a loopback socket of our own, never Kraken's. */
  readonly sendWarmer = new SendPathWarmer((reason) =>
    this.o.log.warn('send-path warmer switched off (orders unaffected)', { reason }),
  );

  constructor(protected readonly o: KrakenOrderEntryOptions) {}

  /** The order in the client's own parameters (the API version's field names). */
  protected abstract toParams(order: OrderRequest): Params;
  protected send(params: Params, rehearsal: boolean): Promise<Result> {
    return this.client.addOrder(params, rehearsal);
  }
  /** Kraken's answer in the engine's terms, with its request id. */
  protected abstract toAck(result: Result): KrakenAck & { reqId: number };

  /**
   * Places `order`; a rehearsal (`order.rehearsal`) is built and written by the same code to the
   * send-path warmer's loopback socket instead, and answers not-sent (private-session.ts).
   */
  async addOrder(order: OrderRequest): Promise<OrderAck> {
    try {
      const answer = await this.send(this.toParams(order), order.rehearsal === true);
      const { reqId: _reqId, ...ack } = this.toAck(answer);
      return ack;
    } catch (err) {
      if (err instanceof OrderNotSentError) return { status: 'not-sent', reason: err.message };
      // A WebSocket request always has its reqid (only REST's unknown outcome has none).
      if (isOutcomeUnknown(err) && err.reqid !== undefined) {
        this.awaitingLateAck.set(err.reqid, order.userref);
        if (this.awaitingLateAck.size > MAX_LATE_ACK_REFS)
          this.awaitingLateAck.delete(this.awaitingLateAck.keys().next().value as number);
      }
      return {
        status: 'unknown',
        reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      };
    }
  }

  /** The client's onLateAck: an add ack for an order we stopped waiting for goes to the events. */
  protected onLateAck(result: unknown): void {
    const ack = this.isAddResult(result) ? this.toAck(result) : undefined;
    const userref = ack === undefined ? undefined : this.awaitingLateAck.get(ack.reqId);
    if (ack === undefined || userref === undefined) {
      this.o.log.warn('acknowledgement for no order we know', { ack: result });
      return;
    }
    this.awaitingLateAck.delete(ack.reqId);
    this.o.log.warn('late order acknowledgement: the order is followed again', { userref, ack });
    if (ack.status === 'ok') this.o.events.notePlaced(userref, ack.txid, 'late-ack');
    else this.o.events.noteRejected(userref, ack.errorMessage);
  }

  /** Tells an add result from a cancel result (both can arrive late; only a cancel's has `cancelled`). */
  protected isAddResult(result: unknown): result is Result {
    return typeof result === 'object' && result !== null && !('cancelled' in result);
  }

  lastWriteUs(): number {
    return this.client.lastOrderWriteUs;
  }

  sendPathWarmth(): SendPathWarmth {
    return { sent: this.sendWarmer.sent, received: this.sendWarmer.received };
  }

  isReady(): boolean {
    return this.client.ready;
  }

  start(): void {
    this.client.rehearsalTarget = this.sendWarmer;
    this.client.start();
    this.sendWarmer.start();
  }

  close(): void {
    this.closing = true;
    this.sendWarmer.close();
    this.client.close();
  }
}
