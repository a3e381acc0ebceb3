/**
 * What the v1 and v2 private clients share (../v1/private.ts, ../v2/private.ts): the session
 * token, per-channel subscription state, sequence-gap resync and order request/ack correlation.
 * Subclasses bring the wire format: message builders, the frame parser and result objects.
 *
 * Token: fetched fresh on every (re)connect (a token only outlives 15 min while a subscription
 * holds it), and again whenever Kraken answers with a session error (`ESession:Invalid session`,
 * error-text.ts): then every channel not subscribed is subscribed again with the new token,
 * bounded and backed off (session-refresh.ts). A fetch that fails (REST's error: a rate limit, the
 * network, the key) is tried again on the same socket, backed off: a new socket would not mend it.
 * Channels: subscribed on every connect; a sequence gap or unreadable data ⇒ onGap, then
 * unsubscribe and subscribe again for a fresh snapshot.
 * Outcomes: Kraken's ack decides ok/error; a timeout or a dropped socket before the ack rejects
 * with OrderOutcomeUnknownError (reconcile over REST); nothing sent rejects with OrderNotSentError.
 */
import { WsConnection, type DisconnectReason, type WsConnectionOptions } from './connection.js';
import { SESSION_ERROR_RE } from './error-text.js';
import { OrderNotSentError } from '../../order-errors.js';
import { OrderRequests } from './order-requests.js';
import type {
  ChannelState,
  GapReason,
  PrivateSessionErrorCode,
  PrivateSessionHandlers,
  PrivateSessionOptions,
  PrivateSessionStats,
  PrivateSessionVersion,
  RehearsalTarget,
} from './private-session-types.js';
import { SESSION_REFRESH_BACKOFF, SessionRefresh } from './session-refresh.js';
import { realClock, type Clock, type TimerHandle } from '../../../clock/clock.js';
import { backoffDelayMs, type BackoffPolicy } from '../../backoff.js';

/**
 * The socket refused the frame (it is closing: the connection had not yet noticed): nothing left,
 * so the request is not sent, never in doubt.
 */
function notWritten(): OrderNotSentError {
  return new OrderNotSentError('NOT_CONNECTED', 'private socket closing: the frame was not written');
}

/**
 * The waits between failed token fetches on one socket: 0.25–0.5 s, doubling to 60–120 s (equal
 * jitter). Each fetch takes one attempt from the process's connection budget
 * (docs/kraken-connection-limits.md), so the cap keeps a REST outage to at most 20 fetches per
 * 10 minutes even at the shortest jitter, the per-socket cap reconnects have; a token is back at
 * most 2 minutes after REST is.
 */
export const TOKEN_RETRY_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 120_000 };

/** Stands in for the session token when an order frame is only rehearsed (never sent). */
export const REHEARSAL_TOKEN = 'rehearsal-not-a-token';

/** A rehearsed order's answer: one settled rejection serves them all (nobody needs its stack). */
const REHEARSAL_NOT_SENT: Promise<never> = Promise.reject(
  new OrderNotSentError('REHEARSAL', 'rehearsal: written to the loopback warmer only'),
);
REHEARSAL_NOT_SENT.catch(() => undefined);

export const DEFAULT_ACK_TIMEOUT_MS = 5_000;

export abstract class PrivateSessionBase<
  Channel extends string,
  AddResult,
  CancelResult,
  Stats extends PrivateSessionStats,
  Handlers extends PrivateSessionHandlers<AddResult | CancelResult>,
  AddParams,
