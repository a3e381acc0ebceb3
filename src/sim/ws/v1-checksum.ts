/**
 * Kraken WS v1 book checksum (kraken-api.md §1.9): CRC32 (IEEE, as zlib) over the top 10 asks then
 * the top 10 bids, each level contributing its price string then its volume string with the `.`
 * removed and leading zeros stripped, using exactly the strings sent on the wire.
 * A local copy because src/kraken/book-checksum.ts did not exist when this server was written; the
 * server keeps one precomputed fragment per level so a checksum costs no string building.
 */

const CRC_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Folds the char codes of an ASCII string into a running CRC32 state (start with 0xffffffff). */
export function crc32Update(state: number, s: string): number {
  let c = state;
  for (let i = 0; i < s.length; i++) c = (CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return c;
}

/** Final CRC32 value (unsigned) of a state started at 0xffffffff. */
export function crc32Final(state: number): number {
  return (state ^ 0xffffffff) >>> 0;
}

/** CRC32 of an ASCII string. */
export function crc32(s: string): number {
  return crc32Final(crc32Update(0xffffffff, s));
}

/** `"0.05005"` → `"5005"`: drop the `.`, then leading zeros (§1.9 step 2). */
export function checksumFragment(decimal: string): string {
  const noDot = decimal.replace('.', '');
  let i = 0;
  while (i < noDot.length - 1 && noDot.charCodeAt(i) === 48) i++;
  return noDot.slice(i);
}

export interface ChecksumLevel {
  /** checksumFragment(price) + checksumFragment(volume). */
  readonly ck: string;
}

/** Checksum of a book given levels best first; only the first 10 of each side count. */
export function bookChecksum(asks: readonly ChecksumLevel[], bids: readonly ChecksumLevel[]): number {
  let c = 0xffffffff;
  const na = asks.length < 10 ? asks.length : 10;
  for (let i = 0; i < na; i++) c = crc32Update(c, (asks[i] as ChecksumLevel).ck);
  const nb = bids.length < 10 ? bids.length : 10;
  for (let i = 0; i < nb; i++) c = crc32Update(c, (bids[i] as ChecksumLevel).ck);
  return crc32Final(c);
}
