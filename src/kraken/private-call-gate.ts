/**
 * One private REST call of a key in flight at a time, across every thread that uses the key (but a
 * routine poll that hangs, below).
 *
 * Kraken refuses a nonce not above the last one it accepted (docs/kraken-protocol.md §4.4), and two
 * calls in flight travel on two connections, so the later nonce can arrive first and the earlier
 * call is then refused `EAPI:Invalid nonce` — which is not retried (many of them can lock the key).
 * Kraken's error guide gives the remedy for threads sharing a key: a counter with a mutex. Here the
 * caller takes its nonce inside the gate and holds the gate until its answer (or failure).
 *
 * A holder that never releases (its thread crashed mid-call) must not stop the key for good: each
 * hold has a deadline, after which the next caller takes the gate over. The transport sets it past
 * its attempt timeout (rest-transport.ts), so a call still in flight is never overtaken (but for a
 * routine poll, below): by the deadline it has been answered or abandoned.
 *
 * Routine calls (the fetcher's balance and fee polls, whose next round comes in seconds) yield to
 * urgent ones (a reconnect's WebSocket token, the reconciliation of an order in doubt): a routine
 * caller does not take the gate while an urgent one waits, and an urgent caller takes over a
 * routine hold older than `routineGraceMs` — a poll hanging on a slow Kraken must not keep the
 * trader from its token or its reconciliation for the whole hold. The overtaken poll carries the
 * lower nonce: if it reaches Kraken after the urgent call it is refused (one failed poll, counted),
 * and the urgent call is never the one refused. Each takeover is reported (`onTakeover`): Kraken
 * may lock a key after many invalid nonces, so they must be seen.
 *
 * State: one BigInt64 in a SharedArrayBuffer, 0 when free, else `deadlineMs × 2^20 + ticket`, so
 * taking, taking over and releasing are each one compareExchange. A second cell numbers the tickets
 * (unique, so a cell names one hold); a third holds the urgent waiters' lease (epoch ms until which
 * routine callers hold back), renewed at every look, so a waiter that died stops counting within
 * URGENT_LEASE_MS; a fourth, `graceEndMs × 2^20 + ticket`, is written by a routine caller once it
 * holds the gate, and marks the hold of that ticket as routine, with the end of its grace.
 * Waiters poll on short sleeps: private REST calls are seconds apart and never on the trade path.
 */
import { realClock, type Clock } from '../clock/clock.js';
import { AppError } from '../core/app-error.js';

export const PRIVATE_CALL_GATE_BUFFER_BYTES = 32;
/** A caller gives up after this many holds' worth of waiting (a queue of calls that long is a fault). */
const MAX_WAIT_HOLDS = 4;
/** Between looks at a held gate. */
const POLL_MS = 2;
const TICKET_BITS = 20n;
const TICKET_MASK = (1n << TICKET_BITS) - 1n;
/** Routine callers hold back this long after an urgent waiter's last look. */
const URGENT_LEASE_MS = 50;

/** Routine: a poll that can wait (balances, fees); urgent: everything else. */
export type CallPriority = 'urgent' | 'routine';

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
   * @param routineGraceMs how long a routine call keeps the gate from an urgent one.
   * @param buffer shared state (createPrivateCallGateBuffer()); omit for a gate private to this object.
   */
  constructor(
    private readonly maxHoldMs: number,
    private readonly routineGraceMs: number,
    buffer: SharedArrayBuffer = createPrivateCallGateBuffer(),
    private readonly clock: Clock = realClock,
  ) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < PRIVATE_CALL_GATE_BUFFER_BYTES)
      throw new TypeError(
        `private call gate needs a SharedArrayBuffer of ${PRIVATE_CALL_GATE_BUFFER_BYTES} bytes`,
      );
    if (!(maxHoldMs > 0)) throw new RangeError('private call gate: maxHoldMs must be > 0');
    if (!(routineGraceMs > 0 && routineGraceMs <= maxHoldMs))
      throw new RangeError('private call gate: routineGraceMs must be > 0 and at most maxHoldMs');
    this.cells = new BigInt64Array(buffer, 0, 4);
  }

  /**
   * Runs `call` once the gate is free (or its holder's deadline passed; for an urgent call, also
   * once a routine holder's grace passed). Rejects if `signal` aborts first, or with
   * PrivateCallGateError after waiting four holds' worth. `onTakeover` is told when this call took
   * over a routine hold past its grace, with how long that hold had been held.
   */
  async run<T>(
    call: () => Promise<T>,
    signal?: AbortSignal,
    priority: CallPriority = 'urgent',
    onTakeover?: (heldForMs: number) => void,
  ): Promise<T> {
    const held = await this.take(signal, priority, onTakeover);
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
    return cur !== 0n && !(timeOf(cur) < this.clock.nowMs());
  }

  private async take(
    signal: AbortSignal | undefined,
    priority: CallPriority,
    onTakeover: ((heldForMs: number) => void) | undefined,
  ): Promise<bigint> {
    const urgent = priority === 'urgent';
    const start = this.clock.now();
    for (;;) {
      signal?.throwIfAborted();
      const waited = this.clock.now() - start;
      if (waited > this.maxHoldMs * MAX_WAIT_HOLDS) throw new PrivateCallGateError(Math.round(waited));
      const nowMs = this.clock.nowMs();
      if (urgent) Atomics.store(this.cells, 2, BigInt(Math.ceil(nowMs + URGENT_LEASE_MS)));
      const cur = Atomics.load(this.cells, 0);
      const expired = cur !== 0n && timeOf(cur) < nowMs;
      const overtake = urgent && cur !== 0n && !expired && this.routinePastGrace(cur, nowMs);
      const yieldToUrgent = !urgent && Number(Atomics.load(this.cells, 2)) > nowMs;
      if ((cur === 0n || expired || overtake) && !yieldToUrgent) {
        const ticket = Atomics.add(this.cells, 1, 1n) & TICKET_MASK || 1n;
        const mine = cellOf(nowMs + this.maxHoldMs, ticket);
        if (Atomics.compareExchange(this.cells, 0, cur, mine) !== cur) continue;
        if (!urgent) Atomics.store(this.cells, 3, cellOf(nowMs + this.routineGraceMs, ticket));
        if (overtake) onTakeover?.(Math.round(nowMs - (timeOf(cur) - this.maxHoldMs)));
        return mine;
      }
      await this.clock.sleep(POLL_MS, signal);
    }
  }

  /** `cur` is a routine caller's hold whose grace has ended. */
  private routinePastGrace(cur: bigint, nowMs: number): boolean {
    const routine = Atomics.load(this.cells, 3);
    return (routine & TICKET_MASK) === (cur & TICKET_MASK) && timeOf(routine) < nowMs;
  }
}

function cellOf(timeMs: number, ticket: bigint): bigint {
  return (BigInt(Math.ceil(timeMs)) << TICKET_BITS) | ticket;
}

function timeOf(cell: bigint): number {
  return Number(cell >> TICKET_BITS);
}
