/**
 * Pure helpers for taking liquidity from the market's book: cost estimates for the funds check,
 * and the funds-bounded plan for a market buy. The venue performs the actual take.
 */
import type { BookLevel } from '../contracts.js';
import { floorTo, roundTo } from './decimal.js';

/**
 * Quote cost of taking `volume` by walking `levels` (best first). Volume beyond the book's depth is
 * priced at the last level: a conservative estimate for the funds check. Empty book → 0.
 */
export function estimateCost(levels: readonly BookLevel[], volume: number): number {
  let remaining = volume;
  let cost = 0;
  let last = 0;
  for (const lvl of levels) {
    if (remaining <= 0) break;
    const q = Math.min(lvl.qty, remaining);
    cost += q * lvl.price;
    remaining -= q;
    last = lvl.price;
  }
  if (remaining > 0) cost += remaining * last;
  return cost;
}

/**
 * How much of `volume` a market buy can take with `funds` of quote, fees included, and the worst
 * price it reaches (the limit passed to SimMarket.take so fills never exceed the plan's cost).
 */
export function planFundedBuy(
  levels: readonly BookLevel[],
  volume: number,
  funds: number,
  feeFactor: number,
  lotDecimals: number,
): { qty: number; worstPrice: number } {
  let remaining = volume;
  let left = funds;
  let qty = 0;
  let worstPrice = 0;
  for (const lvl of levels) {
    if (remaining <= 0 || lvl.price <= 0) break;
    const affordable = floorTo(left / (lvl.price * feeFactor), lotDecimals);
    const q = Math.min(lvl.qty, remaining, affordable);
    if (q <= 0) break;
    qty = roundTo(qty + q, lotDecimals);
    remaining = roundTo(remaining - q, lotDecimals);
    left -= q * lvl.price * feeFactor;
    worstPrice = lvl.price;
  }
  return { qty, worstPrice };
}
