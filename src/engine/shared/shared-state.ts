/**
 * The one SharedArrayBuffer every thread shares, and typed views on it. The main thread calls
 * createSharedState() and passes `state.handle` (structured-clonable) in each Worker's workerData;
 * each worker calls attachSharedState(handle). Same layout everywhere, computed from the options.
 *
 * Blocks, each starting on its own cache line (shared-layout.ts):
 *   flags     Int32: trader busy · trading enabled · shutdown requested · risk-stop code
 *   feed      Int32 per listener: feed status (FEED_*), written by that listener
 *   lastFrame Float64 per listener: local receive time of its last frame (epoch µs)
 *   slot      the capacity-1 opportunity slot (slot.ts)
 *   balances  seqlock (seqlock.ts) of BALANCE_ASSETS and the spend snapshot, written by the fetcher
 *   fees      seqlock of FEE_FIELDS, written by the fetcher
 *   spent     seqlock of SPENT_FIELDS, written by the trader: what trades spent since start
 *   pairs     Int32 per global pair: 1 while the pair may be traded (AssetPairs status online)
 *   counters  one row per listener (shared-counters.ts)
 */
import { OpportunitySlot } from './slot.js';
import { Seqlock } from './seqlock.js';
import { SharedCounters } from './shared-counters.js';
import { alignUp, CACHE_LINE_BYTES } from './shared-layout.js';
import { AppError } from '../../core/app-error.js';

/** Balance slots, by asset (Kraken's ZUSD/ZEUR normalised). Add an asset here, not ad hoc. */
export const BALANCE_ASSETS = ['USD', 'EUR', 'USDT', 'USDC', 'XBT', 'ETH'] as const;
export type BalanceAsset = (typeof BALANCE_ASSETS)[number];
export const BAL_USD = 0;
export const BAL_EUR = 1;
export const BAL_USDT = 2;
export const BAL_USDC = 3;
export const BAL_XBT = 4;
export const BAL_ETH = 5;
/**
 * The trader's cumulative spend (SPENT_*) read just before the fetcher asked for these balances:
 * spend beyond it may not be in the balances yet, so readers subtract it (availableAfterSpend).
 */
export const BAL_SPENT_USD_AT_FETCH = 6;
export const BAL_SPENT_EUR_AT_FETCH = 7;
export const BALANCE_FIELDS = BALANCE_ASSETS.length + 2;

/** Cumulative USD and EUR the trader's buys have cost (fees included) since the process started. */
export const SPENT_USD = 0;
export const SPENT_EUR = 1;
export const SPENT_FIELDS = 2;

/** Fee fields, fractions (0.004 = 0.40 %): the coin taker fee (XBT/USD's) and the stablecoin fee (USDT/USD's). */
export const FEE_COIN_TAKER = 0;
export const FEE_STABLE_TAKER = 1;
export const FEE_FIELDS = 2;

/** Feed status of one listener (systemStatus + connection state). */
export const FEED_DISCONNECTED = 0;
export const FEED_CONNECTING = 1;
export const FEED_ONLINE = 2;
export const FEED_MAINTENANCE = 3;
export const FEED_CANCEL_ONLY = 4;
export const FEED_POST_ONLY = 5;
export const FEED_LIMIT_ONLY = 6;
export const FEED_STATUS_NAMES: readonly string[] = [
  'disconnected',
  'connecting',
  'online',
  'maintenance',
  'cancel_only',
  'post_only',
  'limit_only',
];

const FLAG_TRADER_BUSY = 0;
const FLAG_TRADING_ENABLED = 1;
const FLAG_SHUTDOWN = 2;
const FLAG_RISK_STOP_CODE = 3;
const FLAG_OPERATOR_STOP = 4;
const FLAG_WAKE_TRADER_AHEAD = 5;
const FLAG_TRADER_TAKING = 6;
const FLAG_INTS = 7;

export interface SharedStateOptions {
  /** Listener threads (rows of counters, feed statuses). */
  readonly listeners: number;
  /** Float64 fields of the opportunity payload (OPPORTUNITY_FIELDS from src/core/opportunity.ts). */
  readonly opportunityFields: number;
  /** Evaluation codes to count per listener (EVAL_CODE_COUNT from src/core/eval-codes.ts). */
  readonly evalCodes: number;
  /** Pairs in the universe (global indices), whose tradable flags live here. */
  readonly pairs: number;
}

/** What crosses to a worker in workerData. */
export interface SharedStateHandle {
  readonly buffer: SharedArrayBuffer;
  readonly options: SharedStateOptions;
}

export class SharedStateError extends AppError {
  readonly kind = 'internal';
  constructor(
    readonly code: 'E_SHARED_STATE_OPTIONS' | 'E_SHARED_STATE_BUFFER',
    message: string,
  ) {
    super(message);
    this.name = 'SharedStateError';
  }
}

interface Layout {
  flags: number;
  feed: number;
  lastFrame: number;
  slot: number;
  balances: number;
  fees: number;
  spent: number;
  pairs: number;
  counters: number;
  total: number;
}

