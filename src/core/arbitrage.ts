/**
 * Evaluate both directions of one coin after an update, exactly as the original system
 * (docs/design-decisions.md §1):
 *   k = (1 − f) / (1 + f), f = coin taker fee
 *   USD→EUR roi = (X/EUR.bid × USDT/USD.bid) / (X/USD.ask × USDT/EUR.ask) × k   (spend USD, buy X/USD, sell X/EUR)
 *   EUR→USD roi = (X/USD.bid × USDT/EUR.bid) / (X/EUR.ask × USDT/USD.ask) × k   (spend EUR, buy X/EUR, sell X/USD)
 * then guards and sizing. Pure and allocation-free: callable per message in a tight loop.
 *
 * Order of checks: params → legs online → legs have good quotes → ROI (return EVAL_NONE unless
 * roi > minRoi) → payload written → local age → exchange age → sizing. So every roi > minRoi
 * leaves a full payload in `out` (the original logs every such opportunity before its guardrails),
 * with OPP_CODE saying whether it passed. For EVAL_NONE and the codes before the ROI step, `out`
 * is not written.
 */
import {
  DROP_BAD_PARAMS,
  DROP_BAD_QUOTE,
  DROP_PAIR_OFFLINE,
  DROP_STALE_EXCHANGE,
  DROP_STALE_LOCAL,
  EVAL_NONE,
  type EvalCode,
} from './eval-codes.js';
import { isFresh, legsInSync } from './guards.js';
import {
  DIR_EUR_TO_USD,
  DIR_USD_TO_EUR,
  OPP_BUY_BID,
  OPP_BUY_PAIR,
  OPP_CODE,
  OPP_COIN,
  OPP_DIRECTION,
  OPP_EVAL_NOW_US,
  OPP_FEE,
  OPP_OLDEST_LEG_EXCH_TS,
  OPP_ROI,
  OPP_SELL_BID,
  OPP_SELL_PAIR,
  OPP_TRIGGER_EXCH_TS,
  OPP_TRIGGER_PAIR,
  OPP_TRIGGER_RECV_US,
  OPP_USDT_EUR_BID,
  OPP_USDT_USD_BID,
  OPP_VOLUME,
} from './opportunity.js';
import { USDT_EUR_INDEX, USDT_USD_INDEX, eurPairIndex, usdPairIndex } from './pair-index.js';
import type { PairMeta } from './pair-meta.js';
import type { QuoteTable } from './quote-table.js';
import { sizeOrder } from './sizing.js';

/** Kraken's base taker fee for ordinary crypto pairs (docs/kraken-protocol.md §6), as a fraction. */
export const DEFAULT_TAKER_FEE = 0.004;
/** The original system trades when roi > 1.0, strictly, no margin. */
export const DEFAULT_MIN_ROI = 1.0;
/** The original system's staleness guard: 1.5 ms (here on the local clock only). */
export const DEFAULT_MAX_LOCAL_AGE_US = 1_500;
/**
 * The spread channel only publishes changes, so a quiet leg keeps an old Kraken timestamp while
 * still being current: the default only refuses legs a minute apart in market time.
 */
export const DEFAULT_MAX_EXCHANGE_AGE_MS = 60_000;

/**
 * Inputs that change slowly (fees, balances, config), plus the evaluation clock. Keep one mutable
 * instance per listener and update its fields in place from the shared state (all fields are
 * numbers, so V8 stores them unboxed); evaluate() writes only `nowUs`.
 */
export interface EvalParams {
  /** Coin taker fee fraction f (0.004 = 0.40 %), in [0, 1). */
  takerFee: number;
  /** Spendable balances (full precision, quote units). */
  balanceUsd: number;
  balanceEur: number;
  /** Trade only when roi > minRoi (strict). */
  minRoi: number;
  /** Cap on the buy's notional (volume × price, fee excluded), in the spending currency; Infinity = none. */
  maxOrderValueUsd: number;
  maxOrderValueEur: number;
  /** Max local age of the triggering update, µs. */
  maxLocalAgeUs: number;
  /** Max Kraken-time gap between the trigger and the oldest other leg, ms. */
  maxExchangeAgeMs: number;
  /** Local time of the evaluation, epoch µs: written by evaluate(), or by the caller before evaluateAt(). */
  nowUs: number;
}

