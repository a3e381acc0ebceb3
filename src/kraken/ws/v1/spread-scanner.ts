/**
 * Zero-allocation scanner for Kraken v1 spread frames, straight from the socket's Buffer:
 *   [chanID,["bid","ask","ts","bidVol","askVol"],"spread","PAIR"]   (docs/kraken-protocol.md §1.6)
 * 3 inner elements (old feeds: no volumes) are accepted; the volumes are then NaN.
 *
 * Why: JSON.parse + parseFloat costs ≈1 µs and ≈290 B per frame; a byte scanner into a
 * preallocated Float64Array costs ≈0.1 µs and allocates nothing (docs/node-latency.md §2).
 * Objects (`{…}`: events) are recognised by their first byte and left to the caller's slow path.
 * Malformed input never throws: `scan` returns SCAN_REJECTED, sets `lastReject` and counts it.
 * On rejection `out` keeps the previous good values (results go to a scratch array first).
 */
import { MAX_PAIR_NAME_BYTES, PairTable, QUOTED_TRUNCATED } from '../shared/pair-table.js';
import { QuoteScannerBase } from '../shared/quote-scanner-base.js';
import { QUOTE_REJECT_NAMES, QuoteReject, type QuoteRejectCode } from '../shared/quote-reject.js';
import {
  QUOTE_ASK,
  QUOTE_ASK_VOL,
  QUOTE_BID,
  QUOTE_BID_VOL,
  QUOTE_EXCH_TS,
} from '../../../core/quote-layout.js';

/** A spread frame is ≈100 bytes; anything far larger is hostile or not a spread. */
export const DEFAULT_MAX_SPREAD_FRAME_BYTES = 1024;
const MAX_CHANNEL_ID_DIGITS = 15;

const SPACE = 0x20,
  QUOTE = 0x22,
  COMMA = 0x2c,
  DOT = 0x2e,
  MINUS = 0x2d,
  BACKSLASH = 0x5c;
const LBRACKET = 0x5b,
  RBRACKET = 0x5d,
  LBRACE = 0x7b;
const SPREAD_BYTES = Uint8Array.from([0x73, 0x70, 0x72, 0x65, 0x61, 0x64]); // "spread"
const TWO_POW_53 = 9007199254740992;
/** Exact powers of ten as doubles (10^0 … 10^22). */
const POW10 = new Float64Array(23);
for (let p = 0, v = 1; p <= 22; p++, v *= 10) POW10[p] = v;

/** JSON whitespace; one compare for the usual byte (anything above a space). */
function isWs(c: number): boolean {
  return c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09);
}
function isNanInfStart(c: number): boolean {
  return c === 0x4e || c === 0x6e || c === 0x49 || c === 0x69; // N n I i
}

/** `"spread"`, quotes included, at buf[i]: eight compares and no loop (measured ~2 ns a frame less). */
function isSpreadName(buf: Uint8Array, i: number, n: number): boolean {
  return (
    i + 7 < n &&
    buf[i] === QUOTE &&
    buf[i + 1] === 0x73 && // s
    buf[i + 2] === 0x70 && // p
    buf[i + 3] === 0x72 && // r
    buf[i + 4] === 0x65 && // e
    buf[i + 5] === 0x61 && // a
    buf[i + 6] === 0x64 && // d
    buf[i + 7] === QUOTE
  );
}

/** Why the bytes at buf[i] are not `"spread"`: the frame ended inside it, or it is another name. */
function spreadNameReject(buf: Uint8Array, i: number, n: number): QuoteRejectCode {
  if ((buf[i] as number) !== QUOTE) return QuoteReject.NOT_SPREAD;
  let j = 0;
  for (i++; i < n && j < SPREAD_BYTES.length && buf[i] === SPREAD_BYTES[j]; i++) j++;
  return i >= n ? QuoteReject.TRUNCATED : QuoteReject.NOT_SPREAD;
}

export class SpreadScanner extends QuoteScannerBase<QuoteRejectCode> {
  /** Of the last accepted frame. */
  channelId = -1;
  innerCount = 0;

  constructor(pairNames: readonly string[] | PairTable, maxFrameBytes = DEFAULT_MAX_SPREAD_FRAME_BYTES) {
    super(pairNames, maxFrameBytes, QUOTE_REJECT_NAMES);
  }

