/**
 * What the v1 and v2 public feeds share: one WsConnection, the frame hand-off from the scanner to
 * onSpread (hot path), feed and per-pair online state, resubscribe on every (re)connect and the
 * rate-limit retry. Subclasses bring the wire format: the scanner, the subscribe message and the
 * slow-path event parser (../v1/public.ts, ../v2/public.ts).
 *
 * Hot path: bytes → scanner.scan → onSpread(pairIndex, out) with no allocation. Each feed instance
 * holds one concrete scanner class, so the calls stay monomorphic per instance.
 */
import {
  WsConnection,
  type DisconnectReason,
  type WsConnectionError,
  type WsConnectionOptions,
} from './connection.js';
import { SCAN_EVENT, type QuoteScannerBase } from './quote-scanner-base.js';
import { epochMicros, realClock, type TimerHandle, type Clock } from '../../../clock/clock.js';
import { QUOTE_RECV_US } from '../../../core/quote-layout.js';

export type PublicFeedErrorCode =
  | 'KRAKEN_ERROR' // Kraken's error message
  | 'RATE_LIMITED' // Kraken throttled a request
  | 'SUBSCRIPTION_ERROR' // a subscription answer that names no pair or channel of ours
  | 'BAD_EVENT' // malformed or unparseable object frame
  | 'UNKNOWN_EVENT'
  | 'CONNECTION_ERROR';

export interface PublicFeedOptions {
  url: string;
  /** Pair names in the version's naming; the position is the local pair index given to onSpread. */
  pairs: readonly string[];
  name?: string;
  timers?: Clock;
  /** After a rate-limit error, resubscribe pairs still offline after this long. */
  rateLimitRetryMs?: number;
  maxEventBytes?: number;
  /** Largest quote frame accepted (v1 spread or v2 ticker). */
  maxSpreadFrameBytes?: number;
  /** Local receive clock, epoch µs (injectable for tests and replays). */
  clockMicros?: () => number;
}

export interface PublicFeedHandlers<RejectCode extends number> {
  /** Hot path. `out` is reused: copy what you keep before returning. */
  onSpread(pairIndex: number, out: Float64Array): void;
  /** Feed usable = connected and Kraken's system status online. `status` is Kraken's, or `disconnected`. */
  onFeedStatus?(online: boolean, status: string): void;
  onPairStatus?(pairIndex: number, online: boolean, status: string, errorMessage: string | undefined): void;
  onProtocolError?(code: PublicFeedErrorCode, message: string): void;
  /** A frame the scanner refused (counted in scanner.rejectCounts). `pairIndex` is best effort
   * (the pair the frame names, -1 if none): mark that quote unusable. */
  onRejectedFrame?(reason: RejectCode, pairIndex: number): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
  /** Raw tap (e.g. a `--record` file): every frame with its local receive time. The Buffer may be a
   * view into ws's receive buffer: copy it (or write it out) before returning. */
  onRawFrame?(data: Buffer, recvUs: number): void;
}

