/**
 * Order sizing for one direction, with the original system's defects 1–3 fixed
 * (docs/design-decisions.md §2):
 *  - volume = min(balance / (buyPrice × (1 + fee)), maxOrderValue / buyPrice, buy ask volume, sell bid volume),
 *    balances as full doubles (defect 3: no integer flooring, no 16-bit saturation);
 *  - rounded DOWN (defect 2) to the coarser lot_decimals of the two legs, so the same string is
 *    valid on the buy and the sell pair; re-checked in doubles against balance and max value;
 *  - ordermin on both legs: volume ≥ ordermin; costmin on both legs: volume × price ≥ costmin (defect 1).
 * Writes its figures into the opportunity payload; allocates nothing.
 */
import { ceilToDecimals, floorToDecimals } from './decimals.js';
import {
  DROP_BAD_QUOTE,
  DROP_BALANCE_TOO_SMALL,
  DROP_BELOW_COSTMIN_BUY,
  DROP_BELOW_COSTMIN_SELL,
  DROP_BELOW_ORDERMIN_BUY,
  DROP_BELOW_ORDERMIN_SELL,
  DROP_ZERO_VOLUME,
  EVAL_OPPORTUNITY,
  type EvalCode,
} from './eval-codes.js';
import {
  DIR_USD_TO_EUR,
  LIMIT_ASK_VOLUME,
  LIMIT_BALANCE,
  LIMIT_BID_VOLUME,
  LIMIT_MAX_ORDER_VALUE,
  OPP_AMOUNT_IN,
  OPP_BUY_PRICE,
  OPP_LIMITED_BY,
  OPP_RAW_VOLUME,
  OPP_SELL_PRICE,
  OPP_VOLUME,
} from './opportunity.js';
import type { PairMeta } from './pair-meta.js';
import type { QuoteTable } from './quote-table.js';

/** The fields of EvalParams sizing reads (structural, so arbitrage.ts need not be imported here). */
export interface SizingParams {
  readonly takerFee: number;
  readonly balanceUsd: number;
  readonly balanceEur: number;
  readonly maxOrderValueUsd: number;
  readonly maxOrderValueEur: number;
}

/**
 * Relative margin on the costmin check. Kraken compares exact decimals; our double product can be
 * an ulp off, so an order exactly at costmin could be refused. We give up orders within 1e-9 of the edge.
 */
export const COSTMIN_SAFETY = 1e-9;
/** Step-down attempts after rounding when the double cost re-check fails (1 suffices; 3 is a bound, not a loop). */
const MAX_STEP_DOWN = 3;
const POW10_LOT = new Float64Array(16).map((_, d) => 10 ** d);

/**
 * Size a buy on `buyI` (local index) and a sell on `sellI` in direction `dir`, spending the
 * direction's balance from `params`. Writes OPP_BUY_PRICE, OPP_SELL_PRICE, OPP_RAW_VOLUME,
 * OPP_LIMITED_BY, OPP_VOLUME, OPP_AMOUNT_IN at `off`; returns EVAL_OPPORTUNITY or a DROP_* code.
 * The caller (evaluate) has checked fee ∈ [0, 1) and maxOrderValue > 0.
 *
 * Doubles are read from `params` here rather than passed as arguments: this function is too big
 * for TurboFan to inline into evaluate, and double arguments to a non-inlined call are boxed
 * (a HeapNumber each, per message).
 */
export function sizeOrder(
  table: QuoteTable,
  meta: PairMeta,
  buyI: number,
  sellI: number,
  dir: number,
  params: SizingParams,
  out: Float64Array,
  off: number,
): EvalCode {
  const fee = params.takerFee;
  const usd = dir === DIR_USD_TO_EUR;
  const balance = usd ? params.balanceUsd : params.balanceEur;
  const maxOrderValue = usd ? params.maxOrderValueUsd : params.maxOrderValueEur;
  const lotDec = Math.min(meta.lotDecimals[buyI] as number, meta.lotDecimals[sellI] as number);
  const buyPrice = ceilToDecimals(table.ask[buyI] as number, meta.pairDecimals[buyI] as number);
  const sellPrice = floorToDecimals(table.bid[sellI] as number, meta.pairDecimals[sellI] as number);
  out[off + OPP_BUY_PRICE] = buyPrice;
  out[off + OPP_SELL_PRICE] = sellPrice;
  out[off + OPP_RAW_VOLUME] = 0;
  out[off + OPP_LIMITED_BY] = LIMIT_BALANCE;
  out[off + OPP_VOLUME] = 0;
  out[off + OPP_AMOUNT_IN] = 0;
  if (!(buyPrice > 0) || !(sellPrice >= 0)) return DROP_BAD_QUOTE;
  if (!(balance > 0)) return DROP_BALANCE_TOO_SMALL;

  const grossPerUnit = buyPrice * (1 + fee);
  let raw = balance / grossPerUnit;
  let limitedBy = LIMIT_BALANCE;
  const byValue = maxOrderValue / buyPrice;
  if (byValue < raw) {
    raw = byValue;
    limitedBy = LIMIT_MAX_ORDER_VALUE;
  }
  const askVol = table.askVol[buyI] as number;
  if (askVol < raw) {
    raw = askVol;
    limitedBy = LIMIT_ASK_VOLUME;
  }
  const bidVol = table.bidVol[sellI] as number;
  if (bidVol < raw) {
    raw = bidVol;
    limitedBy = LIMIT_BID_VOLUME;
  }
  out[off + OPP_RAW_VOLUME] = raw;
  out[off + OPP_LIMITED_BY] = limitedBy;

  let volume = floorToDecimals(raw, lotDec);
  // floor() guarantees volume ≤ raw; the products below can still be one ulp over. Step down a lot.
  for (let i = 0; i < MAX_STEP_DOWN && volume > 0; i++) {
    if (volume * grossPerUnit <= balance && volume * buyPrice <= maxOrderValue) break;
    volume = floorToDecimals(volume - 0.5 / (POW10_LOT[lotDec] as number), lotDec);
  }
  if (!(volume > 0) || volume * grossPerUnit > balance) {
    return limitedBy === LIMIT_BALANCE ? DROP_BALANCE_TOO_SMALL : DROP_ZERO_VOLUME;
  }
  out[off + OPP_VOLUME] = volume;
  out[off + OPP_AMOUNT_IN] = volume * grossPerUnit;

  return checkMinimums(meta, buyI, sellI, out, off);
}

/** Kraken's minimums for both legs, on the volume and prices sizeOrder wrote at `off`. */
function checkMinimums(
  meta: PairMeta,
  buyI: number,
  sellI: number,
  out: Float64Array,
  off: number,
): EvalCode {
  // Read back from `out`, not passed: double arguments to a call that is not inlined are boxed.
  const volume = out[off + OPP_VOLUME] as number;
  if (!(volume >= (meta.ordermin[buyI] as number))) return DROP_BELOW_ORDERMIN_BUY;
  if (!(volume >= (meta.ordermin[sellI] as number))) return DROP_BELOW_ORDERMIN_SELL;
  const buyCost = volume * (out[off + OPP_BUY_PRICE] as number);
  if (!(buyCost >= (meta.costmin[buyI] as number) * (1 + COSTMIN_SAFETY))) return DROP_BELOW_COSTMIN_BUY;
  const sellCost = volume * (out[off + OPP_SELL_PRICE] as number);
  if (!(sellCost >= (meta.costmin[sellI] as number) * (1 + COSTMIN_SAFETY))) return DROP_BELOW_COSTMIN_SELL;
  return EVAL_OPPORTUNITY;
}
