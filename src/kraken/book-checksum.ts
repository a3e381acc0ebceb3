/**
 * Kraken L2 book checksums (docs/kraken-protocol.md §1.9 v1, §3.6 v2): CRC32 (IEEE 802.3, as zlib) over the
 * top 10 asks (ascending) then the top 10 bids (descending), each level contributing its price then
 * its quantity as decimal digits with the '.' removed and leading zeros stripped.
 * - v1 uses the level strings exactly as sent on the wire (they carry pair/lot decimals).
 * - v2 sends JSON numbers, which drop trailing zeros, so they are re-printed with the instrument's
 *   price_precision / qty_precision first.
 * The CRC folds characters directly (skipping '.' and leading zeros as it goes), so checking a
 * book builds no concatenated string. Inputs are ASCII decimals.
 */
import { formatDecimal } from '../core/decimals.js';

/** Levels per side that the checksum covers, whatever the subscribed depth. */
export const CHECKSUM_DEPTH = 10;
const CRC_INIT = 0xffffffff;

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Fold every char code (low byte) of `s` into a running CRC state started at 0xffffffff. */
export function crc32Update(state: number, s: string): number {
  let c = state;
  for (let i = 0; i < s.length; i++) c = (CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return c;
}

/** Final unsigned CRC32 of a state. */
export function crc32Final(state: number): number {
  return (state ^ CRC_INIT) >>> 0;
}

/** CRC32 (IEEE) of an ASCII string, unsigned. */
export function crc32(s: string): number {
  return crc32Final(crc32Update(CRC_INIT, s));
}

/** Fold the checksum digits of a decimal string: '.' removed, leading zeros stripped. */
export function crc32UpdateDigits(state: number, decimal: string): number {
  let c = state;
  let started = false;
  for (let i = 0; i < decimal.length; i++) {
    const ch = decimal.charCodeAt(i);
    if (ch === 46) continue; // '.'
    if (!started) {
      if (ch === 48) continue; // leading '0'
      started = true;
    }
    c = (CRC_TABLE[(c ^ ch) & 0xff] as number) ^ (c >>> 8);
  }
  return c;
}

/** `"0.05005"` → `"5005"`: the digits a level contributes (for logs and tests). */
export function checksumDigits(decimal: string): string {
  return decimal.replace('.', '').replace(/^0+/, '');
}

/** A v1 level as on the wire: `[price, volume, timestamp, ("r")?]`; only price and volume count. */
export type V1LevelStrings = readonly [string, string, ...unknown[]];

/** v1 checksum from wire strings; asks best (lowest) first, bids best (highest) first. */
export function bookChecksumV1(
  asks: ReadonlyArray<V1LevelStrings>,
  bids: ReadonlyArray<V1LevelStrings>,
): number {
  let c = CRC_INIT;
  const na = Math.min(CHECKSUM_DEPTH, asks.length);
  for (let i = 0; i < na; i++) {
    const l = asks[i] as V1LevelStrings;
    c = crc32UpdateDigits(crc32UpdateDigits(c, l[0]), l[1]);
  }
  const nb = Math.min(CHECKSUM_DEPTH, bids.length);
  for (let i = 0; i < nb; i++) {
    const l = bids[i] as V1LevelStrings;
    c = crc32UpdateDigits(crc32UpdateDigits(c, l[0]), l[1]);
  }
  return crc32Final(c);
}

export interface NumericLevel {
  readonly price: number;
  readonly qty: number;
}

/**
 * v2 checksum from numeric levels (v2 frames, or the simulator's BookLevel), printed at the pair's
 * price_precision and qty_precision. Throws DecimalFormatError (E_DECIMAL_FORMAT) on a
 * non-finite value or a bad precision.
 */
export function bookChecksumV2(
  asks: ReadonlyArray<NumericLevel>,
  bids: ReadonlyArray<NumericLevel>,
  pricePrecision: number,
  qtyPrecision: number,
): number {
  let c = CRC_INIT;
  const na = Math.min(CHECKSUM_DEPTH, asks.length);
  for (let i = 0; i < na; i++) {
    const l = asks[i] as NumericLevel;
    c = crc32UpdateDigits(
      crc32UpdateDigits(c, formatDecimal(l.price, pricePrecision)),
      formatDecimal(l.qty, qtyPrecision),
    );
  }
  const nb = Math.min(CHECKSUM_DEPTH, bids.length);
  for (let i = 0; i < nb; i++) {
    const l = bids[i] as NumericLevel;
    c = crc32UpdateDigits(
      crc32UpdateDigits(c, formatDecimal(l.price, pricePrecision)),
      formatDecimal(l.qty, qtyPrecision),
    );
  }
  return crc32Final(c);
}
