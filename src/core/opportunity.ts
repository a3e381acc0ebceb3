/**
 * The fixed Float64 layout of one opportunity. evaluate() writes it into a caller-provided
 * Float64Array (the listener's scratch or directly a SharedArrayBuffer slot payload); the trader
 * reads it back. Offsets are relative to the caller's `offset`; every field is a number (indices,
 * codes and the sequence are small integers, exact in a double).
 *
 * Pair indices in the payload are GLOBAL (see pair-universe.ts), so the trader, which holds the
 * global pair table, can look pairs up without knowing which listener wrote the slot.
 */

/** Direction 0: buy X/USD at its ask spending USD, sell X/EUR at its bid. */
export const DIR_USD_TO_EUR = 0;
/** Direction 1: buy X/EUR at its ask spending EUR, sell X/USD at its bid. */
export const DIR_EUR_TO_USD = 1;
export type Direction = typeof DIR_USD_TO_EUR | typeof DIR_EUR_TO_USD;

/** What bound the raw volume (OPP_LIMITED_BY). */
export const LIMIT_BALANCE = 0;
export const LIMIT_MAX_ORDER_VALUE = 1;
export const LIMIT_ASK_VOLUME = 2;
export const LIMIT_BID_VOLUME = 3;

/** Sequence number, stamped by the publisher (stampOpportunity). */
export const OPP_SEQ = 0;
export const OPP_DIRECTION = 1;
/** Global coin index. */
export const OPP_COIN = 2;
/** Global pair index of the leg bought (at its ask). */
export const OPP_BUY_PAIR = 3;
/** Global pair index of the leg sold (at its bid). */
export const OPP_SELL_PAIR = 4;
/** Buy limit price: the ask, rounded UP to the buy pair's decimals (never below the ask). */
export const OPP_BUY_PRICE = 5;
/** Expected sell price: the bid, rounded DOWN to the sell pair's decimals. */
export const OPP_SELL_PRICE = 6;
/** Order volume: rounded down to the coarser lot decimals of the two legs; valid on both. */
export const OPP_VOLUME = 7;
/** Volume before rounding (min of the four limits). */
export const OPP_RAW_VOLUME = 8;
/** LIMIT_* code of the binding limit. */
export const OPP_LIMITED_BY = 9;
export const OPP_ROI = 10;
/** Coin taker fee fraction used (0.004 = 0.40 %). */
export const OPP_FEE = 11;
/** Quote currency the buy spends, fee included: volume × buyPrice × (1 + fee). */
export const OPP_AMOUNT_IN = 12;
/** The code evaluate() returned (EVAL_OPPORTUNITY or a DROP_* reason). */
export const OPP_CODE = 13;
/** Raw quotes of the four legs at evaluation time. */
export const OPP_BUY_BID = 14;
export const OPP_BUY_ASK = 15;
export const OPP_BUY_BID_VOL = 16;
export const OPP_BUY_ASK_VOL = 17;
export const OPP_SELL_BID = 18;
export const OPP_SELL_ASK = 19;
export const OPP_SELL_BID_VOL = 20;
export const OPP_SELL_ASK_VOL = 21;
export const OPP_USDT_USD_BID = 22;
export const OPP_USDT_USD_ASK = 23;
export const OPP_USDT_USD_BID_VOL = 24;
export const OPP_USDT_USD_ASK_VOL = 25;
export const OPP_USDT_EUR_BID = 26;
export const OPP_USDT_EUR_ASK = 27;
export const OPP_USDT_EUR_BID_VOL = 28;
export const OPP_USDT_EUR_ASK_VOL = 29;
/** Global pair index of the update that triggered the evaluation. */
export const OPP_TRIGGER_PAIR = 30;
/** Kraken timestamp of the triggering update (epoch seconds, µs precision). */
export const OPP_TRIGGER_EXCH_TS = 31;
/** Local receive time of the triggering update (epoch µs). */
export const OPP_TRIGGER_RECV_US = 32;
/** Oldest Kraken timestamp among the other three legs (epoch seconds). */
export const OPP_OLDEST_LEG_EXCH_TS = 33;
/** `nowUs` passed to evaluate (epoch µs). */
export const OPP_EVAL_NOW_US = 34;
/** When evaluation finished (epoch µs), stamped by the caller (stampOpportunity). */
export const OPP_EVAL_DONE_US = 35;
/** Listener that found it, stamped by the caller. */
export const OPP_LISTENER = 36;
/**
 * When the listener began putting it in the slot (epoch µs), after it woke the trader; 0 when it was
 * refused before the slot. Splits the hand-off into the publisher's part and the trader's.
 */
export const OPP_PUBLISHED_US = 37;
export const OPPORTUNITY_FIELDS = 38;

/** Object form for the trader, journal and metrics (allocates: not for the per-message path). */
export interface Opportunity {
  seq: number;
  direction: Direction;
  coin: number;
  buyPair: number;
  sellPair: number;
  buyPrice: number;
  sellPrice: number;
  volume: number;
  rawVolume: number;
  limitedBy: number;
  roi: number;
  fee: number;
  amountIn: number;
  code: number;
  buyQuote: QuoteSnapshot;
  sellQuote: QuoteSnapshot;
  usdtUsd: QuoteSnapshot;
  usdtEur: QuoteSnapshot;
  triggerPair: number;
  triggerExchTs: number;
  triggerRecvUs: number;
  oldestLegExchTs: number;
  evalNowUs: number;
  evalDoneUs: number;
  listener: number;
  publishedUs: number;
}

export interface QuoteSnapshot {
  bid: number;
  ask: number;
  bidVol: number;
  askVol: number;
}

function f(buf: Float64Array, i: number): number {
  return buf[i] as number;
}

