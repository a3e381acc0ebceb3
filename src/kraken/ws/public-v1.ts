/**
 * Kraken WebSocket v1 public feed for one listener: one connection, `spread` for its pairs.
 * Hot path: bytes → SpreadScanner → onSpread(pairIndex, out) with no allocation; `out` holds
 * bid, ask, Kraken ts, volumes and the local receive time (SPREAD_RECV_US, epoch µs).
 * Slow path (objects): systemStatus, subscriptionStatus, heartbeat, pong, errors.
 * State it owns: system status, per-pair online flags; all offline while disconnected.
 */
import {
  WsConnection,
  type DisconnectReason,
  type WsConnectionError,
  type WsConnectionOptions,
} from './connection.js';
import { parseEventFrame, DEFAULT_MAX_EVENT_BYTES } from './events-v1.js';
import { buildPublicSubscribe } from './messages-v1.js';
import { SCAN_EVENT, SPREAD_RECV_US, SpreadScanner, type SpreadRejectCode } from './spread-scanner.js';
import { epochMicros, realTimers, type TimerHandle, type Timers } from './timers.js';

export type PublicV1ErrorCode =
  | 'KRAKEN_ERROR' // {"event":"error",...}
  | 'RATE_LIMITED' // {"Error":"Exceeded msg rate"}
  | 'SUBSCRIPTION_ERROR' // subscriptionStatus error without a known pair
  | 'BAD_EVENT' // malformed or unparseable object frame
  | 'UNKNOWN_EVENT'
  | 'CONNECTION_ERROR';

export interface PublicV1Options {
  url: string;
  /** v1 wsnames; the position is the local pair index given to onSpread. */
  pairs: readonly string[];
  name?: string;
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers'>;
  timers?: Timers;
  /** After `Exceeded msg rate`, resubscribe pairs still offline after this long. */
  rateLimitRetryMs?: number;
  maxEventBytes?: number;
  maxSpreadFrameBytes?: number;
  /** Local receive clock, epoch µs (injectable for tests and replays). */
  clockMicros?: () => number;
}

export interface PublicV1Handlers {
  /** Hot path. `out` is reused: copy what you keep before returning. */
  onSpread(pairIndex: number, out: Float64Array): void;
  /** Feed usable = connected and systemStatus online. `status` is Kraken's, or `disconnected`. */
  onFeedStatus?(online: boolean, status: string): void;
  onPairStatus?(pairIndex: number, online: boolean, status: string, errorMessage: string | undefined): void;
  onProtocolError?(code: PublicV1ErrorCode, message: string): void;
  /** A frame the scanner refused (counted in scanner.rejectCounts). `pairIndex` is best effort
   * (the pair named at the end of the frame, -1 if none): mark that quote unusable. */
  onRejectedFrame?(reason: SpreadRejectCode, pairIndex: number): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
  /** Raw tap (e.g. a `--record` file): every frame with its local receive time. The Buffer may be a
   * view into ws's receive buffer: copy it (or write it out) before returning. */
  onRawFrame?(data: Buffer, recvUs: number): void;
}

export interface PublicV1Stats {
  spreads: number;
  heartbeats: number;
  pongs: number;
  subscribeRequests: number;
  subscriptionErrors: number;
  krakenErrors: number;
  rateLimitErrors: number;
  badEvents: number;
  unknownEvents: number;
  unknownPairStatus: number;
}

export const DEFAULT_RATE_LIMIT_RETRY_MS = 2_000;
const ALREADY_SUBSCRIBED_RE = /already subscribed/i;

export class KrakenPublicV1 {
  readonly scanner: SpreadScanner;
  readonly connection: WsConnection;
  /** 1 = subscribed and online, by local pair index. */
  readonly pairOnline: Uint8Array;
  readonly stats: PublicV1Stats = {
    spreads: 0,
    heartbeats: 0,
    pongs: 0,
    subscribeRequests: 0,
    subscriptionErrors: 0,
    krakenErrors: 0,
    rateLimitErrors: 0,
    badEvents: 0,
    unknownEvents: 0,
    unknownPairStatus: 0,
  };
  /** Kraken's last systemStatus, or `disconnected`. */
  systemStatus = 'disconnected';
  private systemOnline = false;
  private readonly pairs: readonly string[];
  private readonly pairIndexByName: Map<string, number>;
  private readonly handlers: PublicV1Handlers;
  private readonly timers: Timers;
  private readonly clock: () => number;
  private readonly maxEventBytes: number;
  private readonly rateLimitRetryMs: number;
  private retryTimer: TimerHandle | null = null;
  private reqid = 0;
  private closed = false;

  constructor(options: PublicV1Options, handlers: PublicV1Handlers) {
    if (options.pairs.length === 0) throw new RangeError('KrakenPublicV1: pairs must not be empty');
    this.pairs = options.pairs.slice();
    this.pairIndexByName = new Map(this.pairs.map((p, i) => [p, i]));
    this.scanner = new SpreadScanner(this.pairs, options.maxSpreadFrameBytes);
    this.pairOnline = new Uint8Array(this.pairs.length);
    this.handlers = handlers;
    this.timers = options.timers ?? realTimers;
    this.clock = options.clockMicros ?? epochMicros;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.rateLimitRetryMs = options.rateLimitRetryMs ?? DEFAULT_RATE_LIMIT_RETRY_MS;
    this.connection = new WsConnection(
      { ...options.connection, url: options.url, name: options.name ?? 'public-v1', timers: this.timers },
      {
        onFrame: (data) => this.onFrame(data),
        onOpen: () => this.subscribe(this.pairs),
        onClose: () => this.onDisconnected(),
        onError: (err: WsConnectionError) => handlers.onProtocolError?.('CONNECTION_ERROR', err.message),
        onReconnecting: (delayMs, reason, attempt) => handlers.onReconnecting?.(delayMs, reason, attempt),
      },
    );
  }

