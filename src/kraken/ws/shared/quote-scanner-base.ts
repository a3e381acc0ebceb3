/**
 * What the v1 spread scanner and the v2 ticker scanner share: the `out` array (in the quote layout
 * every feed client and the listener read), the scan() result codes, reject counting and the pair table.
 * Each scanner class keeps its own grammar (../v1/spread-scanner.ts, ../v2/ticker-scanner.ts).
 */
import { DecimalDigits } from './decimal-digits.js';
import { PairTable } from './pair-table.js';
import { QUOTE_FIELDS } from '../../../core/quote-layout.js';

/** scan() results other than a pair index (≥ 0). */
export const SCAN_EVENT = -1;
export const SCAN_REJECTED = -2;

export abstract class QuoteScannerBase<RejectCode extends number> {
  /** Last accepted frame, in the quote layout (src/core/quote-layout.ts). */
  readonly out = new Float64Array(QUOTE_FIELDS);
  /** Per reason code, how many frames were rejected. */
  readonly rejectCounts: Float64Array;
  readonly pairs: PairTable;
  readonly maxFrameBytes: number;
  accepted = 0;
  events = 0;
  /** 0 is NONE in both versions' code sets. */
  lastReject = 0 as RejectCode;
  /** Of the last accepted frame. */
  pairIndex = -1;
  /** The frame's values (bid, ask, ts, bidVol, askVol) until it is accepted: on rejection `out`
   * keeps the previous good values. */
  protected readonly scratch = new Float64Array(5);
  /** The number conversion (decimal-digits.ts). */
  protected readonly digits = new DecimalDigits();

  protected constructor(
    pairNames: readonly string[] | PairTable,
    maxFrameBytes: number,
    rejectNames: readonly string[],
  ) {
    this.pairs = pairNames instanceof PairTable ? pairNames : new PairTable(pairNames);
    this.maxFrameBytes = maxFrameBytes;
    this.rejectCounts = new Float64Array(rejectNames.length);
  }

  /** Conversions that needed the parseFloat fallback (≥ 16 significant digits, or beyond 10^±22): these allocate. */
  get slowConversions(): number {
    return this.digits.slowConversions;
  }

  get rejected(): number {
    let s = 0;
    for (let i = 0; i < this.rejectCounts.length; i++) s += this.rejectCounts[i] as number;
    return s;
  }

  /** Pair index (≥ 0) with `out` filled; SCAN_EVENT for the caller's slow path; SCAN_REJECTED. */
  abstract scan(buf: Uint8Array): number;

  /** Best effort, for a rejected frame: the subscribed pair it names, or -1. Allocates nothing. */
  abstract pairOfRejected(buf: Uint8Array): number;

  protected event(): number {
    this.events++;
    return SCAN_EVENT;
  }

  protected reject(code: RejectCode): number {
    this.lastReject = code;
    this.rejectCounts[code] = (this.rejectCounts[code] as number) + 1;
    return SCAN_REJECTED;
  }
}
