/**
 * One private REST call of a key in flight at a time, across every thread that uses the key.
 *
 * Kraken refuses a nonce not above the last one it accepted (docs/kraken-protocol.md §4.4), and two
 * calls in flight travel on two connections, so the later nonce can arrive first and the earlier
 * call is then refused `EAPI:Invalid nonce` — which is not retried (many of them can lock the key).
 * Kraken's error guide gives the remedy for threads sharing a key: a counter with a mutex. Here the
 * caller takes its nonce inside the gate and holds the gate until its answer (or failure).
 *
 * A holder that never releases (its thread crashed mid-call) must not stop the key for good: each
 * hold has a deadline, after which the next caller takes the gate over. The transport sets it past
 * its attempt timeout (rest-transport.ts), so a call still in flight is never overtaken: by the
 * deadline it has been answered or abandoned.
 *
 * State: one BigInt64 in a SharedArrayBuffer, 0 when free, else `deadlineMs × 2^20 + ticket`, so
 * taking, taking over and releasing are each one compareExchange. A second cell numbers the tickets.
 * Waiters poll on short sleeps: private REST calls are seconds apart and never on the trade path.
 */
import { realClock, type Clock } from '../clock/clock.js';
import { AppError } from '../core/app-error.js';

export const PRIVATE_CALL_GATE_BUFFER_BYTES = 16;
/** A caller gives up after this many holds' worth of waiting (a queue of calls that long is a fault). */
const MAX_WAIT_HOLDS = 4;
/** Between looks at a held gate. */
const POLL_MS = 2;
const TICKET_BITS = 20n;
const TICKET_MASK = (1n << TICKET_BITS) - 1n;

export function createPrivateCallGateBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(PRIVATE_CALL_GATE_BUFFER_BYTES);
}

export class PrivateCallGateError extends AppError {
  readonly code = 'KRAKEN_CALL_GATE_WAIT';
  readonly kind = 'io';
  constructor(waitedMs: number) {
    super(`no turn for a private REST call after ${waitedMs} ms: other calls of this key held it`);
    this.name = 'PrivateCallGateError';
  }
}

export class PrivateCallGate {
  private readonly cells: BigInt64Array;

  /**
   * @param maxHoldMs how long a holder keeps the gate at most: past the longest a call can take (the
   *   transport gives its attempt timeout and a second).
   * @param buffer shared state (createPrivateCallGateBuffer()); omit for a gate private to this object.
   */
  constructor(
    private readonly maxHoldMs: number,
    buffer: SharedArrayBuffer = createPrivateCallGateBuffer(),
    private readonly clock: Clock = realClock,
  ) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < PRIVATE_CALL_GATE_BUFFER_BYTES)
      throw new TypeError(
        `private call gate needs a SharedArrayBuffer of ${PRIVATE_CALL_GATE_BUFFER_BYTES} bytes`,
      );
    if (!(maxHoldMs > 0)) throw new RangeError('private call gate: maxHoldMs must be > 0');
    this.cells = new BigInt64Array(buffer, 0, 2);
  }

  /**
   * Runs `call` once the gate is free (or its holder's deadline passed). Rejects if `signal` aborts
   * first, or with PrivateCallGateError after waiting four holds' worth.
   */
  async run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const held = await this.take(signal);
    try {
      return await call();
    } finally {
      // Only our own hold: after a take-over the cell belongs to someone else.
      Atomics.compareExchange(this.cells, 0, held, 0n);
    }
  }

  /** True while some call holds the gate within its deadline. */
  busy(): boolean {
    const cur = Atomics.load(this.cells, 0);
    return cur !== 0n && !this.expired(cur);
  }

  private async take(signal: AbortSignal | undefined): Promise<bigint> {
    const start = this.clock.now();
    for (;;) {
      signal?.throwIfAborted();
      const waited = this.clock.now() - start;
      if (waited > this.maxHoldMs * MAX_WAIT_HOLDS) throw new PrivateCallGateError(Math.round(waited));
      const cur = Atomics.load(this.cells, 0);
      if (cur === 0n || this.expired(cur)) {
        const mine = this.hold();
        if (Atomics.compareExchange(this.cells, 0, cur, mine) === cur) return mine;
        continue;
      }
      await this.clock.sleep(POLL_MS, signal);
    }
  }

  private hold(): bigint {
    const ticket = Atomics.add(this.cells, 1, 1n) & TICKET_MASK || 1n;
    const deadline = BigInt(Math.ceil(this.clock.nowMs() + this.maxHoldMs));
    return (deadline << TICKET_BITS) | ticket;
  }

  private expired(cell: bigint): boolean {
    return Number(cell >> TICKET_BITS) < this.clock.nowMs();
  }
}
