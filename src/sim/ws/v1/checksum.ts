/**
 * Kraken WS v1 book checksum (docs/kraken-protocol.md §1.9) for the server side: the CRC32 is the shared one
 * in src/kraken/book-checksum.ts; this file adds precomputed per-level fragments so the server
 * checksums a book without building strings (each published level keeps its `ck`).
 */
import { crc32Final, crc32Update } from '../../../kraken/book-checksum.js';

const CRC_INIT = 0xffffffff;
/** Levels per side the checksum covers, whatever the subscribed depth. */
const CHECKSUM_LEVELS = 10;

/** `"0.05005"` → `"5005"`: drop the `.`, then leading zeros (docs/kraken-protocol.md §1.9 step 2). */
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
  let c = CRC_INIT;
  const na = asks.length < CHECKSUM_LEVELS ? asks.length : CHECKSUM_LEVELS;
  for (let i = 0; i < na; i++) c = crc32Update(c, (asks[i] as ChecksumLevel).ck);
  const nb = bids.length < CHECKSUM_LEVELS ? bids.length : CHECKSUM_LEVELS;
  for (let i = 0; i < nb; i++) c = crc32Update(c, (bids[i] as ChecksumLevel).ck);
  return crc32Final(c);
}
