/**
 * Kraken WebSocket v1 public feed for one listener: one connection, `spread` for its pairs.
 * Hot path: bytes → SpreadScanner → onSpread(pairIndex, out) with no allocation; `out` holds
 * bid, ask, Kraken ts, volumes and the local receive time (QUOTE_RECV_US, epoch µs).
 * Slow path (objects): systemStatus, subscriptionStatus, heartbeat, pong, errors.
 * Connection, pair state and retries: public-feed-base.ts.
 */
import type { WsConnectionOptions } from '../shared/connection.js';
import { parseEventFrame, DEFAULT_MAX_EVENT_BYTES } from './events.js';
import { buildPublicSubscribe } from './messages.js';
import { ALREADY_SUBSCRIBED_RE } from '../shared/error-text.js';
import {
  isNotPong,
  newPublicFeedStats,
  PublicFeedBase,
  type PublicFeedHandlers,
  type PublicFeedOptions,
  type PublicFeedStats,
  type PublicFeedVersion,
} from '../shared/public-feed-base.js';
import { SpreadScanner } from './spread-scanner.js';
import { type QuoteRejectCode } from '../shared/quote-reject.js';

export interface PublicV1Options extends PublicFeedOptions {
  /** `pairs`: v1 wsnames (`XBT/USD`). */
  connection?: Omit<WsConnectionOptions, 'url' | 'name' | 'timers'>;
}

const V1_FEED: PublicFeedVersion<SpreadScanner> = {
  className: 'KrakenPublicV1',
  defaultName: 'public-v1',
  Scanner: SpreadScanner,
  defaultMaxEventBytes: DEFAULT_MAX_EVENT_BYTES,
  connection: { countsAsProgress: isNotPong },
};

export class KrakenPublicV1 extends PublicFeedBase<QuoteRejectCode, SpreadScanner, PublicFeedStats> {
  constructor(options: PublicV1Options, handlers: PublicFeedHandlers<QuoteRejectCode>) {
    super(V1_FEED, options, handlers, newPublicFeedStats());
  }

  protected buildSubscribe(reqid: number, pairs: readonly string[]): string {
    return buildPublicSubscribe(reqid, pairs, 'spread');
  }

  /** v1 spread frames carry every field: nothing to complete. */
  protected completeQuote(): void {}

  protected onEvent(data: Buffer): void {
    const ev = parseEventFrame(data, this.maxEventBytes);
    switch (ev.kind) {
      case 'heartbeat':
        this.stats.heartbeats++;
        return;
      case 'pong':
        this.stats.pongs++;
        return;
      case 'systemStatus':
        return this.onSystemStatus(ev.status);
      case 'subscriptionStatus':
        // Only our channel decides pair status; anything else is unexpected on this socket.
        if (ev.name !== undefined && ev.name !== 'spread')
          return this.countedError(
            'unknownPairStatus',
            'SUBSCRIPTION_ERROR',
            'status for channel ' + ev.name,
          );
        return this.onSubscriptionStatus(ev.status, ev.pair, ev.errorMessage);
      case 'error':
        return this.countedError('krakenErrors', 'KRAKEN_ERROR', ev.errorMessage);
      case 'rateLimited':
        this.countedError('rateLimitErrors', 'RATE_LIMITED', ev.message);
        return this.scheduleRetry();
      case 'invalid':
        return this.countedError('badEvents', 'BAD_EVENT', ev.reason + ': ' + ev.detail);
      case 'unknownEvent':
        return this.countedError('unknownEvents', 'UNKNOWN_EVENT', ev.event);
      default:
        // addOrderStatus & co. do not belong on the public socket.
        return this.countedError('unknownEvents', 'UNKNOWN_EVENT', ev.kind);
    }
  }

  private onSubscriptionStatus(
    status: string,
    pair: string | undefined,
    errorMessage: string | undefined,
  ): void {
    const idx = this.pairIndexOf(pair);
    const isError = status === 'error';
    if (isError) this.stats.subscriptionErrors++;
    if (idx === undefined) {
      this.stats.unknownPairStatus++;
      if (isError)
        this.protocolError('SUBSCRIPTION_ERROR', (pair ?? '(no pair)') + ': ' + (errorMessage ?? ''));
      return;
    }
    // "Already subscribed" after a retry means the pair is live.
    const online = status === 'subscribed' || (isError && ALREADY_SUBSCRIBED_RE.test(errorMessage ?? ''));
    this.setPairOnline(idx, online, status, errorMessage, isError);
  }
}
