/**
 * Kraken WebSocket v2 public feed for one listener: one connection, `ticker` with
 * `event_trigger: "bbo"` for its symbols (docs/kraken-protocol.md §3.5). Same options and handlers shape as
 * KrakenPublicV1, so a listener can use either: onSpread(localIndex, out) gets the quote layout.
 * Hot path: bytes → TickerScanner → onSpread, no allocation. Slow path (objects): status channel,
 * heartbeat, pong, per-symbol subscribe/unsubscribe acks, errors.
 * Connection, pair state and retries: ../shared/public-feed-base.ts.
 */
import type { WsConnectionOptions } from '../shared/connection.js';
import { ALREADY_SUBSCRIBED_RE, RATE_LIMIT_RE } from '../shared/error-text.js';
import {
  isNotPong,
  newPublicFeedStats,
  PublicFeedBase,
  type PublicFeedHandlers,
  type PublicFeedOptions,
  type PublicFeedStats,
  type PublicFeedVersion,
} from '../shared/public-feed-base.js';
import { DEFAULT_MAX_V2_EVENT_BYTES, parseV2Frame } from './events.js';
import { buildPingV2, buildTickerSubscribe } from './messages.js';
import { TICKER_TYPE_SNAPSHOT, TickerScanner } from './ticker-scanner.js';
import type { TickerRejectCode } from './ticker-reject.js';
import { QUOTE_EXCH_TS } from '../../../core/quote-layout.js';

export interface PublicV2Options extends PublicFeedOptions {
  /** `pairs`: v2 symbols (`BTC/USD`). The ping is v2's own. */
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers' | 'pingMessage'>;
}

export interface PublicV2Stats extends PublicFeedStats {
  snapshots: number;
  /** Ticker frames without `timestamp`: QUOTE_EXCH_TS set to the local receive time. */
  receiveTimeStamps: number;
}

const V2_FEED: PublicFeedVersion<TickerScanner> = {
  className: 'KrakenPublicV2',
  defaultName: 'public-v2',
  Scanner: TickerScanner,
  defaultMaxEventBytes: DEFAULT_MAX_V2_EVENT_BYTES,
  connection: { pingMessage: buildPingV2, countsAsProgress: isNotPong },
};

export class KrakenPublicV2 extends PublicFeedBase<TickerRejectCode, TickerScanner, PublicV2Stats> {
  constructor(options: PublicV2Options, handlers: PublicFeedHandlers<TickerRejectCode>) {
    super(V2_FEED, options, handlers, { ...newPublicFeedStats(), snapshots: 0, receiveTimeStamps: 0 });
  }

  protected buildSubscribe(reqId: number, pairs: readonly string[]): string {
    return buildTickerSubscribe(reqId, pairs);
  }

  protected completeQuote(out: Float64Array, recvUs: number): void {
    const ts = out[QUOTE_EXCH_TS] as number;
    if (ts !== ts) {
      // No Kraken timestamp in this frame (ticker-scanner.ts): the local receive time stands in.
      out[QUOTE_EXCH_TS] = recvUs / 1e6;
      this.stats.receiveTimeStamps++;
    }
    if (this.scanner.lastType === TICKER_TYPE_SNAPSHOT) this.stats.snapshots++;
  }

  protected onEvent(data: Buffer): void {
    const ev = parseV2Frame(data, this.maxEventBytes);
    switch (ev.kind) {
      case 'heartbeat':
        this.stats.heartbeats++;
        return;
      case 'pong':
        this.stats.pongs++;
        return;
      case 'status':
        return this.onSystemStatus(ev.system);
      case 'ack':
        if (ev.method === 'subscribe' || ev.method === 'unsubscribe')
          return this.onSubscriptionAck(ev.method, ev.success, ev.channel, ev.symbol, ev.error);
        return this.countedError('unknownEvents', 'UNKNOWN_EVENT', 'ack for ' + ev.method);
      case 'error':
        return this.countedError('krakenErrors', 'KRAKEN_ERROR', ev.error);
      case 'channel':
        // Data for a channel we never subscribed to on this socket.
        return this.countedError('unknownEvents', 'UNKNOWN_EVENT', 'channel ' + ev.channel);
      case 'invalid':
        return this.countedError('badEvents', 'BAD_EVENT', ev.reason + ': ' + ev.detail);
    }
  }

  /** One ack per symbol (docs/kraken-protocol.md §3.2). */
  private onSubscriptionAck(
    method: 'subscribe' | 'unsubscribe',
    success: boolean,
    channel: string | undefined,
    symbol: string | undefined,
    error: string | undefined,
  ): void {
    if (!success) this.stats.subscriptionErrors++;
    if (channel !== undefined && channel !== 'ticker')
      return this.countedError(
        'unknownPairStatus',
        'SUBSCRIPTION_ERROR',
        method + ' ack for channel ' + channel,
      );
    const rateLimited = !success && RATE_LIMIT_RE.test(error ?? '');
    if (rateLimited) {
      this.countedError('rateLimitErrors', 'RATE_LIMITED', error ?? '');
      this.scheduleRetry();
    }
    const idx = this.pairIndexOf(symbol);
    if (idx === undefined) {
      this.stats.unknownPairStatus++;
      if (!success && !rateLimited)
        this.protocolError('SUBSCRIPTION_ERROR', (symbol ?? '(no symbol)') + ': ' + (error ?? ''));
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
    this.setPairOnline(idx, online, status, error, !success);
  }
}
