/**
 * Byte-level lookup of subscribed pair names (`XBT/USD` …) → local pair index, without creating a
 * string: FNV-1a over the bytes, open addressing in an Int32Array, then a byte compare against
 * the stored name. Built once per listener; lookups allocate nothing.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Hashes are folded to 30 bits (see hash()). */
export const HASH_MASK = 0x3fffffff;
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
    const total = encoded.reduce((s, b) => s + b.length, 0);
    this.bytes = new Uint8Array(total);
    this.starts = new Int32Array(names.length);
    this.lengths = new Int32Array(names.length);
    let off = 0;
    for (let i = 0; i < encoded.length; i++) {
      const b = encoded[i] as Buffer;
      this.bytes.set(b, off);
      this.starts[i] = off;
      this.lengths[i] = b.length;
      off += b.length;
    }
    let size = 8;
    while (size < names.length * 4) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let i = 0; i < encoded.length; i++) {
      const b = encoded[i] as Buffer;
      let s = PairTable.hash(b, 0, b.length) & this.mask;
      while ((this.slots[s] as number) !== -1) s = (s + 1) & this.mask;
      this.slots[s] = i;
    }
  }

  get size(): number {
    return this.names.length;
  }

  /**
   * FNV-1a over buf[start, end), folded to 30 bits. Why 30: the value must stay a small integer
   * (Smi) when passed between functions; a uint32 above 2^31 would be boxed into a HeapNumber,
   * i.e. one allocation per frame (seen with --trace-gc before this fold).
   */
  static hash(buf: Uint8Array, start: number, end: number): number {
    let h = FNV_OFFSET;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), FNV_PRIME);
    return h & HASH_MASK;
  }

  /** Index of the name whose bytes equal buf[start, end); `hash` = PairTable.hash of those bytes. -1 if none. */
  lookup(buf: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    let s = hash & this.mask;
    for (let probes = 0; probes <= this.mask; probes++) {
      const idx = this.slots[s] as number;
      if (idx === -1) return -1;
      if ((this.lengths[idx] as number) === len) {
        const base = this.starts[idx] as number;
        let j = 0;
        while (j < len && this.bytes[base + j] === buf[start + j]) j++;
        if (j === len) return idx;
      }
      s = (s + 1) & this.mask;
    }
    return -1;
  }

  /**
   * The pair named by the JSON string whose body starts at buf[start] (after the opening quote),
   * hashed while looking for the closing quote (hot path of both scanners): its index, with
   * `quotedEnd` set; QUOTED_TRUNCATED when the buffer ends first; QUOTED_UNKNOWN for a name not
   * subscribed, too long, or with an escape (no subscribed name has one).
   */
  lookupQuoted(buf: Uint8Array, start: number, n: number): number {
    let h = FNV_OFFSET;
    let i = start;
    let c = 0;
    while (i < n) {
      c = buf[i] as number;
      if (c === QUOTE || c === BACKSLASH || i - start > MAX_PAIR_NAME_BYTES) break;
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
    }
    if (i >= n) return QUOTED_TRUNCATED;
    if (c !== QUOTE) return QUOTED_UNKNOWN;
    const pair = this.lookup(buf, start, i, h & HASH_MASK);
    if (pair >= 0) this.quotedEnd = i;
    return pair;
  }

  /** Convenience (slow path): index of a name given as a string; -1 if not subscribed. */
  indexOf(name: string): number {
    const b = Buffer.from(name, 'utf8');
    return this.lookup(b, 0, b.length, PairTable.hash(b, 0, b.length));
  }
}
