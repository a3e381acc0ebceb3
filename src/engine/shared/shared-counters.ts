/**
 * Per-thread counters: one Float64 row per listener, written ONLY by that listener (plain `row[c]++`,
 * ≈1 ns, no Atomics on the hot path) and read by the main thread for the status line and summary.
 *
 * Float64 so counts never wrap in a long run (exact to 2^53). A main-thread read races with the
 * owner's write; it sees the old or the new value: aligned 8-byte accesses are single-copy atomic
 * on x86-64 and ARM64 (the JS spec does not promise that for Float64, but these are advisory
 * status numbers, never inputs to a trade).
 *
 * Columns: the fixed engine counters below, then one column per evaluation code (src/core's
 * EVAL_* / DROP_* codes, sized by the `evalCodes` parameter) at `evalCodeColumn(code)`.
 */
import { alignUp, CACHE_LINE_BYTES } from './shared-layout.js';

/** Frames parsed and stored (every accepted spread/ticker update). */
export const CTR_UPDATES = 0;
/** Frames that failed to parse, counted and skipped. */
export const CTR_MALFORMED = 1;
/** WebSocket reconnects. */
export const CTR_RECONNECTS = 2;
/** Opportunities found (passed all core guards), USD→EUR direction (DIR_USD_TO_EUR). */
export const CTR_OPP_USD_TO_EUR = 3;
/** Opportunities found, EUR→USD direction (DIR_EUR_TO_USD). */
export const CTR_OPP_EUR_TO_USD = 4;
/** Opportunities published into the slot. */
export const CTR_PUBLISHED = 5;
/** Dropped by the engine after core accepted them: slot not empty. */
export const CTR_DROP_SLOT_FULL = 6;
/** Dropped because the trader-busy flag was set. */
export const CTR_DROP_TRADER_BUSY = 7;
/** Dropped because trading is disabled (risk stop, evaluation mode still counts here if it skips). */
export const CTR_DROP_TRADING_DISABLED = 8;
/** Dropped because balances or fees could not be read (never written, contended or stale). */
export const CTR_DROP_BALANCE_UNAVAILABLE = 9;
/** Updates ignored because their Kraken timestamp is older than the stored one. */
export const CTR_OUT_OF_ORDER = 10;
/** Updates refused: Kraken's timestamp is further ahead of this machine's clock than the tolerance. */
export const CTR_FUTURE_TIMESTAMP = 11;
/** Dropped because a leg's pair is no longer online at Kraken (AssetPairs status). */
export const CTR_DROP_PAIR_NOT_ONLINE = 12;
/** Number of fixed columns; evaluation-code columns follow. */
export const CTR_FIXED_COLUMNS = 13;

export const COUNTER_NAMES: readonly string[] = [
  'updates',
  'malformed',
  'reconnects',
  'oppUsdToEur',
  'oppEurToUsd',
  'published',
  'dropSlotFull',
  'dropTraderBusy',
  'dropTradingDisabled',
  'dropBalanceUnavailable',
  'outOfOrder',
  'futureTimestamp',
  'dropPairNotOnline',
];

export class SharedCounters {
  static byteLength(rows: number, evalCodes: number): number {
    return rows * SharedCounters.rowBytes(evalCodes);
  }

  /** Each row on its own cache lines: listeners never write into a line another listener writes. */
  private static rowBytes(evalCodes: number): number {
    return alignUp((CTR_FIXED_COLUMNS + evalCodes) * 8, CACHE_LINE_BYTES);
  }

  readonly columns: number;
  private readonly rowsArr: Float64Array[];

  constructor(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    readonly rows: number,
    readonly evalCodes: number,
  ) {
    this.columns = CTR_FIXED_COLUMNS + evalCodes;
    const stride = SharedCounters.rowBytes(evalCodes);
    this.rowsArr = [];
    for (let r = 0; r < rows; r++)
      this.rowsArr.push(new Float64Array(buffer, byteOffset + r * stride, this.columns));
  }

  /** The row a listener writes; fetch it once at start-up and index it on the hot path. */
  row(listener: number): Float64Array {
    const r = this.rowsArr[listener];
    if (r === undefined) throw new RangeError(`no counter row ${listener} (rows: ${this.rows})`);
    return r;
  }

  /** Column of an evaluation code (EVAL_* / DROP_* from src/core). */
  evalCodeColumn(code: number): number {
    return CTR_FIXED_COLUMNS + code;
  }

  /** Sum of one column over all rows (main thread). */
  total(column: number): number {
    let s = 0;
    for (const r of this.rowsArr) s += r[column] ?? 0;
    return s;
  }

  /** A copy of every row (main thread; allocates). */
  snapshot(): number[][] {
    return this.rowsArr.map((r) => Array.from(r));
  }
}
