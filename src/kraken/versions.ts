/**
 * The WebSocket API versions kraken-arb speaks, one row each: how the version names a pair, its
 * public feed, its order entry (the engine's port, src/engine/trade/order-entry.ts), and what the
 * start-up checks need. `--ws-api` picks a row; nothing else branches on the version. Both feeds
 * take the same options and handlers and fill the same quote layout (src/core/quote-layout.ts).
 */
import type { PairInfo } from '../core/pair.js';
import type { OrderEntry } from '../engine/trade/order-entry.js';
import type { KrakenWsApi } from './endpoints.js';
import { KrakenOrderEntryV1 } from './exec/order-entry-v1.js';
import { KrakenOrderEntryV2 } from './exec/order-entry-v2.js';
import type { KrakenOrderEntryOptions } from './exec/session-order-entry.js';
import type { PublicFeedHandlers } from './ws/shared/public-feed-base.js';
import type { PrivateSessionHandlers, PrivateSessionOptions } from './ws/shared/private-session-types.js';
import type { QuoteScannerBase } from './ws/shared/quote-scanner-base.js';
import { QUOTE_REJECT_NAMES } from './ws/shared/quote-reject.js';
import { buildPublicSubscribe } from './ws/v1/messages.js';
import { KrakenPrivateV1 } from './ws/v1/private.js';
import { KrakenPublicV1, type PublicV1Options } from './ws/v1/public.js';
import { SpreadScanner } from './ws/v1/spread-scanner.js';
import { buildTickerSubscribe } from './ws/v2/messages.js';
import { KrakenPrivateV2 } from './ws/v2/private.js';
import { KrakenPublicV2, type PublicV2Options } from './ws/v2/public.js';
import { TICKER_REJECT_NAMES, type TickerRejectCode } from './ws/v2/ticker-reject.js';
import { TickerScanner } from './ws/v2/ticker-scanner.js';

export type KrakenPublicFeed = KrakenPublicV1 | KrakenPublicV2;

/** What a private client offers whatever its version (the start-up checks use no more). */
export interface KrakenPrivateClient {
  readonly ready: boolean;
  start(): void;
  close(): void;
}

export interface KrakenWsVersion {
  /** v1 names pairs by wsname (`XBT/USD`), v2 by symbol (`BTC/USD`). */
  pairName(p: PairInfo): string;
  /** `options.pairs` in this version's naming; handlers typed for the widest reject codes (v2). */
  publicFeed(
    options: PublicV1Options & PublicV2Options,
    handlers: PublicFeedHandlers<TickerRejectCode>,
  ): KrakenPublicFeed;
  orderEntry(options: KrakenOrderEntryOptions): OrderEntry;
  /** Names of the public feed's reject codes, by code. */
  readonly rejectNames: readonly string[];
  /** The quote channel, as the start-up checks name it. */
  readonly quoteChannel: string;
  /** One quote subscription request and the scanner for its frames (start-up checks). */
  quoteSubscribe(reqId: number, pairNames: readonly string[]): string;
  quoteScanner(pairNames: readonly string[]): QuoteScannerBase<number>;
  privateClient(
    options: PrivateSessionOptions,
    handlers: Pick<PrivateSessionHandlers<unknown>, 'onError'>,
  ): KrakenPrivateClient;
  /** The private channels that follow our orders. */
  readonly privateChannels: string;
}

export const KRAKEN_WS_VERSIONS: Readonly<Record<KrakenWsApi, KrakenWsVersion>> = {
  v1: {
    pairName: (p) => p.wsname,
    publicFeed: (o, h) => new KrakenPublicV1(o, h),
    orderEntry: (o) => new KrakenOrderEntryV1(o),
    rejectNames: QUOTE_REJECT_NAMES,
    quoteChannel: 'spread',
    quoteSubscribe: (reqId, names) => buildPublicSubscribe(reqId, names, 'spread'),
    quoteScanner: (names) => new SpreadScanner(names),
    privateClient: (o, h) => new KrakenPrivateV1(o, h),
    privateChannels: 'ownTrades and openOrders',
  },
  v2: {
    pairName: (p) => p.symbol,
    publicFeed: (o, h) => new KrakenPublicV2(o, h),
    orderEntry: (o) => new KrakenOrderEntryV2(o),
    rejectNames: TICKER_REJECT_NAMES,
    quoteChannel: 'ticker (bbo)',
    quoteSubscribe: (reqId, names) => buildTickerSubscribe(reqId, names),
    quoteScanner: (names) => new TickerScanner(names),
    privateClient: (o, h) => new KrakenPrivateV2(o, h),
    privateChannels: 'executions',
  },
};