> {
  readonly connection: WsConnection;
  readonly stats: Stats;
  systemStatus = 'disconnected';
  /**
   * When the frame of the latest addOrder call was handed to the socket (epoch µs; NaN when that
   * call sent nothing): the order's sent stamp, taken before its ack is registered, which does not
   * delay the order.
   */
  lastOrderWriteUs = Number.NaN;
  /**
   * Where a rehearsed order's frame is written (addOrder): the send-path warmer
   * (session-order-entry.ts sets it), or null (then it is built and not written).
   */
  rehearsalTarget: RehearsalTarget | null = null;
  protected readonly handlers: Handlers;
  protected readonly maxFrameBytes: number;
  protected readonly requests: OrderRequests<AddResult, CancelResult>;
  protected readonly channels: Record<Channel, ChannelState>;
  private readonly version: PrivateSessionVersion<Channel, CancelResult, AddParams>;
  private readonly getToken: () => Promise<string>;
  private token: string | null = null;
  /** Bumped per connection, so a token fetched for an old socket is discarded. */
  private session = 0;
  private readonly refresh: SessionRefresh;
  /** The delay before a failed token fetch is tried again on the same socket. */
  private readonly tokenRetryBackoff: BackoffPolicy;
  /** Token fetches failed in a row on this socket; a fetched token or a new socket ends the run. */
  private tokenFailures = 0;
  private tokenRetryTimer: TimerHandle | null = null;
  private readonly timers: Clock;
  private reqId = 0;
  private closed = false;

  protected constructor(
    version: PrivateSessionVersion<Channel, CancelResult, AddParams>,
    options: PrivateSessionOptions & { connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers'> },
    handlers: Handlers,
    stats: Stats,
  ) {
    this.handlers = handlers;
    this.stats = stats;
    this.getToken = options.getToken;
    this.maxFrameBytes = options.maxFrameBytes ?? version.defaultMaxFrameBytes;
    this.version = version;
    this.channels = {} as Record<Channel, ChannelState>;
    for (const ch of version.channels)
      this.channels[ch] = { subscribed: false, expectSeq: -1, snapshotPending: true, resyncing: false };
    const timers = options.timers ?? realClock;
    this.timers = timers;
    this.tokenRetryBackoff = options.tokenRetryBackoff ?? TOKEN_RETRY_BACKOFF;
    this.refresh = new SessionRefresh(
      timers,
      options.sessionRefresh?.backoff ?? SESSION_REFRESH_BACKOFF,
      options.sessionRefresh?.maxInRow,
    );
    const ackMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.requests = new OrderRequests<AddResult, CancelResult>(timers, ackMs, version.cancelResult);
    const name = options.name ?? version.defaultName;
    this.connection = new WsConnection(
      { ...options.connection, ...version.connection, url: options.url, name, timers },
      {
        onFrame: (data) => this.onFrame(data),
        onOpen: () => {
          handlers.onOpen?.();
          void this.fetchTokenAndSubscribe(false);
        },
        onClose: (_code, reason) => this.onDisconnected('DISCONNECTED', reason),
        onError: (err) => handlers.onError?.('CONNECTION_ERROR', err.message),
        onReconnecting: (d, r, a) => handlers.onReconnecting?.(d, r, a),
      },
    );
  }

  /** Socket open, token held and every channel subscribed. */
  get ready(): boolean {
    if (!this.connection.isOpen() || this.token === null) return false;
    for (const ch of this.version.channels) if (!this.channels[ch].subscribed) return false;
    return true;
  }

  /** Ack timeouts / drops that left an order's outcome unknown (both kinds of request). */
  get unknownOutcomes(): number {
    return this.requests.unknownOutcomes;
  }

  start(): void {
    this.connection.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
    this.onDisconnected('CLIENT_CLOSED', 'requested');
  }

  protected abstract onFrame(data: Buffer): void;
  /** The handler calls, whose shapes differ by version (v2 has one channel and omits it). */
  protected abstract reportGap(channel: Channel, expected: number, received: number, reason: GapReason): void;
  protected abstract reportChannelStatus(
    channel: Channel,
    subscribed: boolean,
    error: string | undefined,
  ): void;

  /**
   * Send an order. Resolves with Kraken's ack (ok, or error). Rejects with OrderNotSentError when
   * nothing was sent (invalid order, socket not open, no token), OrderOutcomeUnknownError on
   * timeout or socket drop.
   *
   * `rehearsal`: the trader's rehearsal of its buy, between opportunities. The frame is built as a
   * real one's, with the placeholder token and request id 0 (no real request id is used), and
   * written by the same code to the rehearsal socket, never to Kraken's; nothing is registered or
   * stamped, and it rejects with OrderNotSentError REHEARSAL. The real order runs the code the
   * rehearsals keep optimised (bench/README.md, fifth session).
   */
  addOrder(params: AddParams, rehearsal = false): Promise<AddResult> {
    const v = this.version;
    if (!rehearsal) this.lastOrderWriteUs = Number.NaN; // the stamp is this call's or none
    // `build` throws ⇒ INVALID_ORDER, nothing sent.
    const msg = this.prepareRequest((reqId, token) => v.buildAdd(reqId, token, params), rehearsal);
    if (typeof msg !== 'string') return Promise.reject(msg);
    if (rehearsal) {
      const target = this.rehearsalTarget;
      // Null, never undefined, when there is no rehearsal socket: send's default is Kraken's socket.
      if (target !== null && this.connection.send(msg, target.socketForFrame() ?? null))
        target.frameWritten();
      return REHEARSAL_NOT_SENT;
    }
    const reqId = this.reqId;
    // Sent first, then registered (its promise, its ack timer, its name): the ack is read on a later
    // turn of the event loop, never within this call, so nothing is missed and the order leaves sooner.
    if (!this.connection.send(msg)) return Promise.reject(notWritten());
    this.lastOrderWriteUs = this.timers.nowMs() * 1000;
    this.stats.ordersSent++;
    return this.requests.addOrder(reqId, v.describeAdd(params));
  }

  /** Cancel orders by id: resolves after one ok ack per id, or with the first error. */
  cancelOrder(ids: readonly string[]): Promise<CancelResult> {
    const v = this.version;
    return this.sendCancel(ids.length, `${v.cancelName} ×${ids.length}`, (reqId, token) =>
      v.buildCancel(reqId, token, ids),
    );
  }

  /** Send a cancel of `count` orders: it resolves after `count` ok acks or the first error. */
  private sendCancel(
    count: number,
    what: string,
    build: (reqId: number, token: string) => string,
  ): Promise<CancelResult> {
    const msg = this.prepareRequest(build);
    if (typeof msg !== 'string') return Promise.reject(msg);
    // Sent, then registered, as an order is (its acks are read on a later turn of the event loop).
    if (!this.connection.send(msg)) return Promise.reject(notWritten());
    this.stats.cancelsSent++;
    return this.requests.cancelOrders(this.reqId, count, what);
  }

  /** Kraken's answer to an order: settles the request, or is reported as late. */
  protected settleAdd(reqId: number, result: AddResult): void {
    if (!this.requests.adds.resolve(reqId, result)) this.unmatched(result, reqId);
  }

  /** One cancel ack (Kraken sends one per order). */
  protected onCancelAck(reqId: number, ok: boolean, errorMessage: string | undefined): void {
    const late = this.requests.cancelAck(reqId, ok, errorMessage);
    if (late !== null) this.unmatched(late, reqId);
  }

  protected onSystemStatus(status: string): void {
    this.systemStatus = status;
    this.connection.setMaintenance(status === 'maintenance');
  }

  /**
   * A session error (expired or invalid token): fetch a new token and subscribe again, once at a
   * time and backed off; after too many in a row, a new connection (session-refresh.ts).
   */
  protected refreshOnSessionError(message: string | undefined): void {
    if (!SESSION_ERROR_RE.test(message ?? '')) return;
    this.stats.sessionErrors++;
    // A token retry already waits (session-refresh would only add a second fetch beside it).
    if (this.closed || !this.connection.isOpen() || this.tokenRetryTimer !== null) return;
    const session = this.session;
    const d = this.refresh.onSessionError(() => {
      if (session === this.session) void this.fetchTokenAndSubscribe(true);
      else this.refresh.done();
    });
    if (d.action === 'give-up') {
      this.error('SESSION_ERROR', `${d.failures} token refreshes did not restore the session: reconnecting`);
      this.connection.reconnect();
    }
  }

  protected error(code: PrivateSessionErrorCode, message: string): void {
    this.handlers.onError?.(code, message);
  }

  /** A data frame's sequence number: a jump ⇒ onGap and a resync. Snapshots set the baseline. */
  protected checkSequence(ch: Channel, seq: number, snapshot: boolean): void {
    const st = this.channels[ch];
    if (!snapshot && st.expectSeq >= 0 && seq !== st.expectSeq) {
      this.stats.sequenceGaps++;
      this.reportGap(ch, st.expectSeq, seq, 'sequence');
      this.resync(ch);
    }
    st.expectSeq = seq + 1;
  }

  /** Counted and reported; with a channel, the frame may have carried fills: gap + resync. */
  protected malformed(detail: string, ch?: Channel): void {
    this.stats.malformedFrames++;
    this.error('BAD_FRAME', detail);
    if (ch !== undefined) this.lostData(ch, true);
  }

  /** Data may be missing: tell the trader and take a fresh snapshot. `consumedSeq`: the lost
   * frame used a sequence number of its own. */
  protected lostData(ch: Channel, consumedSeq: boolean): void {
    const st = this.channels[ch];
    this.reportGap(ch, st.expectSeq, -1, 'malformed');
    if (consumedSeq && st.expectSeq >= 0) st.expectSeq++;
    this.resync(ch);
  }

  /** `fresh`: a new subscription (not "already subscribed"), so a snapshot comes first. */
  protected onSubscribed(ch: Channel, fresh: boolean): void {
    const st = this.channels[ch];
    if (fresh) {
      st.snapshotPending = true;
      st.expectSeq = -1;
    }
    st.subscribed = true;
    if (this.version.channels.every((c) => this.channels[c].subscribed)) this.refresh.succeeded();
    this.reportChannelStatus(ch, true, undefined);
  }

  protected onUnsubscribed(ch: Channel): void {
    const st = this.channels[ch];
    st.subscribed = false;
    this.reportChannelStatus(ch, false, undefined);
    if (st.resyncing) {
      st.resyncing = false;
      this.subscribe(ch);
    }
  }

  /** `label` names the channel in the error message. */
  protected onSubscribeFailed(ch: Channel, label: string, error: string | undefined): void {
    const st = this.channels[ch];
    this.stats.subscriptionErrors++;
    st.subscribed = false;
    st.resyncing = false;
    this.reportChannelStatus(ch, false, error);
    this.error('SUBSCRIPTION_ERROR', label + ': ' + (error ?? ''));
    this.refreshOnSessionError(error);
  }

  /** The request's frame, or why nothing may be sent. A rehearsal's: request id 0, the placeholder token. */
  private prepareRequest(
    build: (reqId: number, token: string) => string,
    rehearsal = false,
  ): string | OrderNotSentError {
    if (this.token === null || !this.connection.isOpen())
      return new OrderNotSentError('NOT_CONNECTED', 'private socket not connected or no token');
    try {
      return rehearsal ? build(0, REHEARSAL_TOKEN) : build(++this.reqId, this.token);
    } catch (err) {
      return new OrderNotSentError('INVALID_ORDER', (err as Error).message);
    }
  }

  private async fetchTokenAndSubscribe(refresh: boolean): Promise<void> {
    const session = this.session;
    this.stats.tokenFetches++;
    if (refresh) this.stats.tokenRefreshes++;
    let token: string;
    try {
      token = await this.getToken();
      if (typeof token !== 'string' || token.length === 0)
        throw new Error('getToken returned an empty token');
    } catch (err) {
      this.stats.tokenErrors++;
      const message = (err as Error).message;
      this.error('TOKEN_ERROR', message);
      if (session === this.session && !this.closed) {
        // A refresh's token is one Kraken refused: the session is not ready (requests are refused
        // as not sent, a sell waits for the socket) until a new one is fetched.
        this.token = null;
        this.tokenFailures++; // not inside the optional call below: without a handler it is skipped
        this.handlers.onTokenFailure?.(this.tokenFailures, message);
        this.retryTokenLater(session);
      }
      return;
    } finally {
      if (refresh) this.refresh.done();
    }
    if (session !== this.session || this.closed || !this.connection.isOpen()) return;
    const failures = this.tokenFailures;
    this.tokenFailures = 0;
    this.token = token;
    if (refresh) this.handlers.onTokenRefreshed?.(this.stats.tokenRefreshes);
    if (failures > 0) this.handlers.onTokenRecovered?.(failures);
    for (const ch of this.version.channels) if (!this.channels[ch].subscribed) this.subscribe(ch);
  }

  /**
   * A token fetch failed: it is tried again on this socket after a growing delay, not through a new
   * connection. The failure is REST's (a rate limit, the network, the key), which a new socket does
   * not mend, and each reconnect would close this one (an alert, the trader's reconciliation: more
   * REST calls) and ask REST again as soon as it opens: under a REST rate limit, each refused ask
   * fills the shared call counter again and the routine balance poll starves. A socket that drops
   * meanwhile cancels the retry; its successor fetches its own token when it opens.
   */
  private retryTokenLater(session: number): void {
    if (this.tokenRetryTimer !== null) return; // one retry at a time: it answers every failure before it
    const delayMs = backoffDelayMs(this.tokenRetryBackoff, this.tokenFailures);
    this.tokenRetryTimer = this.timers.setTimeout(() => {
      this.tokenRetryTimer = null;
      if (session === this.session && !this.closed && this.connection.isOpen())
        void this.fetchTokenAndSubscribe(false);
    }, delayMs);
  }

  private subscribe(ch: Channel): void {
    if (this.token === null) return;
    const st = this.channels[ch];
    st.snapshotPending = true;
    st.expectSeq = -1;
    this.connection.send(this.version.buildSubscribe(++this.reqId, ch, this.token));
  }

  /** Unsubscribe now, subscribe again on its ack (onUnsubscribed): a fresh snapshot. */
  private resync(ch: Channel): void {
    const st = this.channels[ch];
    if (st.resyncing || this.token === null) return;
    st.resyncing = true;
    this.connection.send(this.version.buildUnsubscribe(++this.reqId, ch, this.token));
  }

  private unmatched(ack: AddResult | CancelResult, reqId: number): void {
    this.stats.unmatchedAcks++;
    this.error('UNMATCHED_ACK', `ack for ${this.version.reqIdName} ${reqId} with no pending request`);
    this.handlers.onLateAck?.(ack);
  }

  private onDisconnected(code: 'DISCONNECTED' | 'CLIENT_CLOSED', reason: DisconnectReason): void {
    this.session++;
    this.token = null;
    this.refresh.reset();
    if (this.tokenRetryTimer !== null) this.timers.clearTimeout(this.tokenRetryTimer);
    this.tokenRetryTimer = null;
    this.tokenFailures = 0;
    this.systemStatus = 'disconnected';
    for (const ch of this.version.channels) {
      const st = this.channels[ch];
      const was = st.subscribed;
      st.subscribed = false;
      st.resyncing = false;
      st.expectSeq = -1;
      st.snapshotPending = true;
      if (was) this.reportChannelStatus(ch, false, 'disconnected');
    }
    const why = code === 'CLIENT_CLOSED' ? 'client closed' : 'socket dropped (' + reason + ')';
    this.requests.failAll(code, why);
    this.handlers.onClose?.(reason);
  }
}