  /** Pair index (≥ 0) and `out` filled; SCAN_EVENT for a JSON object; SCAN_REJECTED otherwise. */
  // Stays whole (over 60 lines), measured: split into channel id, inner array, name and pair steps
  // (integer returns, nothing boxed) it took 208–214 ns per frame against 179–187 ns whole
  // (`npm run bench -- --quick --only micro`, 3 runs each, 2026-12-04): 15% on every update.
  // eslint-disable-next-line max-lines-per-function
  scan(buf: Uint8Array): number {
    const n = buf.length;
    let i = 0;
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return this.reject(QuoteReject.EMPTY);
    let c = buf[i] as number;
    if (c === LBRACE) return this.event();
    if (c !== LBRACKET) return this.reject(QuoteReject.NOT_ARRAY);
    if (n > this.maxFrameBytes) return this.reject(QuoteReject.OVERSIZED);
    i++;
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return this.reject(QuoteReject.TRUNCATED);
    // Channel id: a non-negative integer (deprecated by Kraken, kept for diagnostics).
    let chan = 0;
    let chanDigits = 0;
    while (i < n) {
      c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      chan = chan * 10 + (c - 0x30);
      if (++chanDigits > MAX_CHANNEL_ID_DIGITS) return this.reject(QuoteReject.BAD_CHANNEL_ID);
      i++;
    }
    if (i >= n) return this.reject(QuoteReject.TRUNCATED);
    if (chanDigits === 0)
      return this.reject(c === RBRACKET ? QuoteReject.TOO_FEW_ELEMENTS : QuoteReject.BAD_CHANNEL_ID);
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return this.reject(QuoteReject.TRUNCATED);
    c = buf[i] as number;
    if (c !== COMMA)
      return this.reject(c === RBRACKET ? QuoteReject.TOO_FEW_ELEMENTS : QuoteReject.BAD_CHANNEL_ID);
    i++;
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return this.reject(QuoteReject.TRUNCATED);
    if ((buf[i] as number) !== LBRACKET) return this.reject(QuoteReject.NOT_INNER_ARRAY);
    i++;
    // Inner array of 3 or 5 decimal strings.
    let count = 0;
    for (;;) {
      while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
      if (i >= n) return this.reject(QuoteReject.TRUNCATED);
      c = buf[i] as number;
      if (c !== QUOTE) {
        if (c === RBRACKET && count === 0) return this.reject(QuoteReject.TOO_FEW_ELEMENTS);
        // Bare NaN / Infinity tokens (not JSON, but what a sloppy encoder emits).
        return this.reject(c === 0x4e || c === 0x49 ? QuoteReject.NAN_INFINITY : QuoteReject.WRONG_TYPE);
      }
      if (count === 5) return this.reject(QuoteReject.TOO_MANY_ELEMENTS);
      const r = this.decimal(buf, i + 1, n, count);
      if (r < 0) return this.reject(-r as QuoteRejectCode);
      i = r;
      count++;
      while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
      if (i >= n) return this.reject(QuoteReject.TRUNCATED);
      c = buf[i] as number;
      i++;
      if (c === RBRACKET) break;
      if (c !== COMMA) return this.reject(QuoteReject.BAD_SYNTAX);
    }
    if (count !== 3 && count !== 5) return this.reject(QuoteReject.TOO_FEW_ELEMENTS);
    // Channel name: must be exactly "spread".
    i = this.expectComma(buf, i, n);
    if (i < 0) return this.reject(-i as QuoteRejectCode);
    if (!isSpreadName(buf, i, n)) return this.reject(spreadNameReject(buf, i, n));
    i += 8;
    // Pair name → local index (PairTable: its length and first and last four bytes).
    i = this.expectComma(buf, i, n);
    if (i < 0) return this.reject(-i as QuoteRejectCode);
    if ((buf[i] as number) !== QUOTE) return this.reject(QuoteReject.WRONG_TYPE);
    // Kraken's frame ends with the name and `"]`: the name's bytes are then known without a search
    // for its closing quote (a subscribed name has no quote in it, so a match is the whole string).
    let pair =
      (buf[n - 1] as number) === RBRACKET && (buf[n - 2] as number) === QUOTE
        ? this.pairs.lookup(buf, i + 1, n - 2)
        : -1;
    if (pair >= 0) i = n - 1;
    else {
      pair = this.pairs.lookupQuoted(buf, i + 1, n);
      if (pair < 0)
        return this.reject(pair === QUOTED_TRUNCATED ? QuoteReject.TRUNCATED : QuoteReject.UNKNOWN_PAIR);
      i = this.pairs.quotedEnd + 1;
    }
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return this.reject(QuoteReject.TRUNCATED);
    c = buf[i] as number;
    if (c === COMMA) return this.reject(QuoteReject.TOO_MANY_ELEMENTS);
    if (c !== RBRACKET) return this.reject(QuoteReject.BAD_SYNTAX);
    i++;
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i < n) return this.reject(QuoteReject.TRAILING_DATA);
    // Commit.
    const out = this.out,
      s = this.scratch;
    out[QUOTE_BID] = s[0] as number;
    out[QUOTE_ASK] = s[1] as number;
    out[QUOTE_EXCH_TS] = s[2] as number;
    // Plain if/else, not `?:`: the ternary merged a double with the NaN constant as a tagged value
    // and boxed a HeapNumber per frame (16 B each, found with heapUsed deltas).
    if (count === 5) {
      out[QUOTE_BID_VOL] = s[3] as number;
      out[QUOTE_ASK_VOL] = s[4] as number;
    } else {
      out[QUOTE_BID_VOL] = NaN;
      out[QUOTE_ASK_VOL] = NaN;
    }
    this.pairIndex = pair;
    this.channelId = chan;
    this.innerCount = count;
    this.accepted++;
    return pair;
  }

  /** Skip whitespace, a comma, whitespace; index of the next token or -reason. */
  private expectComma(buf: Uint8Array, i: number, n: number): number {
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return -QuoteReject.TRUNCATED;
    const c = buf[i] as number;
    if (c !== COMMA) return c === RBRACKET ? -QuoteReject.TOO_FEW_ELEMENTS : -QuoteReject.BAD_SYNTAX;
    i++;
    while (i < n && (buf[i] as number) <= SPACE && isWs(buf[i] as number)) i++;
    if (i >= n) return -QuoteReject.TRUNCATED;
    return i;
  }

  /**
   * Decimal string body starting at i (after the opening quote) → scratch[slot]. Returns the index
   * after the closing quote, or -reason. Kept small so V8 inlines it into scan (measured: as one
   * method with the general path it was not inlined, and half of scan's time was spent in it).
   */
  private decimal(buf: Uint8Array, i: number, n: number, slot: number): number {
    // Fast path, all in locals: Kraken's decimals ("5698.40000", "1542057299.545897") have at most
    // 16 digits, so the integer mantissa stays below 2^53 and m / 10^k is one correctly rounded
    // division (Clinger): bit-identical to parseFloat. Anything else goes the general way.
    let m = 0;
    let j = i;
    let d = 0;
    // Integer digits, then (after one dot) fraction digits: `>>> 0` tests both bounds in one compare.
    while (j < n && (d = (buf[j] as number) - 0x30) >>> 0 <= 9) {
      m = m * 10 + d;
      j++;
    }
    const intDigits = j - i;
    let frac = 0;
    if (j < n && (buf[j] as number) === DOT) {
      const f0 = ++j;
      while (j < n && (d = (buf[j] as number) - 0x30) >>> 0 <= 9) {
        m = m * 10 + d;
        j++;
      }
      frac = j - f0;
    }
    if (j < n && (buf[j] as number) === QUOTE && m < TWO_POW_53 && intDigits + frac > 0 && frac <= 22) {
      this.scratch[slot] = frac === 0 ? m : m / (POW10[frac] as number);
      return j + 1;
    }
    return this.decimalGeneral(buf, i, n, slot);
  }

  /** The general way (signs, NaN, long or odd digit strings): DecimalDigits, bit-identical to parseFloat. */
  private decimalGeneral(buf: Uint8Array, i: number, n: number, slot: number): number {
    if (i >= n) return -QuoteReject.TRUNCATED;
    const c = buf[i] as number;
    if (c === MINUS) {
      return i + 1 < n && isNanInfStart(buf[i + 1] as number)
        ? -QuoteReject.NAN_INFINITY
        : -QuoteReject.NEGATIVE;
    }
    if (isNanInfStart(c)) return -QuoteReject.NAN_INFINITY;
    const start = i;
    const digits = this.digits;
    digits.begin();
    i = digits.run(buf, i, n);
    let count = i - start,
      fractionDigits = 0;
    if (i < n && (buf[i] as number) === DOT) {
      const fracStart = i + 1;
      i = digits.run(buf, fracStart, n);
      fractionDigits = i - fracStart;
      count += fractionDigits;
    }
    if (i >= n) return -QuoteReject.TRUNCATED;
    // Anything but the closing quote here (a second '.', a letter) is not a decimal.
    if ((buf[i] as number) !== QUOTE || count === 0) return -QuoteReject.NON_NUMERIC;
    this.scratch[slot] = digits.value(-fractionDigits, buf, start, i);
    return i + 1;
  }

  /**
   * Best effort, for a rejected frame: the pair named by its last element (`…,"PAIR"]`), or -1.
   * Lets the caller mark that pair's quote unusable after a NaN/negative/garbled update
   * (docs/design-decisions.md §3). Reads the bytes backwards; allocates nothing.
   */
  pairOfRejected(buf: Uint8Array): number {
    let i = buf.length - 1;
    while (i >= 0 && isWs(buf[i] as number)) i--;
    if (i < 0 || (buf[i] as number) !== RBRACKET) return -1;
    i--;
    while (i >= 0 && isWs(buf[i] as number)) i--;
    if (i < 0 || (buf[i] as number) !== QUOTE) return -1;
    const end = i;
    i--;
    while (i >= 0 && end - i <= MAX_PAIR_NAME_BYTES + 1) {
      const c = buf[i] as number;
      if (c === QUOTE) {
        if (i > 0 && (buf[i - 1] as number) === BACKSLASH) return -1;
        return this.pairs.lookup(buf, i + 1, end);
      }
      i--;
    }
    return -1;
  }
}
