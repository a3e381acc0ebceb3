/**
 * Fee schedules the simulated AssetPairs carries, as Kraken gives them: [[30-day USD volume, percent]].
 * Source: docs/kraken-protocol.md §6.
 */

/** Ordinary crypto pairs, taker: current base Kraken Pro schedule (0.40 % at 0 volume). */
export const COIN_TAKER_FEES: ReadonlyArray<readonly [number, number]> = [
  [0, 0.4],
  [10_000, 0.35],
  [50_000, 0.24],
  [100_000, 0.22],
  [250_000, 0.2],
  [500_000, 0.18],
  [1_000_000, 0.16],
  [2_500_000, 0.14],
  [5_000_000, 0.12],
  [10_000_000, 0.1],
  [100_000_000, 0.08],
  [500_000_000, 0.05],
];

/** Ordinary crypto pairs, maker. */
export const COIN_MAKER_FEES: ReadonlyArray<readonly [number, number]> = [
  [0, 0.25],
  [10_000, 0.2],
  [50_000, 0.14],
  [100_000, 0.12],
  [250_000, 0.1],
  [500_000, 0.08],
  [1_000_000, 0.06],
  [2_500_000, 0.04],
  [5_000_000, 0.02],
  [10_000_000, 0.0],
  [100_000_000, 0.0],
  [500_000_000, 0.0],
];

/**
 * Stablecoin and FX pairs (USDT/USD, USDT/EUR, EUR/USD): one flat schedule for maker and taker.
 * The array is the captured DAI/USD schedule (docs/kraken-protocol.md §6); the maker schedule is left empty
 * as PairInfo documents for flat-fee pairs (the taker schedule applies to both).
 */
export const STABLE_FEES: ReadonlyArray<readonly [number, number]> = [
  [0, 0.2],
  [50_000, 0.16],
  [100_000, 0.12],
  [250_000, 0.08],
  [500_000, 0.04],
  [1_000_000, 0],
];