function computeLayout(o: SharedStateOptions): Layout {
  const line = (bytes: number): number => alignUp(bytes, CACHE_LINE_BYTES);
  let at = 0;
  const take = (bytes: number): number => {
    const start = at;
    at += line(bytes);
    return start;
  };
  const flags = take(FLAG_INTS * 4);
  const feed = take(o.listeners * 4);
  const lastFrame = take(o.listeners * 8);
  const slot = take(OpportunitySlot.byteLength(o.opportunityFields));
  const balances = take(Seqlock.byteLength(BALANCE_FIELDS));
  const fees = take(Seqlock.byteLength(FEE_FIELDS));
  const spent = take(Seqlock.byteLength(SPENT_FIELDS));
  const pairs = take(o.pairs * 4);
  const counters = take(SharedCounters.byteLength(o.listeners, o.evalCodes));
  return { flags, feed, lastFrame, slot, balances, fees, spent, pairs, counters, total: at };
}

function checkOptions(o: SharedStateOptions): void {
  const ok = (n: number, min: number): boolean => Number.isInteger(n) && n >= min && n <= 1 << 16;
  if (!ok(o.listeners, 1) || !ok(o.opportunityFields, 1) || !ok(o.evalCodes, 0) || !ok(o.pairs, 0)) {
    throw new SharedStateError(
      'E_SHARED_STATE_OPTIONS',
      `bad shared state options: listeners=${o.listeners} opportunityFields=${o.opportunityFields} evalCodes=${o.evalCodes} pairs=${o.pairs}`,
    );
  }
}

export class SharedState {
  readonly handle: SharedStateHandle;
  readonly slot: OpportunitySlot;
  /** Balances by BAL_* index; fetcher writes, everyone reads (seqlock, with updatedAtUs). */
  readonly balances: Seqlock;
  /** Fees by FEE_* index; fetcher writes, everyone reads. */
  readonly fees: Seqlock;
  /** SPENT_* cumulative spend; the trader writes, the fetcher and listeners read. */
  readonly spent: Seqlock;
  private readonly pairTradable: Int32Array;
  readonly counters: SharedCounters;
  private readonly flags: Int32Array;
  private readonly feed: Int32Array;
  private readonly lastFrame: Float64Array;

  constructor(handle: SharedStateHandle) {
    const o = handle.options;
    checkOptions(o);
    const L = computeLayout(o);
    if (!(handle.buffer instanceof SharedArrayBuffer) || handle.buffer.byteLength < L.total) {
      throw new SharedStateError(
        'E_SHARED_STATE_BUFFER',
        `shared buffer missing or smaller than the layout (${L.total} bytes)`,
      );
    }
    const b = handle.buffer;
    this.handle = handle;
    this.flags = new Int32Array(b, L.flags, FLAG_INTS);
    this.feed = new Int32Array(b, L.feed, o.listeners);
    this.lastFrame = new Float64Array(b, L.lastFrame, o.listeners);
    this.slot = new OpportunitySlot(b, L.slot, o.opportunityFields, {
      flags: this.flags,
      index: FLAG_TRADER_BUSY,
    });
    this.balances = new Seqlock(b, L.balances, BALANCE_FIELDS);
    this.fees = new Seqlock(b, L.fees, FEE_FIELDS);
    this.spent = new Seqlock(b, L.spent, SPENT_FIELDS);
    this.pairTradable = new Int32Array(b, L.pairs, o.pairs);
    this.counters = new SharedCounters(b, L.counters, o.listeners, o.evalCodes);
  }

  static byteLength(options: SharedStateOptions): number {
    checkOptions(options);
    return computeLayout(options).total;
  }

  // Trader-busy: set by every take from the slot (before the slot empties) and by the trader for the
  // whole life of a trade; the trader clears it when done with what it took. Listeners read it to skip work.
  isTraderBusy(): boolean {
    return Atomics.load(this.flags, FLAG_TRADER_BUSY) !== 0;
  }
  setTraderBusy(busy: boolean): void {
    Atomics.store(this.flags, FLAG_TRADER_BUSY, busy ? 1 : 0);
  }

  /**
   * The trader takes opportunities from the slot (Trader.run, from its start to its end). Until then
   * listeners count theirs as the trader busy instead of publishing what would go stale in the slot.
   */
  isTraderTaking(): boolean {
    return Atomics.load(this.flags, FLAG_TRADER_TAKING) !== 0;
  }
  setTraderTaking(taking: boolean): void {
    Atomics.store(this.flags, FLAG_TRADER_TAKING, taking ? 1 : 0);
  }

  /**
   * Whether a listener wakes the trader as it finds an opportunity, ahead of its publish
   * (Listener.onSpread). Set by the trader thread when it starts (wakeTraderAheadFor).
   */
  wakeTraderAhead(): boolean {
    return Atomics.load(this.flags, FLAG_WAKE_TRADER_AHEAD) !== 0;
  }
  setWakeTraderAhead(on: boolean): void {
    Atomics.store(this.flags, FLAG_WAKE_TRADER_AHEAD, on ? 1 : 0);
  }

