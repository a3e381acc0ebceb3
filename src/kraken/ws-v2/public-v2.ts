/**
 * Kraken WebSocket v2 public feed for one listener: one connection, `ticker` with
 * `event_trigger: "bbo"` for its symbols (kraken-api.md §3.5). Same options and handlers shape as
 * KrakenPublicV1, so a listener can use either: onSpread(localIndex, out) gets the SPREAD_* layout.
 * Hot path: bytes → TickerScanner → onSpread, no allocation. Slow path (objects): status channel,
 * heartbeat, pong, per-symbol subscribe/unsubscribe acks, errors.
 * State it owns: system status, per-pair online flags; all offline while disconnected.
 */
import {
  WsConnection,
  type DisconnectReason,
  type WsConnectionError,
  type WsConnectionOptions,
} from '../ws/connection.js';
import type { PublicV1ErrorCode } from '../ws/public-v1.js';
import { SPREAD_RECV_US, SPREAD_TS } from '../ws/spread-scanner.js';
import { epochMicros, realTimers, type TimerHandle, type Timers } from '../ws/timers.js';
import { DEFAULT_MAX_V2_EVENT_BYTES, parseV2Frame } from './events-v2.js';
import { buildPingV2, buildTickerSubscribe } from './messages-v2.js';
import { SCAN_EVENT, TICKER_TYPE_SNAPSHOT, TickerScanner } from './ticker-scanner.js';
import type { TickerRejectCode } from './ticker-reject.js';

/** Same codes as v1, so one onProtocolError handler serves both. */
export type PublicV2ErrorCode = PublicV1ErrorCode;

export interface PublicV2Options {
  url: string;
  /** v2 symbols (`BTC/USD`); the position is the local pair index given to onSpread. */
  pairs: readonly string[];
  name?: string;
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers' | 'pingMessage'>;
  timers?: Timers;
  /** After a rate-limit error, resubscribe pairs still offline after this long. */
  rateLimitRetryMs?: number;
  maxEventBytes?: number;
  /** Largest ticker frame accepted (name kept from v1 so one options object serves both). */
  maxSpreadFrameBytes?: number;
  /** Local receive clock, epoch µs (injectable for tests and replays). */
  clockMicros?: () => number;
}

export interface PublicV2Handlers {
  /** Hot path. `out` is reused: copy what you keep before returning. */
  onSpread(pairIndex: number, out: Float64Array): void;
  /** Feed usable = connected and status `online`. `status` is Kraken's `system`, or `disconnected`. */
  onFeedStatus?(online: boolean, status: string): void;
  onPairStatus?(pairIndex: number, online: boolean, status: string, errorMessage: string | undefined): void;
  onProtocolError?(code: PublicV2ErrorCode, message: string): void;
  /** A frame the scanner refused (codes 0–16 = v1's SpreadReject; names in TICKER_REJECT_NAMES).
   * `pairIndex` is best effort (the frame's `symbol`, -1 if none): mark that quote unusable. */
  onRejectedFrame?(reason: TickerRejectCode, pairIndex: number): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
  /** Raw tap: every frame with its local receive time. Copy the Buffer before returning. */
  onRawFrame?(data: Buffer, recvUs: number): void;
}

