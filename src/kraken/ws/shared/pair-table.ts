/**
 * Byte-level lookup of subscribed pair names (`XBT/USD` …) → local pair index, without creating a
 * string. A name is keyed by its length and two 32-bit words, its first four and its last four
 * bytes (which overlap or cover the whole name up to 8 bytes): the hash mixes those, a slot of an
 * open-addressed Int32Array names the candidate, and the words compare it, bytes only for what lies
 * between them in a longer name. Built once per listener; lookups allocate nothing.
 *
 * Why not a byte-by-byte hash and compare (FNV-1a, as before): the parse of a spread frame spent
 * ~35 ns of its ~158 in that lookup, a serial multiply per byte and a compare loop whose exit the
 * branch predictor misses; this takes a fixed handful of loads (bench/README.md, the parse row).
 */
/** Hashes are folded to 30 bits: a non-negative small integer (Smi), never boxed into a HeapNumber. */
const HASH_MASK = 0x3fffffff;
/** Longest pair name accepted (Kraken wsnames are ≤ ~16 bytes). */
export const MAX_PAIR_NAME_BYTES = 32;
/** lookupQuoted() results other than a pair index (≥ 0). */
export const QUOTED_UNKNOWN = -1;
export const QUOTED_TRUNCATED = -2;
const QUOTE = 0x22,
  BACKSLASH = 0x5c;

export class PairTable {
  readonly names: readonly string[];
  private readonly bytes: Uint8Array;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  /** Per name: its first and its last four bytes as int32 words (firstWord, lastWord). */
  private readonly firstWords: Int32Array;
  private readonly lastWords: Int32Array;
  /** Slot → pair index, -1 = empty. Size is a power of two ≥ 4× the pair count. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Index of the closing quote after the last lookupQuoted() that found a pair. */
  quotedEnd = 0;

  constructor(names: readonly string[]) {
    const encoded = names.map((n) => Buffer.from(n, 'utf8'));
    const seen = new Set<string>();
    for (let i = 0; i < names.length; i++) {
      const n = names[i] as string;
      const b = encoded[i] as Buffer;
      if (b.length === 0 || b.length > MAX_PAIR_NAME_BYTES) {
        throw new RangeError(
          `PairTable: pair name length must be 1..${MAX_PAIR_NAME_BYTES} bytes (index ${i})`,
        );
      }
      for (const c of b) {
        // Names are matched against raw JSON string bytes: forbid what JSON would escape.
        if (c < 0x20 || c === 0x22 || c === 0x5c)
          throw new RangeError(`PairTable: pair name ${i} has a character JSON escapes`);
      }
      if (seen.has(n)) throw new RangeError(`PairTable: duplicate pair name ${n}`);
      seen.add(n);
    }
    this.names = names.slice();
    const total = encoded.reduce((t, b) => t + b.length, 0);
    this.bytes = new Uint8Array(total);
    this.starts = new Int32Array(names.length);
    this.lengths = new Int32Array(names.length);
    this.firstWords = new Int32Array(names.length);
    this.lastWords = new Int32Array(names.length);
    let size = 8;
    while (size < names.length * 4) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    let off = 0;
    for (let i = 0; i < encoded.length; i++) {
      const b = encoded[i] as Buffer;
      this.bytes.set(b, off);
      this.starts[i] = off;
      this.lengths[i] = b.length;
      off += b.length;
      const first = firstWord(b, 0, b.length);
      const last = lastWord(b, 0, b.length);
      this.firstWords[i] = first;
      this.lastWords[i] = last;
      let slot = keyHash(first, last, b.length) & this.mask;
      while ((this.slots[slot] as number) !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = i;
    }
  }

  get size(): number {
    return this.names.length;
  }

  /** Index of the name whose bytes equal buf[start, end), or -1 if none. */
  lookup(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len <= 0 || len > MAX_PAIR_NAME_BYTES) return -1;
    const first = firstWord(buf, start, len);
    const last = lastWord(buf, start, len);
    let s = keyHash(first, last, len) & this.mask;
    for (let probes = 0; probes <= this.mask; probes++) {
      const idx = this.slots[s] as number;
      if (idx === -1) return -1;
      if (
        (this.lengths[idx] as number) === len &&
        (this.firstWords[idx] as number) === first &&
        (this.lastWords[idx] as number) === last &&
        (len <= 8 || this.middleEquals(idx, buf, start, len))
      )
        return idx;
      s = (s + 1) & this.mask;
    }
    return -1;
  }

  /** A name longer than 8 bytes: its bytes between the first and the last four equal buf's. */
  private middleEquals(idx: number, buf: Uint8Array, start: number, len: number): boolean {
    const base = this.starts[idx] as number;
    for (let j = 4; j < len - 4; j++) if (this.bytes[base + j] !== buf[start + j]) return false;
    return true;
  }

  /**
   * The pair named by the JSON string whose body starts at buf[start] (after the opening quote),
   * looked up once its closing quote is found (hot path of both scanners): its index, with
   * `quotedEnd` set; QUOTED_TRUNCATED when the buffer ends first; QUOTED_UNKNOWN for a name not
   * subscribed, too long, or with an escape (no subscribed name has one).
   */
  lookupQuoted(buf: Uint8Array, start: number, n: number): number {
    let i = start;
    let c = 0;
    while (i < n) {
      c = buf[i] as number;
      if (c === QUOTE || c === BACKSLASH || i - start > MAX_PAIR_NAME_BYTES) break;
      i++;
    }
    if (i >= n) return QUOTED_TRUNCATED;
    if (c !== QUOTE) return QUOTED_UNKNOWN;
    const pair = this.lookup(buf, start, i);
    if (pair >= 0) this.quotedEnd = i;
    return pair;
  }

  /** Convenience (slow path): index of a name given as a string; -1 if not subscribed. */
  indexOf(name: string): number {
    const b = Buffer.from(name, 'utf8');
    return this.lookup(b, 0, b.length);
  }
}

/**
 * The first four bytes of buf[start, start+len) as one int32 (little-endian; a shorter name's
 * missing bytes are 0). Small integers, never boxed: `|` keeps the result an int32.
 */
function firstWord(buf: Uint8Array, start: number, len: number): number {
  if (len >= 4)
    return (
      (buf[start] as number) |
      ((buf[start + 1] as number) << 8) |
      ((buf[start + 2] as number) << 16) |
      ((buf[start + 3] as number) << 24)
    );
  let w = 0;
  for (let j = 0; j < len; j++) w |= (buf[start + j] as number) << (8 * j);
  return w;
}

/** The last four bytes of buf[start, start+len) as one int32; the whole name when it is shorter. */
function lastWord(buf: Uint8Array, start: number, len: number): number {
  return len >= 4 ? firstWord(buf, start + len - 4, 4) : firstWord(buf, start, len);
}

/** Mixes a name's key (first word, last word, length) into a slot hash; a non-negative Smi. */
function keyHash(first: number, last: number, len: number): number {
  let h = Math.imul(first ^ Math.imul(last ^ len, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return h & HASH_MASK;
}