function snap(buf: Float64Array, at: number): QuoteSnapshot {
  return { bid: f(buf, at), ask: f(buf, at + 1), bidVol: f(buf, at + 2), askVol: f(buf, at + 3) };
}

/** Throws RangeError (E_OPP_BOUNDS) when the payload does not fit; the hot path never calls this. */
export function assertOpportunityFits(buf: Float64Array, off: number): void {
  if (!Number.isInteger(off) || off < 0 || off + OPPORTUNITY_FIELDS > buf.length) {
    throw new RangeError(
      `E_OPP_BOUNDS: offset ${String(off)} + ${OPPORTUNITY_FIELDS} exceeds length ${buf.length}`,
    );
  }
}

export function readOpportunity(buf: Float64Array, off = 0): Opportunity {
  assertOpportunityFits(buf, off);
  return {
    seq: f(buf, off + OPP_SEQ),
    direction: f(buf, off + OPP_DIRECTION) === DIR_EUR_TO_USD ? DIR_EUR_TO_USD : DIR_USD_TO_EUR,
    coin: f(buf, off + OPP_COIN),
    buyPair: f(buf, off + OPP_BUY_PAIR),
    sellPair: f(buf, off + OPP_SELL_PAIR),
    buyPrice: f(buf, off + OPP_BUY_PRICE),
    sellPrice: f(buf, off + OPP_SELL_PRICE),
    volume: f(buf, off + OPP_VOLUME),
    rawVolume: f(buf, off + OPP_RAW_VOLUME),
    limitedBy: f(buf, off + OPP_LIMITED_BY),
    roi: f(buf, off + OPP_ROI),
    fee: f(buf, off + OPP_FEE),
    amountIn: f(buf, off + OPP_AMOUNT_IN),
    code: f(buf, off + OPP_CODE),
    buyQuote: snap(buf, off + OPP_BUY_BID),
    sellQuote: snap(buf, off + OPP_SELL_BID),
    usdtUsd: snap(buf, off + OPP_USDT_USD_BID),
    usdtEur: snap(buf, off + OPP_USDT_EUR_BID),
    triggerPair: f(buf, off + OPP_TRIGGER_PAIR),
    triggerExchTs: f(buf, off + OPP_TRIGGER_EXCH_TS),
    triggerRecvUs: f(buf, off + OPP_TRIGGER_RECV_US),
    oldestLegExchTs: f(buf, off + OPP_OLDEST_LEG_EXCH_TS),
    evalNowUs: f(buf, off + OPP_EVAL_NOW_US),
    evalDoneUs: f(buf, off + OPP_EVAL_DONE_US),
    listener: f(buf, off + OPP_LISTENER),
    publishedUs: f(buf, off + OPP_PUBLISHED_US),
  };
}

function putSnap(buf: Float64Array, at: number, q: QuoteSnapshot): void {
  buf[at] = q.bid;
  buf[at + 1] = q.ask;
  buf[at + 2] = q.bidVol;
  buf[at + 3] = q.askVol;
}

/** Object → payload (tests, the simulator, replay tools; allocates nothing but is not for the per-message path). */
export function writeOpportunity(buf: Float64Array, off: number, o: Opportunity): void {
  assertOpportunityFits(buf, off);
  buf[off + OPP_SEQ] = o.seq;
  buf[off + OPP_DIRECTION] = o.direction;
  buf[off + OPP_COIN] = o.coin;
  buf[off + OPP_BUY_PAIR] = o.buyPair;
  buf[off + OPP_SELL_PAIR] = o.sellPair;
  buf[off + OPP_BUY_PRICE] = o.buyPrice;
  buf[off + OPP_SELL_PRICE] = o.sellPrice;
  buf[off + OPP_VOLUME] = o.volume;
  buf[off + OPP_RAW_VOLUME] = o.rawVolume;
  buf[off + OPP_LIMITED_BY] = o.limitedBy;
  buf[off + OPP_ROI] = o.roi;
  buf[off + OPP_FEE] = o.fee;
  buf[off + OPP_AMOUNT_IN] = o.amountIn;
  buf[off + OPP_CODE] = o.code;
  putSnap(buf, off + OPP_BUY_BID, o.buyQuote);
  putSnap(buf, off + OPP_SELL_BID, o.sellQuote);
  putSnap(buf, off + OPP_USDT_USD_BID, o.usdtUsd);
  putSnap(buf, off + OPP_USDT_EUR_BID, o.usdtEur);
  buf[off + OPP_TRIGGER_PAIR] = o.triggerPair;
  buf[off + OPP_TRIGGER_EXCH_TS] = o.triggerExchTs;
  buf[off + OPP_TRIGGER_RECV_US] = o.triggerRecvUs;
  buf[off + OPP_OLDEST_LEG_EXCH_TS] = o.oldestLegExchTs;
  buf[off + OPP_EVAL_NOW_US] = o.evalNowUs;
  buf[off + OPP_EVAL_DONE_US] = o.evalDoneUs;
  buf[off + OPP_LISTENER] = o.listener;
  buf[off + OPP_PUBLISHED_US] = o.publishedUs;
}

/** Copy one payload (e.g. listener scratch → shared slot, or slot → trader's private copy). No allocation. */
export function copyOpportunity(src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number): void {
  for (let i = 0; i < OPPORTUNITY_FIELDS; i++) dst[dstOff + i] = src[srcOff + i] as number;
}

/** Publisher's stamp: sequence, evaluation-finished time (epoch µs) and listener index. No allocation. */
export function stampOpportunity(
  buf: Float64Array,
  off: number,
  seq: number,
  evalDoneUs: number,
  listener: number,
): void {
  buf[off + OPP_SEQ] = seq;
  buf[off + OPP_EVAL_DONE_US] = evalDoneUs;
  buf[off + OPP_LISTENER] = listener;
}
