/**
 * A seqlock: one writer (the fetcher) updates a small block of Float64 fields; many readers (the
 * listeners, the trader) take consistent snapshots without locks, tearing or allocation.
 *
 * Each Float64 is stored as two Int32 halves written and read with Atomics (the "Int32-pair"
 * layout, docs/node-latency.md §3): all accesses are SeqCst, so the sequence check is sound on any CPU
 * (plain Float64 reads between two seq loads would rely on x86 load ordering). ≈10 ns per half.
 *
 * Writer: seq += 1 (odd) → fields → seq += 1 (even). Reader: retry while seq is odd or changed,
 * at most `maxRetries` times, then report "unavailable" instead of spinning behind a writer that
 * was descheduled mid-write. Each write also stamps `updatedAtUs` so readers can see stale data.
 */
import { alignUp, CACHE_LINE_BYTES } from './shared-layout.js';
import { AppError } from '../../core/app-error.js';

/** Read outcomes (numeric so the hot path compares integers). */
export const SEQ_READ_OK = 0;
export const SEQ_READ_NEVER_WRITTEN = 1;
export const SEQ_READ_CONTENDED = 2;
export type SeqReadStatus = typeof SEQ_READ_OK | typeof SEQ_READ_NEVER_WRITTEN | typeof SEQ_READ_CONTENDED;

/** Default bound on reader retries: a writer holds the lock for a few hundred ns, so 64 is generous. */
export const SEQLOCK_DEFAULT_MAX_RETRIES = 64;

// Layout in Int32 units: [0] seq, [1] pad, [2..3] updatedAtUs, then two Int32 per field.
const SEQ = 0;
const HEADER_INTS = 2;

export class SeqlockError extends AppError {
  readonly kind = 'internal';
  constructor(
    readonly code: 'E_SEQLOCK_LAYOUT' | 'E_SEQLOCK_LENGTH',
    message: string,
  ) {
    super(message);
    this.name = 'SeqlockError';
  }
}

export class Seqlock {
  static byteLength(fields: number): number {
    return alignUp((HEADER_INTS + 2 * (fields + 1)) * 4, CACHE_LINE_BYTES);
  }

  private readonly ints: Int32Array;
  // Thread-local (not shared) scratch to convert a double to and from its two Int32 halves.
  private readonly scratchF = new Float64Array(1);
  private readonly scratchI = new Int32Array(this.scratchF.buffer);
  private readonly maxRetries: number;
  /** `updatedAtUs` of the last successful read by this thread (epoch µs; 0 before one). */
  updatedAtUs = 0;
  /** Status of the last read by this thread. */
  lastStatus: SeqReadStatus = SEQ_READ_NEVER_WRITTEN;

  constructor(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    readonly fields: number,
    maxRetries = SEQLOCK_DEFAULT_MAX_RETRIES,
  ) {
    if (!Number.isInteger(fields) || fields < 1 || byteOffset % CACHE_LINE_BYTES !== 0 || maxRetries < 1) {
      throw new SeqlockError('E_SEQLOCK_LAYOUT', `bad seqlock layout: fields=${fields} offset=${byteOffset}`);
    }
    this.ints = new Int32Array(buffer, byteOffset, HEADER_INTS + 2 * (fields + 1));
    this.maxRetries = maxRetries;
  }

  /** Writer side. ONE writer per seqlock (the fetcher); two concurrent writers would corrupt it. */
  write(src: Float64Array, updatedAtUs: number): void {
    const n = this.fields;
    if (src.length < n)
      throw new SeqlockError('E_SEQLOCK_LENGTH', `source has ${src.length} fields, seqlock needs ${n}`);
    const a = this.ints;
    // `| 0` keeps the counter an Int32 when it wraps; parity survives the wrap (2^32 is even).
    const s = Atomics.load(a, SEQ);
    Atomics.store(a, SEQ, (s + 1) | 0);
    this.storeDouble(HEADER_INTS, updatedAtUs);
    for (let i = 0; i < n; i++) this.storeDouble(HEADER_INTS + 2 * (i + 1), src[i] as number);
    Atomics.store(a, SEQ, (s + 2) | 0);
  }

  /**
   * Reader side: copies a consistent snapshot into `dst[0..fields-1]` and sets `updatedAtUs`.
   * Returns SEQ_READ_OK, SEQ_READ_NEVER_WRITTEN (no data yet) or SEQ_READ_CONTENDED (gave up
   * after maxRetries; treat as unavailable). `dst` may be partly overwritten on failure.
   */
  read(dst: Float64Array): SeqReadStatus {
    const n = this.fields;
    if (dst.length < n)
      throw new SeqlockError('E_SEQLOCK_LENGTH', `destination has ${dst.length} fields, seqlock needs ${n}`);
    const a = this.ints;
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const s1 = Atomics.load(a, SEQ);
      if (s1 === 0) return (this.lastStatus = SEQ_READ_NEVER_WRITTEN);
      if ((s1 & 1) !== 0) continue;
      const at = this.loadDouble(HEADER_INTS);
      for (let i = 0; i < n; i++) dst[i] = this.loadDouble(HEADER_INTS + 2 * (i + 1));
      if (Atomics.load(a, SEQ) === s1) {
        this.updatedAtUs = at;
        return (this.lastStatus = SEQ_READ_OK);
      }
    }
    return (this.lastStatus = SEQ_READ_CONTENDED);
  }

  /** Number of completed writes (seq / 2), for diagnostics. */
  writes(): number {
    return (Atomics.load(this.ints, SEQ) >>> 0) >>> 1;
  }

  private storeDouble(at: number, v: number): void {
    this.scratchF[0] = v;
    Atomics.store(this.ints, at, this.scratchI[0] as number);
    Atomics.store(this.ints, at + 1, this.scratchI[1] as number);
  }

  private loadDouble(at: number): number {
    this.scratchI[0] = Atomics.load(this.ints, at);
    this.scratchI[1] = Atomics.load(this.ints, at + 1);
    return this.scratchF[0] as number;
  }
}