export function createEvalParams(overrides: Partial<EvalParams> = {}): EvalParams {
  return {
    takerFee: DEFAULT_TAKER_FEE,
    balanceUsd: 0,
    balanceEur: 0,
    minRoi: DEFAULT_MIN_ROI,
    maxOrderValueUsd: Infinity,
    maxOrderValueEur: Infinity,
    maxLocalAgeUs: DEFAULT_MAX_LOCAL_AGE_US,
    maxExchangeAgeMs: DEFAULT_MAX_EXCHANGE_AGE_MS,
    nowUs: 0,
    ...overrides,
  };
}

/** The fee factor k = (1 − f) / (1 + f). */
export function feeFactor(fee: number): number {
  return (1 - fee) / (1 + fee);
}

/** USD→EUR roi from raw prices (exported for tests, reports and the simulator's dislocation check). */
export function roiUsdToEur(
  xUsdAsk: number,
  xEurBid: number,
  usdtUsdBid: number,
  usdtEurAsk: number,
  fee: number,
): number {
  return ((xEurBid * usdtUsdBid) / (xUsdAsk * usdtEurAsk)) * feeFactor(fee);
}

/** EUR→USD roi from raw prices. */
export function roiEurToUsd(
  xEurAsk: number,
  xUsdBid: number,
  usdtEurBid: number,
  usdtUsdAsk: number,
  fee: number,
): number {
  return ((xUsdBid * usdtEurBid) / (xEurAsk * usdtUsdAsk)) * feeFactor(fee);
}

function copyQuote(table: QuoteTable, i: number, out: Float64Array, at: number): void {
  out[at] = table.bid[i] as number;
  out[at + 1] = table.ask[i] as number;
  out[at + 2] = table.bidVol[i] as number;
  out[at + 3] = table.askVol[i] as number;
}

function legOk(table: QuoteTable, i: number): boolean {
  const bid = table.bid[i] as number;
  const ask = table.ask[i] as number;
  // The table already refuses such quotes; re-checked because a bad trade costs more than 4 compares.
  return table.valid[i] === 1 && bid > 0 && ask > bid && ask < Infinity;
}

/**
 * Evaluate coin `coin` (LOCAL coin index in `table`) after an update of local pair `triggerPair`,
 * at local time `nowUs` (epoch µs, the clock that stamped `table.recvUs`). Writes the opportunity
 * payload at `out[off ...]` (see file comment) and returns EVAL_NONE, EVAL_OPPORTUNITY or a DROP_* code.
 *
 * Stores `nowUs` into `params.nowUs` (the one field it writes) and runs evaluateAt. Why: a double
 * passed as an argument to a function too big to inline is boxed (a HeapNumber per call: measured
 * 32 scavenges per 2 M calls with a fresh `nowUs` each time, 0 this way). This wrapper is small
 * enough to be inlined into the caller, where the store is unboxed.
 */
export function evaluate(
  table: QuoteTable,
  meta: PairMeta,
  coin: number,
  triggerPair: number,
  params: EvalParams,
  nowUs: number,
  out: Float64Array,
  off: number,
): EvalCode {
  params.nowUs = nowUs;
  return evaluateAt(table, meta, coin, triggerPair, params, out, off);
}

/**
 * evaluate() with the clock read from `params.nowUs` (set by the caller). The checks and the ROI
 * (every update) stay here; the payload and guards (an opportunity) are writeAndGuard. Measured with
 * `npm run bench -- --quick --only micro` on the 2-vCPU VM, against the single 96-line function:
 * no opportunity 18.2 ns both ways; opportunity found 98 → 75 ns and 2.69 → 0 bytes/op; splitting
 * the checks out as well cost 5 ns per update (18 → 23 ns best batch), so they stay inline.
 */
