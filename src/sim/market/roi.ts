/**
 * The original system's ROI (docs/design-decisions.md §1) of one coin in both directions from the books' touches, with the taker fee
 * charged on each coin leg: k = (1 − f) / (1 + f).
 *   USD→EUR: (X/EUR.bid × USDT/USD.bid) / (X/USD.ask × USDT/EUR.ask) × k
 *   EUR→USD: (X/USD.bid × USDT/EUR.bid) / (X/EUR.ask × USDT/USD.ask) × k
 * The market uses it to size dislocations and tests use it to prove the consistent market has none.
 */
import type { BookLevel, Side } from '../contracts.js';

export type ArbDirection = 'usd-to-eur' | 'eur-to-usd';

export interface CoinRoi {
  usdToEur: number;
  eurToUsd: number;
}

/** Kraken's base taker fee for coin pairs, percent (docs/kraken-protocol.md §6). */
export const DEFAULT_TAKER_FEE_PCT = 0.4;

export function feeFactor(takerFeePct: number): number {
  const f = takerFeePct / 100;
  return (1 - f) / (1 + f);
}

export type LevelsOf = (pairIndex: number, side: Side) => readonly BookLevel[];

export interface RoiLegs {
  usdIndex: number;
  eurIndex: number;
  usdtUsdIndex: number;
  usdtEurIndex: number;
}

/** Both directions' ROI; NaN when a touch is missing. */
export function coinRoi(levels: LevelsOf, legs: RoiLegs, takerFeePct: number): CoinRoi {
  const best = (i: number, s: Side): number => levels(i, s)[0]?.price ?? NaN;
  const k = feeFactor(takerFeePct);
  return {
    usdToEur:
      ((best(legs.eurIndex, 'bid') * best(legs.usdtUsdIndex, 'bid')) /
        (best(legs.usdIndex, 'ask') * best(legs.usdtEurIndex, 'ask'))) *
      k,
    eurToUsd:
      ((best(legs.usdIndex, 'bid') * best(legs.usdtEurIndex, 'bid')) /
        (best(legs.eurIndex, 'ask') * best(legs.usdtUsdIndex, 'ask'))) *
      k,
  };
}
