/**
 * One way for a listener to open its public feed whatever `--ws-api` says. Both clients take the
 * same options and handlers and fill the same SPREAD_* `out` layout; only the pair names differ
 * (v1 wsnames `XBT/USD`, v2 symbols `BTC/USD`: PairInfo.wsname / PairInfo.symbol).
 */
import { KrakenPublicV1, type PublicV1Options } from '../ws/public-v1.js';
import { KrakenPublicV2, type PublicV2Handlers, type PublicV2Options } from './public-v2.js';

export type WsApiVersion = 'v1' | 'v2';
export type KrakenPublicFeed = KrakenPublicV1 | KrakenPublicV2;

/**
 * `options.pairs` must already be in the version's naming. Handlers are typed for v2, whose
 * reject codes are a superset of v1's (codes 0–16 mean the same in both: ticker-reject.ts).
 */
export function createPublicFeed(
  api: WsApiVersion,
  options: PublicV1Options & PublicV2Options,
  handlers: PublicV2Handlers,
): KrakenPublicFeed {
  return api === 'v2' ? new KrakenPublicV2(options, handlers) : new KrakenPublicV1(options, handlers);
}
