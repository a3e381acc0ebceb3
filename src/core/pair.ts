/**
 * Domain description of one Kraken spot pair, built from REST AssetPairs (v1 naming) and, for the
 * v2 API, the matching `instrument` symbol. Core code depends on this, never on wire types.
 */
export type PairStatus =
  | 'online'
  | 'cancel_only'
  | 'post_only'
  | 'limit_only'
  | 'reduce_only'
  | 'maintenance'
  | 'delisted'
  | 'unknown';

export interface PairInfo {
  /** REST pair id, the key of the AssetPairs result, e.g. `XXBTZUSD` or `SOLUSD`. */
  readonly id: string;
  /** REST altname, e.g. `XBTUSD`. */
  readonly altname: string;
  /** WebSocket v1 name (`wsname`), e.g. `XBT/USD`. */
  readonly wsname: string;
  /** WebSocket v2 symbol, e.g. `BTC/USD` (XBT→BTC, XDG→DOGE). */
  readonly symbol: string;
  /** Base currency code as in wsname, e.g. `XBT`. */
  readonly base: string;
  /** Quote currency code as in wsname, e.g. `USD`. */
  readonly quote: string;
  /** Kraken's asset ids (AssetPairs `base`/`quote`), as balances are keyed, e.g. `XXBT`, `ZUSD`. */
  readonly baseId: string;
  readonly quoteId: string;
  /** Price decimals (`pair_decimals`). */
  readonly pairDecimals: number;
  /** Volume decimals (`lot_decimals`). */
  readonly lotDecimals: number;
  /** Cost decimals (`cost_decimals`). */
  readonly costDecimals: number;
  /** Minimum order volume in base units (`ordermin`). */
  readonly ordermin: number;
  /** Minimum order cost in quote units (`costmin`); 0 when Kraken gives none. */
  readonly costmin: number;
  /** Price tick (`tick_size`); 10^-pairDecimals when Kraken gives none. */
  readonly tickSize: number;
  readonly status: PairStatus;
  /** Taker fee schedule [[30-day USD volume, percent]...] (`fees`). */
  readonly takerFees: ReadonlyArray<readonly [number, number]>;
  /** Maker fee schedule (`fees_maker`); empty for flat-fee pairs. */
  readonly makerFees: ReadonlyArray<readonly [number, number]>;
}
