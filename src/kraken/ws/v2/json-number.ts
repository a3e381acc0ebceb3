/**
 * Zero-allocation reader of one JSON number from bytes (RFC 8259 grammar, strict: no leading
 * zeros, digits on both sides of '.', optional exponent). Kraken v2 sends prices and quantities as
 * JSON numbers (docs/kraken-protocol.md §3.1): the value must be what parseFloat gives for the same text.
 * This file checks the grammar; ../shared/decimal-digits.ts converts the digits (shared with v1).
 */
import { DecimalDigits } from '../shared/decimal-digits.js';
import { TickerReject } from './ticker-reject.js';

/** More exponent digits than this cannot be a fast-path value: leave it to parseFloat. */
const MAX_EXP_DIGITS = 6;

const MINUS = 0x2d,
  PLUS = 0x2b,
  DOT = 0x2e;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export class JsonNumberReader {
  /** [0] value of the last number read; [1] 1 when it carried a minus sign (so -0 is visible). */
  readonly result = new Float64Array(2);

  /** `digits` may be shared with the scanner that owns this reader (one slowConversions count). */
  constructor(private readonly digits = new DecimalDigits()) {}

  /** Conversions that needed the allocating parseFloat fallback. */
  get slowConversions(): number {
    return this.digits.slowConversions;
  }

  /**
   * Read the number starting at buf[i]. Returns the index just after it, or -reason
   * (NON_NUMERIC, NAN_INFINITY, TRUNCATED). The caller checks what follows (`,` `}` `]` space).
   */
  read(buf: Uint8Array, i: number, n: number): number {
    const start = i;
    let c = buf[i] as number;
    let negative = 0;
    if (c === MINUS) {
      negative = 1;
      i++;
      if (i >= n) return -TickerReject.TRUNCATED;
      c = buf[i] as number;
    }
    if (c === 0x4e || c === 0x49) return -TickerReject.NAN_INFINITY; // NaN, Infinity
    if (!isDigit(c)) return -TickerReject.NON_NUMERIC;
    const digits = this.digits;
    digits.begin();
    // Integer part: "0" alone or [1-9][0-9]*.
    if (c === 0x30) {
      i++;
      if (i < n && isDigit(buf[i] as number)) return -TickerReject.NON_NUMERIC;
    } else {
      i = digits.run(buf, i, n);
    }
    let fractionDigits = 0;
    if (i < n && (buf[i] as number) === DOT) {
      i++;
      const fracStart = i;
      i = digits.run(buf, i, n);
      fractionDigits = i - fracStart;
      if (fractionDigits === 0) return i >= n ? -TickerReject.TRUNCATED : -TickerReject.NON_NUMERIC;
    }
    let exp = 0;
    if (i < n && ((buf[i] as number) | 0x20) === 0x65) {
      i++;
      if (i >= n) return -TickerReject.TRUNCATED;
      c = buf[i] as number;
      let expNeg = false;
      if (c === MINUS || c === PLUS) {
        expNeg = c === MINUS;
        i++;
        if (i >= n) return -TickerReject.TRUNCATED;
      }
      const expStart = i;
      for (; i < n && isDigit((c = buf[i] as number)); i++) {
        if (i - expStart < MAX_EXP_DIGITS) exp = exp * 10 + (c - 0x30);
        else digits.inexact();
      }
      if (i === expStart) return i >= n ? -TickerReject.TRUNCATED : -TickerReject.NON_NUMERIC;
      if (expNeg) exp = -exp;
    }
    // A number glued to more number-ish bytes ("1.2.3", "1e5e") is not a number.
    if (i < n) {
      c = buf[i] as number;
      if (isDigit(c) || c === DOT || c === MINUS || c === PLUS || (c | 0x20) === 0x65)
        return -TickerReject.NON_NUMERIC;
    }
    const v = digits.value(exp - fractionDigits, buf, start + negative, i);
    this.result[0] = negative === 1 ? -v : v;
    this.result[1] = negative;
    return i;
  }
}

/**
 * Validate the JSON number at buf[i] without converting it (fields a scanner skips: no
 * arithmetic, never the allocating slow path). Index just after it, or -reason as `read`.
 */
export function skipJsonNumber(buf: Uint8Array, i: number, n: number): number {
  let c = buf[i] as number;
  if (c === MINUS) {
    if (++i >= n) return -TickerReject.TRUNCATED;
    c = buf[i] as number;
  }
  if (c === 0x4e || c === 0x49) return -TickerReject.NAN_INFINITY;
  if (!isDigit(c)) return -TickerReject.NON_NUMERIC;
  i++;
  if (c === 0x30) {
    if (i < n && isDigit(buf[i] as number)) return -TickerReject.NON_NUMERIC;
  } else {
    while (i < n && isDigit(buf[i] as number)) i++;
  }
  if (i < n && (buf[i] as number) === DOT) {
    const s = ++i;
    while (i < n && isDigit(buf[i] as number)) i++;
    if (i === s) return i >= n ? -TickerReject.TRUNCATED : -TickerReject.NON_NUMERIC;
  }
  if (i < n && ((buf[i] as number) | 0x20) === 0x65) {
    if (++i >= n) return -TickerReject.TRUNCATED;
    c = buf[i] as number;
    if (c === MINUS || c === PLUS) {
      if (++i >= n) return -TickerReject.TRUNCATED;
    }
    const s = i;
    while (i < n && isDigit(buf[i] as number)) i++;
    if (i === s) return i >= n ? -TickerReject.TRUNCATED : -TickerReject.NON_NUMERIC;
  }
  if (i < n) {
    c = buf[i] as number;
    if (c === DOT || c === MINUS || c === PLUS || (c | 0x20) === 0x65) return -TickerReject.NON_NUMERIC;
  }
  return i;
}
