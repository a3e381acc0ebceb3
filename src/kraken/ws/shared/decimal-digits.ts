/**
 * Decimal digits → double, bit-identical to parseFloat and allocation-free: the number
 * conversion of both quote scanners (v1 decimal strings in ../v1/spread-scanner.ts, v2 JSON numbers in
 * ../v2/json-number.ts). The scanners check their grammar and feed the digits here.
 *
 * How: digits accumulate into an integer mantissa m with trailing zeros deferred (so they cost
 * nothing); the value is m·10^e with one exact power of ten, a single correctly rounded operation
 * while m < 2^53 and |e| ≤ 22 (Clinger's fast path). Outside that (≥ 16 significant digits, huge
 * exponents) it falls back to parseFloat on the bytes: exact, but allocates; counted.
 */

const TWO_POW_53 = 9007199254740992;
/** Exact powers of ten as doubles (10^0 … 10^22). */
const POW10 = new Float64Array(23);
for (let p = 0, v = 1; p <= 22; p++, v *= 10) POW10[p] = v;

export class DecimalDigits {
  /** Conversions that needed the parseFloat fallback (these allocate). */
  slowConversions = 0;
  private m = 0;
  /** Zeros after the last non-zero digit, not yet multiplied into m. */
  private zeros = 0;
  /** False once m·10^e can no longer be computed exactly (fallback). */
  private exact = true;

  /** Start a new number. */
  begin(): void {
    this.m = 0;
    this.zeros = 0;
    this.exact = true;
  }

  /**
   * Take the run of digits from buf[i] on (most significant first; integer and fraction digits
   * alike) and return the index of the first non-digit. One call per run keeps the per-digit work
   * in locals: this is the scanners' innermost loop.
   */
  run(buf: Uint8Array, i: number, n: number): number {
    let m = this.m,
      zeros = this.zeros,
      exact = this.exact;
    for (; i < n; i++) {
      const c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      if (c === 0x30) {
        if (m !== 0) zeros++; // leading zeros do not scale a zero mantissa
      } else if (exact) {
        if (zeros > 0) {
          if (zeros > 22) exact = false;
          else m *= POW10[zeros] as number;
          zeros = 0;
        }
        m = m * 10 + (c - 0x30);
        if (m >= TWO_POW_53) exact = false;
      }
    }
    this.m = m;
    this.zeros = zeros;
    this.exact = exact;
    return i;
  }

  /** The text is beyond the fast path whatever its digits (e.g. an exponent too long to hold). */
  inexact(): void {
    this.exact = false;
  }

  /**
   * The digits' value times 10^exp10 (exp10 = exponent − fraction digits); `buf[start, end)` is
   * the number's text (without sign), read by the fallback.
   */
  value(exp10: number, buf: Uint8Array, start: number, end: number): number {
    if (this.exact) {
      const m = this.m;
      const e = this.zeros + exp10;
      if (m === 0) return 0;
      if (e >= 0 && e <= 22) return m * (POW10[e] as number);
      if (e < 0 && e >= -22) return m / (POW10[-e] as number);
    }
    this.slowConversions++;
    return parseFloat(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'));
  }
}
