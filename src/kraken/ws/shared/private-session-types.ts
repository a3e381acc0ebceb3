/**
 * The contract between the private-session base (private-session.ts) and its v1 / v2 clients:
 * options, handlers, stats and the version description each client supplies.
 */
import type { WebSocket } from 'ws';
import type { BackoffPolicy } from '../../backoff.js';
import type { DisconnectReason, WsConnectionOptions } from './connection.js';
import type { CancelResultOf } from './order-requests.js';
import type { Clock } from '../../../clock/clock.js';

export type PrivateSessionErrorCode =
  | 'TOKEN_ERROR' // getToken() failed
  | 'SESSION_ERROR' // token refreshes did not restore the session: reconnecting
  | 'SUBSCRIPTION_ERROR'
  | 'KRAKEN_ERROR'
  | 'RATE_LIMITED'
  | 'BAD_FRAME' // malformed JSON / message / data (counted, skipped)
  | 'UNMATCHED_ACK' // ack for a request id we no longer wait for (see onLateAck)
  | 'CONNECTION_ERROR';

export type GapReason = 'sequence' | 'malformed';

/**
 * Where a rehearsed order's frame is written: a socket of our own, never Kraken's
 * (send-path-warmer.ts). The client writes with the order socket's own send code, then says so.
 */
export interface RehearsalTarget {
  /** The socket to write one rehearsed frame to, or null when it is not open. */
  socketForFrame(): WebSocket | null;
  /** One frame was written to that socket. */
  frameWritten(): void;
}

export interface PrivateSessionOptions {
  url: string;
  /** REST GetWebSocketsToken, owned elsewhere. Called on every (re)connect and after session errors. */
  getToken: () => Promise<string>;
  name?: string;
  timers?: Clock;
  /** No order ack within this ⇒ outcome unknown. */
  ackTimeoutMs?: number;
  /** Private snapshots (trades, all open orders) can be large. */
  maxFrameBytes?: number;
  /** Token refreshes after session errors (session-refresh.ts defaults). */
  sessionRefresh?: { maxInRow?: number; backoff?: BackoffPolicy };
  /** Retries of a failed token fetch on the same socket (default TOKEN_RETRY_BACKOFF). */
  tokenRetryBackoff?: BackoffPolicy;
}

export interface PrivateSessionHandlers<Ack> {
  /** An ack that arrived after its request was given up (timeout/drop): the order may be live. */
  onLateAck?(ack: Ack): void;
  onError?(code: PrivateSessionErrorCode, message: string): void;
  onOpen?(): void;
  onClose?(reason: DisconnectReason): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
  /** A session error was answered with a new token (`refreshes` so far on this client). */
  onTokenRefreshed?(refreshes: number): void;
  /** A token fetch failed, the `failures`-th in a row on this socket; it is tried again on it. */
  onTokenFailure?(failures: number, message: string): void;
  /** A token was fetched after `failures` failed fetches in a row on this socket. */
  onTokenRecovered?(failures: number): void;
}

/** Counters every private client keeps (the versions add their own). */
export function newPrivateSessionStats() {
  return {
    tokenFetches: 0,
    tokenErrors: 0,
    tokenRefreshes: 0,
    /** Kraken answers that said the session (token) is invalid. */
    sessionErrors: 0,
    subscriptionErrors: 0,
    sequenceGaps: 0,
    malformedFrames: 0,
    ordersSent: 0,
    cancelsSent: 0,
    unmatchedAcks: 0,
    krakenErrors: 0,
    rateLimitErrors: 0,
  };
}
export type PrivateSessionStats = ReturnType<typeof newPrivateSessionStats>;

/** The version-specific constants and message builders a client is built with. */
export interface PrivateSessionVersion<Channel extends string, CancelResult, AddParams> {
  defaultName: string;
  defaultMaxFrameBytes: number;
  channels: readonly Channel[];
  /** How the version spells the request id, for error messages (`reqid`, `req_id`). */
  reqIdName: string;
  /** The version's application ping (WsConnection defaults to v1's). */
  connection?: Pick<WsConnectionOptions, 'pingMessage'>;
  buildSubscribe(reqId: number, channel: Channel, token: string): string;
  buildUnsubscribe(reqId: number, channel: Channel, token: string): string;
  cancelResult: CancelResultOf<CancelResult>;
  /** The order frame; throws (nothing sent) when the order is invalid. */
  buildAdd(reqId: number, token: string, params: AddParams): string;
  /** How the log names an order request, e.g. `addOrder buy XBT/USD`. */
  describeAdd(params: AddParams): string;
  buildCancel(reqId: number, token: string, ids: readonly string[]): string;
  /** The cancel request's name in the log (`cancelOrder`, `cancel_order`). */
  cancelName: string;
}

export interface ChannelState {
  subscribed: boolean;
  /** Next expected sequence; -1 = take the next one as baseline. */
  expectSeq: number;
  /** The next data frame is the subscription snapshot (v1; v2 frames say so themselves). */
  snapshotPending: boolean;
  /** Unsubscribe sent to resync; subscribe again once it is acknowledged. */
  resyncing: boolean;
}
