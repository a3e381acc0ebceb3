/**
 * Real-looking majors at the head of the universe, with Kraken's legacy asset ids where Kraken has
 * them (docs/kraken-protocol.md §8: XXBT, XETH, XXRP, XXDG, XLTC, XXLM, XXMR, XZEC) and newer plain ids
 * otherwise. Prices are round present-day levels; decimals and minimums as AssetPairs shows them.
 */
export interface MajorCoin {
  /** Base code as in wsname. */
  readonly name: string;
  /** Base code in the v2 symbol. */
  readonly symbolName: string;
  /** Legacy REST asset id (`XXBT`), or null for newer assets whose id is the name. */
  readonly legacyBaseId?: string | null;
  readonly priceUsd: number;
  readonly pairDecimals: number;
  readonly lotDecimals: number;
  readonly ordermin: number;
  /** Typical USD value of one book level. */
  readonly levelUsd: number;
}

// prettier-ignore
export const MAJORS: readonly MajorCoin[] = [
  { name: 'XBT', symbolName: 'BTC', legacyBaseId: 'XXBT', priceUsd: 90_000, pairDecimals: 1, lotDecimals: 8, ordermin: 0.00005, levelUsd: 40_000 },
  { name: 'ETH', symbolName: 'ETH', legacyBaseId: 'XETH', priceUsd: 3_000, pairDecimals: 2, lotDecimals: 8, ordermin: 0.002, levelUsd: 30_000 },
  { name: 'SOL', symbolName: 'SOL', priceUsd: 140, pairDecimals: 2, lotDecimals: 8, ordermin: 0.02, levelUsd: 15_000 },
  { name: 'XRP', symbolName: 'XRP', legacyBaseId: 'XXRP', priceUsd: 2.2, pairDecimals: 5, lotDecimals: 8, ordermin: 2, levelUsd: 15_000 },
  { name: 'XDG', symbolName: 'DOGE', legacyBaseId: 'XXDG', priceUsd: 0.15, pairDecimals: 7, lotDecimals: 8, ordermin: 20, levelUsd: 10_000 },
  { name: 'ADA', symbolName: 'ADA', priceUsd: 0.45, pairDecimals: 6, lotDecimals: 8, ordermin: 8, levelUsd: 8_000 },
  { name: 'LTC', symbolName: 'LTC', legacyBaseId: 'XLTC', priceUsd: 85, pairDecimals: 2, lotDecimals: 8, ordermin: 0.05, levelUsd: 6_000 },
  { name: 'DOT', symbolName: 'DOT', priceUsd: 2.8, pairDecimals: 4, lotDecimals: 8, ordermin: 1.5, levelUsd: 5_000 },
  { name: 'LINK', symbolName: 'LINK', priceUsd: 13, pairDecimals: 5, lotDecimals: 8, ordermin: 0.3, levelUsd: 5_000 },
  { name: 'XLM', symbolName: 'XLM', legacyBaseId: 'XXLM', priceUsd: 0.25, pairDecimals: 6, lotDecimals: 8, ordermin: 20, levelUsd: 4_000 },
  { name: 'XMR', symbolName: 'XMR', legacyBaseId: 'XXMR', priceUsd: 350, pairDecimals: 2, lotDecimals: 8, ordermin: 0.015, levelUsd: 3_000 },
  { name: 'ZEC', symbolName: 'ZEC', legacyBaseId: 'XZEC', priceUsd: 60, pairDecimals: 2, lotDecimals: 8, ordermin: 0.08, levelUsd: 3_000 },
];
