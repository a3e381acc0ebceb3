/**
 * One strictly increasing nonce sequence per API key, shared by every thread that uses the key
 * (docs/kraken-protocol.md §4.4: a nonce ≤ the last accepted one is `EAPI:Invalid nonce`).
 *
 * State is one BigInt64 in a SharedArrayBuffer, advanced with Atomics.compareExchange, so any
 * number of worker threads (each given the same buffer) draw from one sequence.
 * Value = max(last + 1, epoch µs): µs keeps it above any ms-timestamp nonce the key ever used, and
 * last + 1 lets bursts exceed the clock without waiting. REST is not a hot path, so BigInt is fine.
 */
import { wallEpochMicros } from '../clock/clock.js';
import { AppError } from '../core/app-error.js';

/** Bytes of the shared state; pass a buffer of this size (from createNonceBuffer) to each worker. */
export const NONCE_BUFFER_BYTES = 8;

/** CAS retries before giving up: only reachable if the buffer is being corrupted by a non-CAS writer. */
const MAX_CAS_ATTEMPTS = 1_000_000;

export function createNonceBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(NONCE_BUFFER_BYTES);
}

export class NonceError extends AppError {
  readonly code = 'KRAKEN_NONCE_CONTENTION';
  readonly kind = 'internal';
  constructor(message: string) {
    super(message);
    this.name = 'NonceError';
  }
}

export class NonceGenerator {
  readonly buffer: SharedArrayBuffer;
  private readonly cell: BigInt64Array;
  private readonly clockMicros: () => bigint;

  /**
   * @param buffer shared state (createNonceBuffer()); omit for a generator private to this thread.
   * @param clockMicros injectable clock for tests; defaults to wallEpochMicros (src/clock/clock.ts).
   */
  constructor(buffer: SharedArrayBuffer = createNonceBuffer(), clockMicros: () => bigint = wallEpochMicros) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < NONCE_BUFFER_BYTES) {
      throw new TypeError(`nonce buffer must be a SharedArrayBuffer of at least ${NONCE_BUFFER_BYTES} bytes`);
    }
    this.buffer = buffer;
    this.cell = new BigInt64Array(buffer, 0, 1);
    this.clockMicros = clockMicros;
  }

  /** Next nonce: strictly greater than every nonce any holder of this buffer got before. */
  next(): bigint {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const last = Atomics.load(this.cell, 0);
      const now = this.clockMicros();
      const candidate = now > last ? now : last + 1n;
      if (Atomics.compareExchange(this.cell, 0, last, candidate) === last) return candidate;
    }
    throw new NonceError(`nonce CAS failed ${MAX_CAS_ATTEMPTS} times`);
  }

  /** The last nonce handed out (0 before the first). */
  last(): bigint {
    return Atomics.load(this.cell, 0);
  }
}