  /** Connected, Kraken says online. Per-pair usability is `pairOnline[i]`. */
  get online(): boolean {
    return this.systemOnline && this.connection.isOpen();
  }

  start(): void {
    this.connection.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRetry();
    this.connection.close();
    this.onDisconnected();
  }

  private onFrame(data: Buffer): void {
    const recvUs = this.clock();
    const tap = this.handlers.onRawFrame;
    if (tap !== undefined) tap(data, recvUs);
    const sc = this.scanner;
    const r = sc.scan(data);
    if (r >= 0) {
      sc.out[SPREAD_RECV_US] = recvUs;
      this.stats.spreads++;
      this.handlers.onSpread(r, sc.out);
    } else if (r === SCAN_EVENT) {
      this.onEvent(data);
    } else {
      const onReject = this.handlers.onRejectedFrame;
      if (onReject !== undefined) onReject(sc.lastReject, sc.pairOfRejected(data));
    }
  }

  private subscribe(pairs: readonly string[]): void {
    if (pairs.length === 0) return;
    this.stats.subscribeRequests++;
    this.connection.send(buildPublicSubscribe(++this.reqid, pairs, 'spread'));
  }

  private onEvent(data: Buffer): void {
    const ev = parseEventFrame(data, this.maxEventBytes);
    switch (ev.kind) {
      case 'heartbeat':
        this.stats.heartbeats++;
        return;
      case 'pong':
        this.stats.pongs++;
        return;
      case 'systemStatus': {
        const online = ev.status === 'online';
        this.systemStatus = ev.status;
        this.connection.setMaintenance(ev.status === 'maintenance');
        this.setSystemOnline(online, ev.status);
        return;
      }
      case 'subscriptionStatus':
        // Only our channel decides pair status; anything else is unexpected on this socket.
        if (ev.name !== undefined && ev.name !== 'spread') {
          this.stats.unknownPairStatus++;
          this.handlers.onProtocolError?.('SUBSCRIPTION_ERROR', 'status for channel ' + ev.name);
          return;
        }
        this.onSubscriptionStatus(ev.status, ev.pair, ev.errorMessage);
        return;
      case 'error':
        this.stats.krakenErrors++;
        this.handlers.onProtocolError?.('KRAKEN_ERROR', ev.errorMessage);
        return;
      case 'rateLimited':
        this.stats.rateLimitErrors++;
        this.handlers.onProtocolError?.('RATE_LIMITED', ev.message);
        this.scheduleRetry();
        return;
      case 'invalid':
        this.stats.badEvents++;
        this.handlers.onProtocolError?.('BAD_EVENT', ev.reason + ': ' + ev.detail);
        return;
      case 'unknownEvent':
        this.stats.unknownEvents++;
        this.handlers.onProtocolError?.('UNKNOWN_EVENT', ev.event);
        return;
      default:
        // addOrderStatus & co. do not belong on the public socket.
        this.stats.unknownEvents++;
        this.handlers.onProtocolError?.('UNKNOWN_EVENT', ev.kind);
    }
  }

  private onSubscriptionStatus(
    status: string,
    pair: string | undefined,
    errorMessage: string | undefined,
  ): void {
    const idx = pair === undefined ? undefined : this.pairIndexByName.get(pair);
    if (status === 'error') this.stats.subscriptionErrors++;
    if (idx === undefined) {
      this.stats.unknownPairStatus++;
      if (status === 'error')
        this.handlers.onProtocolError?.(
          'SUBSCRIPTION_ERROR',
          (pair ?? '(no pair)') + ': ' + (errorMessage ?? ''),
        );
      return;
    }
    // "Already subscribed" after a retry means the pair is live.
    const online =
      status === 'subscribed' || (status === 'error' && ALREADY_SUBSCRIBED_RE.test(errorMessage ?? ''));
    const was = this.pairOnline[idx] === 1;
    this.pairOnline[idx] = online ? 1 : 0;
    if (was !== online || status === 'error') this.handlers.onPairStatus?.(idx, online, status, errorMessage);
  }

  private setSystemOnline(online: boolean, status: string): void {
    const was = this.systemOnline;
    this.systemOnline = online;
    if (was !== online) this.handlers.onFeedStatus?.(online, status);
  }

  private onDisconnected(): void {
    this.clearRetry();
    this.systemStatus = 'disconnected';
    this.setSystemOnline(false, 'disconnected');
    for (let i = 0; i < this.pairOnline.length; i++) {
      if (this.pairOnline[i] === 1) {
        this.pairOnline[i] = 0;
        this.handlers.onPairStatus?.(i, false, 'disconnected', undefined);
      }
    }
  }

  /** After a throttle error, ask again (once per window) for the pairs that are still offline. */
  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.connection.isOpen()) return; // a reconnect resubscribes everything anyway
      this.subscribe(this.pairs.filter((_, i) => this.pairOnline[i] === 0));
    }, this.rateLimitRetryMs);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
