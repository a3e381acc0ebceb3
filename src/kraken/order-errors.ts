/**
 * Why an order request did not get Kraken's answer, for REST and WebSocket alike. Two distinct
 * classes on purpose (docs/design-decisions.md §3: "an order whose outcome is unknown is not rejected"):
 * - OrderNotSentError: nothing left the process; safe to treat as not placed.
 * - OrderOutcomeUnknownError: the request left the process but no answer came back (WS: ack
 *   timeout, socket drop, client closed; REST: an order-changing call lost in transport or
 *   answered unreadably). The order may be live: reconcile (QueryOrders/OpenOrders) before acting,
 *   never retry blindly.
 */
import { AppError, type AppErrorKind } from '../core/app-error.js';
import type { RetryClass } from './errors.js';

/** REHEARSAL: a rehearsed order (PrivateSessionBase.addOrder), written to the loopback warmer only. */
export type OrderNotSentCode = 'NOT_CONNECTED' | 'INVALID_ORDER' | 'REHEARSAL';
/** WebSocket: why no ack came; REST: KRAKEN_UNKNOWN_OUTCOME. */
export type OrderOutcomeUnknownCode =
  'ACK_TIMEOUT' | 'DISCONNECTED' | 'CLIENT_CLOSED' | 'KRAKEN_UNKNOWN_OUTCOME';

export class OrderNotSentError extends AppError {
  readonly code: OrderNotSentCode;
  readonly kind: AppErrorKind;
  readonly retryable: boolean;
  constructor(code: OrderNotSentCode, message: string) {
    super(message);
    this.name = 'OrderNotSentError';
    this.code = code;
    this.kind = code === 'NOT_CONNECTED' ? 'io' : 'protocol';
    this.retryable = code === 'NOT_CONNECTED';
  }
}

export class OrderOutcomeUnknownError extends AppError {
  readonly code: OrderOutcomeUnknownCode;
  readonly kind = 'venue';
  /** Never retried: a second send could trade twice. */
  readonly retry: RetryClass = 'not-retryable';
  /** The WebSocket request id; undefined for REST. */
  readonly reqid: number | undefined;
  /** The REST method; undefined for WebSocket. */
  readonly method: string | undefined;
  readonly outcomeUnknown = true;

  /** `rest`: the order-changing REST call and the transport failure that left its effect unknown. */
  constructor(
    code: OrderOutcomeUnknownCode,
    reqid: number | undefined,
    message: string,
    rest?: { readonly method: string; readonly cause: Error },
  ) {
    super(message, rest === undefined ? undefined : { cause: rest.cause });
    this.name = 'OrderOutcomeUnknownError';
    this.code = code;
    this.reqid = reqid;
    this.method = rest?.method;
  }

  /** An order-changing REST call (AddOrder, CancelOrder, ...) whose effect is unknown. */
  static afterRestCall(method: string, cause: Error): OrderOutcomeUnknownError {
    const message = `Kraken ${method}: outcome unknown, reconcile before acting (${cause.message})`;
    return new OrderOutcomeUnknownError('KRAKEN_UNKNOWN_OUTCOME', undefined, message, { method, cause });
  }
}

export function isOutcomeUnknown(err: unknown): err is OrderOutcomeUnknownError {
  return err instanceof OrderOutcomeUnknownError;
}