  // Trading-enabled: cleared by a risk stop (or at shutdown); listeners stop publishing, trader stops taking.
  isTradingEnabled(): boolean {
    return Atomics.load(this.flags, FLAG_TRADING_ENABLED) !== 0;
  }
  setTradingEnabled(enabled: boolean): void {
    Atomics.store(this.flags, FLAG_TRADING_ENABLED, enabled ? 1 : 0);
  }
  /** Disable trading with a reason code (caller-defined, non-zero); the first stop's code is kept. */
  riskStop(code: number): void {
    Atomics.compareExchange(this.flags, FLAG_RISK_STOP_CODE, 0, code | 0);
    Atomics.store(this.flags, FLAG_TRADING_ENABLED, 0);
  }
  riskStopCode(): number {
    return Atomics.load(this.flags, FLAG_RISK_STOP_CODE);
  }

  /**
   * The operator's stop (main thread only), a flag of its own beside the stop code: a risk, disk or
   * crash stop that comes while it holds keeps its own code, so a resume cannot hide it.
   */
  operatorStop(): void {
    Atomics.store(this.flags, FLAG_OPERATOR_STOP, 1);
    Atomics.store(this.flags, FLAG_TRADING_ENABLED, 0);
  }
  isOperatorStopped(): boolean {
    return Atomics.load(this.flags, FLAG_OPERATOR_STOP) !== 0;
  }
  clearOperatorStop(): void {
    Atomics.store(this.flags, FLAG_OPERATOR_STOP, 0);
  }

  // Shutdown: main sets it; workers finish what is in flight and stop.
  isShutdownRequested(): boolean {
    return Atomics.load(this.flags, FLAG_SHUTDOWN) !== 0;
  }
  requestShutdown(): void {
    Atomics.store(this.flags, FLAG_SHUTDOWN, 1);
    Atomics.store(this.flags, FLAG_TRADING_ENABLED, 0);
    // Wake anything parked on the flags word (Atomics.wait on index FLAG_SHUTDOWN).
    Atomics.notify(this.flags, FLAG_SHUTDOWN);
  }

  // Pair tradable flags by global pair index, from AssetPairs status (main writes, all read).
  isPairTradable(globalIndex: number): boolean {
    return (
      globalIndex >= 0 &&
      globalIndex < this.pairTradable.length &&
      Atomics.load(this.pairTradable, globalIndex) === 1
    );
  }
  setPairTradable(globalIndex: number, tradable: boolean): void {
    if (globalIndex >= 0 && globalIndex < this.pairTradable.length)
      Atomics.store(this.pairTradable, globalIndex, tradable ? 1 : 0);
  }

  // Feed status per listener (FEED_*), written by the listener, read by main and the listener itself.
  feedStatus(listener: number): number {
    return Atomics.load(this.feed, listener);
  }
  setFeedStatus(listener: number, status: number): void {
    Atomics.store(this.feed, listener, status);
  }

  /** Local receive time of the listener's last frame (epoch µs; 0 = none yet). Plain access: advisory. */
  lastFrameUs(listener: number): number {
    return this.lastFrame[listener] ?? 0;
  }
  setLastFrameUs(listener: number, us: number): void {
    this.lastFrame[listener] = us;
  }
}

/**
 * Share of a balance never committed to one order. Kraken rounds the fee and its funds check at the
 * balance's decimals, so an order sized to the last cent can be refused (seen in the simulator:
 * 496.0005 needed of 496.0004 available). 0.01 % is a cent on 100 USD.
 */
export const BALANCE_CUSHION = 1e-4;

/**
 * What may be spent in `currency` now: the fetched available balance minus what the trader spent
 * after the fetcher's snapshot of its spend (those trades may not be in the balance yet), less the
 * cushion. Errs small: a trade that ended while a fetch was under way is subtracted even if Kraken
 * counted it.
 */
export function availableAfterSpend(
  balances: Float64Array,
  spent: Float64Array,
  currency: 'USD' | 'EUR',
): number {
  const usd = currency === 'USD';
  const fetched = balances[usd ? BAL_USD : BAL_EUR] as number;
  const since =
    (spent[usd ? SPENT_USD : SPENT_EUR] as number) -
    (balances[usd ? BAL_SPENT_USD_AT_FETCH : BAL_SPENT_EUR_AT_FETCH] as number);
  return (fetched - (since > 0 ? since : 0)) * (1 - BALANCE_CUSHION);
}

/** Main thread: allocate and initialise (trading disabled until main enables it). */
export function createSharedState(options: SharedStateOptions): SharedState {
  const buffer = new SharedArrayBuffer(SharedState.byteLength(options));
  return new SharedState({ buffer, options: { ...options } });
}

/** Worker: views over the buffer received in workerData. Validates the handle. */
export function attachSharedState(handle: SharedStateHandle): SharedState {
  return new SharedState(handle);
}