export function evaluateAt(
  table: QuoteTable,
  meta: PairMeta,
  coin: number,
  triggerPair: number,
  params: EvalParams,
  out: Float64Array,
  off: number,
): EvalCode {
  const usdI = usdPairIndex(coin);
  const eurI = eurPairIndex(coin);
  const fee = params.takerFee;
  if (!(coin >= 0 && eurI < table.size && eurI < meta.size) || (coin | 0) !== coin) return DROP_BAD_PARAMS;
  if (
    !(triggerPair >= 0 && triggerPair < table.size) ||
    !(fee >= 0 && fee < 1) ||
    params.minRoi !== params.minRoi
  )
    return DROP_BAD_PARAMS;
  const on = table.online;
  if (
    !table.feedOnline ||
    on[usdI] !== 1 ||
    on[eurI] !== 1 ||
    on[USDT_USD_INDEX] !== 1 ||
    on[USDT_EUR_INDEX] !== 1
  )
    return DROP_PAIR_OFFLINE;
  if (
    !legOk(table, usdI) ||
    !legOk(table, eurI) ||
    !legOk(table, USDT_USD_INDEX) ||
    !legOk(table, USDT_EUR_INDEX)
  )
    return DROP_BAD_QUOTE;
  const roi0 = roiUsdToEur(
    table.ask[usdI] as number,
    table.bid[eurI] as number,
    table.bid[USDT_USD_INDEX] as number,
    table.ask[USDT_EUR_INDEX] as number,
    fee,
  );
  const roi1 = roiEurToUsd(
    table.ask[eurI] as number,
    table.bid[usdI] as number,
    table.bid[USDT_EUR_INDEX] as number,
    table.ask[USDT_USD_INDEX] as number,
    fee,
  );
  // Both cannot exceed 1 in a market with non-negative spreads and f ≥ 0 (their product ≤ k² ≤ 1).
  const dir = roi1 > roi0 ? DIR_EUR_TO_USD : DIR_USD_TO_EUR;
  const roi = dir === DIR_EUR_TO_USD ? roi1 : roi0;
  if (!(roi > params.minRoi)) return EVAL_NONE;
  // Stored here, not passed: a double argument to a call that is not inlined is boxed.
  out[off + OPP_ROI] = roi;
  return writeAndGuard(table, meta, coin, triggerPair, dir, params, out, off);
}

/**
 * roi > minRoi (OPP_ROI already written): the full payload, then the age guards and sizing.
 * Returns the code it also writes at OPP_CODE.
 */
function writeAndGuard(
  table: QuoteTable,
  meta: PairMeta,
  coin: number,
  triggerPair: number,
  dir: number,
  params: EvalParams,
  out: Float64Array,
  off: number,
): EvalCode {
  const usdI = usdPairIndex(coin);
  const eurI = eurPairIndex(coin);
  const buyI = dir === DIR_USD_TO_EUR ? usdI : eurI;
  const sellI = dir === DIR_USD_TO_EUR ? eurI : usdI;
  const g = meta.globalIndex;
  out[off + OPP_DIRECTION] = dir;
  out[off + OPP_COIN] = ((g[usdI] as number) - 2) >> 1;
  out[off + OPP_BUY_PAIR] = g[buyI] as number;
  out[off + OPP_SELL_PAIR] = g[sellI] as number;
  out[off + OPP_FEE] = params.takerFee;
  copyQuote(table, buyI, out, off + OPP_BUY_BID);
  copyQuote(table, sellI, out, off + OPP_SELL_BID);
  copyQuote(table, USDT_USD_INDEX, out, off + OPP_USDT_USD_BID);
  copyQuote(table, USDT_EUR_INDEX, out, off + OPP_USDT_EUR_BID);
  const triggerTs = table.exchTs[triggerPair] as number;
  const triggerRecv = table.recvUs[triggerPair] as number;
  out[off + OPP_TRIGGER_PAIR] = g[triggerPair] as number;
  out[off + OPP_TRIGGER_EXCH_TS] = triggerTs;
  out[off + OPP_TRIGGER_RECV_US] = triggerRecv;
  out[off + OPP_EVAL_NOW_US] = params.nowUs;
  // Oldest and newest Kraken timestamps among the legs other than the trigger.
  let oldest = Infinity;
  let newest = -Infinity;
  const ts = table.exchTs;
  for (let k = 0; k < 4; k++) {
    const leg = k === 0 ? usdI : k === 1 ? eurI : k === 2 ? USDT_USD_INDEX : USDT_EUR_INDEX;
    if (leg === triggerPair) continue;
    const t = ts[leg] as number;
    if (t < oldest) oldest = t;
    if (t > newest) newest = t;
  }
  out[off + OPP_OLDEST_LEG_EXCH_TS] = oldest;
  // Sizing fields are cleared/overwritten by sizeOrder; guards below may return before it runs.
  out[off + OPP_VOLUME] = 0;

  const maxOrderValue = dir === DIR_USD_TO_EUR ? params.maxOrderValueUsd : params.maxOrderValueEur;
  let code: EvalCode;
  if (!(maxOrderValue > 0)) code = DROP_BAD_PARAMS;
  else if (!isFresh(triggerRecv, params.nowUs, params.maxLocalAgeUs)) code = DROP_STALE_LOCAL;
  else if (!legsInSync(triggerTs, oldest, newest, params.maxExchangeAgeMs)) code = DROP_STALE_EXCHANGE;
  else code = sizeOrder(table, meta, buyI, sellI, dir, params, out, off);
  out[off + OPP_CODE] = code;
  return code;
}