/** Counters every public feed keeps (the versions add their own). */
export function newPublicFeedStats() {
  return {
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
}
export type PublicFeedStats = ReturnType<typeof newPublicFeedStats>;

/** The version-specific constants a feed is built with. */
export interface PublicFeedVersion<Scanner> {
  /** For error messages, e.g. `KrakenPublicV1`. */
  className: string;
  /** Default connection name. */
  defaultName: string;
  Scanner: new (pairs: readonly string[], maxFrameBytes?: number) => Scanner;
  defaultMaxEventBytes: number;
  /** The version's own ping (WsConnection defaults to v1's) and watchdog filter (see isNotPong). */
  connection?: Pick<WsConnectionOptions, 'pingMessage' | 'countsAsProgress'>;
}

const PONG = Buffer.from('"pong"');
/** Pongs are tiny (v1 ≈30 B, v2 ≈100 B); longer frames are never searched. */
const MAX_PONG_BYTES = 256;
const LBRACE = 0x7b;

/**
 * Watchdog filter: a pong answers our own idle ping, so it proves the socket, not the feed; a
 * stalled feed that still answers pings must still be killed and reconnected. Allocation-free:
 * quote arrays are passed on their first byte, short objects searched for `"pong"`.
 */
export function isNotPong(data: Buffer): boolean {
  return data[0] !== LBRACE || data.length > MAX_PONG_BYTES || data.indexOf(PONG) < 0;
}

export const DEFAULT_RATE_LIMIT_RETRY_MS = 2_000;

export abstract class PublicFeedBase<
  RejectCode extends number,
  Scanner extends QuoteScannerBase<RejectCode>,
  Stats extends PublicFeedStats,
> {
  readonly scanner: Scanner;
  readonly connection: WsConnection;
  /** 1 = subscribed and online, by local pair index. */
  readonly pairOnline: Uint8Array;
  readonly stats: Stats;
  /** Kraken's last system status, or `disconnected`. */
  systemStatus = 'disconnected';
  protected readonly handlers: PublicFeedHandlers<RejectCode>;
  protected readonly maxEventBytes: number;
  private readonly pairs: readonly string[];
  private readonly pairIndexByName: Map<string, number>;
  private readonly timers: Clock;
  private readonly clock: () => number;
  private readonly rateLimitRetryMs: number;
  private systemOnline = false;
  private retryTimer: TimerHandle | null = null;
  private reqId = 0;
  private closed = false;

  protected constructor(
    version: PublicFeedVersion<Scanner>,
    options: PublicFeedOptions & { connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers'> },
    handlers: PublicFeedHandlers<RejectCode>,
    stats: Stats,
  ) {
    if (options.pairs.length === 0) throw new RangeError(version.className + ': pairs must not be empty');
    this.pairs = options.pairs.slice();
    this.pairIndexByName = new Map(this.pairs.map((p, i) => [p, i]));
    this.scanner = new version.Scanner(this.pairs, options.maxSpreadFrameBytes);
    this.pairOnline = new Uint8Array(this.pairs.length);
    this.stats = stats;
    this.handlers = handlers;
    this.timers = options.timers ?? realClock;
    this.clock = options.clockMicros ?? epochMicros;
    this.maxEventBytes = options.maxEventBytes ?? version.defaultMaxEventBytes;
    this.rateLimitRetryMs = options.rateLimitRetryMs ?? DEFAULT_RATE_LIMIT_RETRY_MS;
    const name = options.name ?? version.defaultName;
    this.connection = new WsConnection(
      { ...options.connection, ...version.connection, url: options.url, name, timers: this.timers },
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

  /** The subscribe request for `pairs` in the version's wire format. */
  protected abstract buildSubscribe(reqId: number, pairs: readonly string[]): string;
  /** Slow path: an object frame (status, acks, heartbeats, errors). */
  protected abstract onEvent(data: Buffer): void;
  /** Per-frame fix-ups of an accepted quote before onSpread (v2: missing timestamps). Hot path. */
  protected abstract completeQuote(out: Float64Array, recvUs: number): void;

  private onFrame(data: Buffer): void {
    const recvUs = this.clock();
    const tap = this.handlers.onRawFrame;
    if (tap !== undefined) tap(data, recvUs);
    const sc = this.scanner;
    const r = sc.scan(data);
    if (r >= 0) {
      const out = sc.out;
      out[QUOTE_RECV_US] = recvUs;
      this.completeQuote(out, recvUs);
      this.stats.spreads++;
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
    this.connection.send(this.buildSubscribe(++this.reqId, pairs));
  }

  protected protocolError(code: PublicFeedErrorCode, message: string): void {
    this.handlers.onProtocolError?.(code, message);
  }

  /** Count it under `counter`, then report it. */
  protected countedError(counter: keyof PublicFeedStats, code: PublicFeedErrorCode, message: string): void {
    this.stats[counter]++;
    this.handlers.onProtocolError?.(code, message);
  }

  /** Kraken's system status: maintenance stretches reconnects; only `online` makes the feed usable. */
  protected onSystemStatus(status: string): void {
    this.systemStatus = status;
    this.connection.setMaintenance(status === 'maintenance');
    this.setSystemOnline(status === 'online', status);
  }

  protected pairIndexOf(name: string | undefined): number | undefined {
    return name === undefined ? undefined : this.pairIndexByName.get(name);
  }

  /** Record a pair's state; handlers hear of changes, and of every error even without one. */
  protected setPairOnline(
    idx: number,
    online: boolean,
    status: string,
    errorMessage: string | undefined,
    isError: boolean,
  ): void {
    const was = this.pairOnline[idx] === 1;
    this.pairOnline[idx] = online ? 1 : 0;
    if (was !== online || isError) this.handlers.onPairStatus?.(idx, online, status, errorMessage);
  }

  /** After a throttle error, ask again (once per window) for the pairs that are still offline. */
  protected scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.connection.isOpen()) return; // a reconnect resubscribes everything anyway
      this.subscribe(this.pairs.filter((_, i) => this.pairOnline[i] === 0));
    }, this.rateLimitRetryMs);
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

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
