/**
 * Zero-allocation RFC3339 timestamp → epoch seconds with µs, for Kraken v2 timestamps such as
 * `2023-09-25T09:04:31.742648Z` (docs/kraken-protocol.md §3.1). No Date, no string: days-from-civil
 * arithmetic (H. Hinnant's algorithm) on the digits.
 *
 * Result = (whole seconds · 10^6 + µs) / 10^6: the integer is exact below 2^53 (years < 2255), so
 * the division is correctly rounded, i.e. identical to parseFloat("<seconds>.<6 digits>") — the
 * same value the v1 spread scanner gives for Kraken's "1695632671.742648" strings.
 * Accepted: `YYYY-MM-DD[Tt ]hh:mm:ss[.fraction](Z|z|±hh:mm)`, years 1970–2200, fraction 1–12
 * digits (beyond µs truncated), seconds 00–59 (leap second 60 refused).
 */
const MIN_YEAR = 1970;
const MAX_YEAR = 2200;
const MAX_FRACTION_DIGITS = 12;
const SECONDS_PER_DAY = 86400;

function digit(buf: Uint8Array, i: number): number {
  const c = (buf[i] as number) - 0x30;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two digits at buf[i], or -1. */
function two(buf: Uint8Array, i: number): number {
  const a = digit(buf, i),
    b = digit(buf, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parse buf[i, end) (the bytes between the quotes) as an RFC3339 time. Returns epoch seconds
 * (µs precision) or NaN when the text is not an accepted timestamp. Allocates one HeapNumber
 * (a double returned from a call V8 does not inline is boxed): the hot path uses rfc3339Into.
 */
export function parseRfc3339Bytes(buf: Uint8Array, i: number, end: number): number {
  return rfc3339Into(buf, i, end, ONE, 0) ? (ONE[0] as number) : NaN;
}
const ONE = new Float64Array(1);

/**
 * parseRfc3339Bytes for the hot path: epoch seconds into out[slot] and true, or false (out left
 * alone) when the text is not an accepted timestamp. Allocates nothing: the v2 ticker scanner
 * returned the double before and allocated 16 B per frame (bench micro, 2026-12-04).
 */
export function rfc3339Into(
  buf: Uint8Array,
  i: number,
  end: number,
  out: Float64Array,
  slot: number,
): boolean {
  // Shortest accepted form: YYYY-MM-DDThh:mm:ssZ (20 bytes).
  if (end - i < 20 || end > buf.length) return false;
  const y0 = two(buf, i),
    y1 = two(buf, i + 2);
  if (y0 < 0 || y1 < 0) return false;
  const year = y0 * 100 + y1;
  if ((buf[i + 4] as number) !== 0x2d || (buf[i + 7] as number) !== 0x2d) return false;
  const month = two(buf, i + 5),
    day = two(buf, i + 8);
  const sep = buf[i + 10] as number;
  if (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) return false; // T t space
  const hh = two(buf, i + 11),
    mm = two(buf, i + 14),
    ss = two(buf, i + 17);
  if ((buf[i + 13] as number) !== 0x3a || (buf[i + 16] as number) !== 0x3a) return false;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return false;
  let p = i + 19;
  let micros = 0;
  if ((buf[p] as number) === 0x2e) {
    p++;
    const fracStart = p;
    let scale = 100000;
    while (p < end) {
      const dg = digit(buf, p);
      if (dg < 0) break;
      if (scale >= 1) {
        micros += dg * scale;
        scale /= 10;
      }
      p++;
    }
    const nd = p - fracStart;
    if (nd === 0 || nd > MAX_FRACTION_DIGITS) return false;
  }
  if (p >= end) return false;
  const offsetSec = zoneOffsetSec(buf, p, end);
  if (offsetSec === BAD_ZONE) return false;
  const secs = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hh * 3600 + mm * 60 + ss - offsetSec;
  out[slot] = (secs * 1e6 + micros) / 1e6;
  return true;
}

const BAD_ZONE = 0x40000000;

/** The zone at buf[p] that ends the text at `end` (Z or ±hh:mm) → offset in seconds, or BAD_ZONE. */
function zoneOffsetSec(buf: Uint8Array, p: number, end: number): number {
  const z = buf[p] as number;
  if (z === 0x5a || z === 0x7a) return p + 1 === end ? 0 : BAD_ZONE;
  if (z !== 0x2b && z !== 0x2d) return BAD_ZONE;
  if (end - p !== 6 || (buf[p + 3] as number) !== 0x3a) return BAD_ZONE;
  const oh = two(buf, p + 1),
    om = two(buf, p + 4);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return BAD_ZONE;
  return (oh * 3600 + om * 60) * (z === 0x2d ? -1 : 1);
}

/** Slow-path convenience for strings (private stream timestamps). NaN when not accepted. */
export function parseRfc3339(text: string): number {
  return parseRfc3339Bytes(Buffer.from(text, 'latin1'), 0, text.length);
}
