/**
 * Index layout shared by every listener's quote table and by the global (cross-thread) numbering:
 * 0 = USDT/USD, 1 = USDT/EUR, then coin k has X/USD at 2 + 2k and X/EUR at 3 + 2k.
 * The same layout is used locally (k = local coin) and globally (k = global coin), so the
 * arithmetic below serves both.
 */
export const USDT_USD_INDEX = 0;
export const USDT_EUR_INDEX = 1;
/** First coin pair index; indices below it are the two stablecoin legs. */
export const FIRST_COIN_PAIR_INDEX = 2;

/** X/USD pair index of coin `coin`. */
export function usdPairIndex(coin: number): number {
  return FIRST_COIN_PAIR_INDEX + 2 * coin;
}

/** X/EUR pair index of coin `coin`. */
export function eurPairIndex(coin: number): number {
  return FIRST_COIN_PAIR_INDEX + 2 * coin + 1;
}

/** Coin of a pair index, or -1 for the two USDT legs (which never trigger an evaluation). */
export function coinOfPairIndex(pairIndex: number): number {
  return pairIndex < FIRST_COIN_PAIR_INDEX ? -1 : (pairIndex - FIRST_COIN_PAIR_INDEX) >> 1;
}

/** Number of pair slots needed for `coinCount` coins. */
export function pairCountForCoins(coinCount: number): number {
  return FIRST_COIN_PAIR_INDEX + 2 * coinCount;
}