export interface PublicV2Stats {
  spreads: number;
  snapshots: number;
  /** Ticker frames without `timestamp`: SPREAD_TS set to the local receive time. */
  receiveTimeStamps: number;
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
const RATE_LIMIT_RE = /exceeded|rate limit/i;

export class KrakenPublicV2 {
  readonly scanner: TickerScanner;
  readonly connection: WsConnection;
  /** 1 = subscribed and online, by local pair index. */
  readonly pairOnline: Uint8Array;
  readonly stats: PublicV2Stats = {
    spreads: 0,
    snapshots: 0,
    receiveTimeStamps: 0,
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
  /** Kraken's last `status` system value, or `disconnected`. */
  systemStatus = 'disconnected';
  private systemOnline = false;
  private readonly pairs: readonly string[];
  private readonly pairIndexByName: Map<string, number>;
  private readonly handlers: PublicV2Handlers;
  private readonly timers: Timers;
  private readonly clock: () => number;
  private readonly maxEventBytes: number;
  private readonly rateLimitRetryMs: number;
  private retryTimer: TimerHandle | null = null;
  private reqId = 0;
  private closed = false;

  constructor(options: PublicV2Options, handlers: PublicV2Handlers) {
    if (options.pairs.length === 0) throw new RangeError('KrakenPublicV2: pairs must not be empty');
    this.pairs = options.pairs.slice();
    this.pairIndexByName = new Map(this.pairs.map((p, i) => [p, i]));
    this.scanner = new TickerScanner(this.pairs, options.maxSpreadFrameBytes);
    this.pairOnline = new Uint8Array(this.pairs.length);
    this.handlers = handlers;
    this.timers = options.timers ?? realTimers;
    this.clock = options.clockMicros ?? epochMicros;
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_V2_EVENT_BYTES;
    this.rateLimitRetryMs = options.rateLimitRetryMs ?? DEFAULT_RATE_LIMIT_RETRY_MS;
    this.connection = new WsConnection(
      {
        ...options.connection,
        url: options.url,
        name: options.name ?? 'public-v2',
        timers: this.timers,
        pingMessage: buildPingV2,
      },
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
      const out = sc.out;
      out[SPREAD_RECV_US] = recvUs;
      const ts = out[SPREAD_TS] as number;
      if (ts !== ts) {
        // No Kraken timestamp in this frame (ticker-scanner.ts): the local receive time stands in.
        out[SPREAD_TS] = recvUs / 1e6;
        this.stats.receiveTimeStamps++;
      }
      this.stats.spreads++;
      if (sc.lastType === TICKER_TYPE_SNAPSHOT) this.stats.snapshots++;
      this.handlers.onSpread(r, out);
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
    this.connection.send(buildTickerSubscribe(++this.reqId, pairs));
  }

  private onEvent(data: Buffer): void {
    const ev = parseV2Frame(data, this.maxEventBytes);
    switch (ev.kind) {
      case 'heartbeat':
        this.stats.heartbeats++;
        return;
      case 'pong':
        this.stats.pongs++;
        return;
      case 'status': {
        this.systemStatus = ev.system;
        this.connection.setMaintenance(ev.system === 'maintenance');
        this.setSystemOnline(ev.system === 'online', ev.system);
        return;
      }
      case 'ack':
        if (ev.method === 'subscribe' || ev.method === 'unsubscribe') {
          this.onSubscriptionAck(ev.method, ev.success, ev.channel, ev.symbol, ev.error);
          return;
        }
        this.stats.unknownEvents++;
        this.handlers.onProtocolError?.('UNKNOWN_EVENT', 'ack for ' + ev.method);
        return;
      case 'error':
        this.stats.krakenErrors++;
        this.handlers.onProtocolError?.('KRAKEN_ERROR', ev.error);
        return;
      case 'channel':
        // Data for a channel we never subscribed to on this socket.
        this.stats.unknownEvents++;
        this.handlers.onProtocolError?.('UNKNOWN_EVENT', 'channel ' + ev.channel);
        return;
      case 'invalid':
        this.stats.badEvents++;
        this.handlers.onProtocolError?.('BAD_EVENT', ev.reason + ': ' + ev.detail);
        return;
    }
  }

  /** One ack per symbol (kraken-api.md §3.2). */
  private onSubscriptionAck(
    method: 'subscribe' | 'unsubscribe',
    success: boolean,
    channel: string | undefined,
    symbol: string | undefined,
    error: string | undefined,
  ): void {
    if (!success) this.stats.subscriptionErrors++;
    if (channel !== undefined && channel !== 'ticker') {
      this.stats.unknownPairStatus++;
      this.handlers.onProtocolError?.('SUBSCRIPTION_ERROR', method + ' ack for channel ' + channel);
      return;
    }
    const rateLimited = !success && RATE_LIMIT_RE.test(error ?? '');
    if (rateLimited) {
      this.stats.rateLimitErrors++;
      this.handlers.onProtocolError?.('RATE_LIMITED', error ?? '');
      this.scheduleRetry();
    }
    const idx = symbol === undefined ? undefined : this.pairIndexByName.get(symbol);
    if (idx === undefined) {
      this.stats.unknownPairStatus++;
      if (!success && !rateLimited)
        this.handlers.onProtocolError?.(
          'SUBSCRIPTION_ERROR',
          (symbol ?? '(no symbol)') + ': ' + (error ?? ''),
        );
      return;
    }
    let online: boolean;
    let status: string;
    if (method === 'subscribe') {
      // "Already subscribed" after a retry means the pair is live.
      online = success || ALREADY_SUBSCRIBED_RE.test(error ?? '');
      status = success ? 'subscribed' : 'error';
    } else {
      online = !success && this.pairOnline[idx] === 1;
      status = success ? 'unsubscribed' : 'error';
    }
    const was = this.pairOnline[idx] === 1;
    this.pairOnline[idx] = online ? 1 : 0;
    if (was !== online || !success) this.handlers.onPairStatus?.(idx, online, status, error);
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
