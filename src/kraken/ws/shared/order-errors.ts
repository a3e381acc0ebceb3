/**
 * Why an order request did not get Kraken's answer. Two distinct classes on purpose
 * (docs/design-decisions.md §3: "an order whose outcome is unknown is not rejected"):
 * - OrderNotSentError: nothing left the process; safe to treat as not placed.
 * - OrderOutcomeUnknownError: the request was written to the socket but no ack came back
 *   (timeout, socket drop, client closed). The order may be live: reconcile over REST.
 */
export type OrderNotSentCode = 'NOT_CONNECTED' | 'INVALID_ORDER';
export type OrderOutcomeUnknownCode = 'ACK_TIMEOUT' | 'DISCONNECTED' | 'CLIENT_CLOSED';

export class OrderNotSentError extends Error {
  readonly code: OrderNotSentCode;
  readonly retryable: boolean;
  constructor(code: OrderNotSentCode, message: string) {
    super(message);
    this.name = 'OrderNotSentError';
    this.code = code;
    this.retryable = code === 'NOT_CONNECTED';
  }
}

export class OrderOutcomeUnknownError extends Error {
  readonly code: OrderOutcomeUnknownCode;
  readonly reqid: number;
  readonly outcomeUnknown = true;
  constructor(code: OrderOutcomeUnknownCode, reqid: number, message: string) {
    super(message);
    this.name = 'OrderOutcomeUnknownError';
    this.code = code;
    this.reqid = reqid;
  }
}

export function isOutcomeUnknown(err: unknown): err is OrderOutcomeUnknownError {
  return err instanceof OrderOutcomeUnknownError;
}
