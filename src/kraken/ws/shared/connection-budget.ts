/**
 * One budget of connection attempts to Kraken for the whole process: every public and private
 * WebSocket of every thread, and every REST WebSocket-token request, takes one attempt from it.
 *
 * Why: Kraken (Cloudflare) allows about 150 connection attempts per rolling 10 minutes per IP and
 * bans the IP for 10 minutes beyond (docs/kraken-connection-limits.md). A per-socket budget does
 * not scale: 16 listeners refused by the feed made 230 attempts in 3 minutes. The default budget,
 * 120, leaves room for anything else on the same IP.
 *
 * Shared memory, so threads agree without messages: an Int32 lock word, the ring's capacity, head
 * and count, then a Float64 ring of the last `capacity` attempt times (epoch ms on one timebase for
 * all threads). The lock is held for a few loads and stores, never across an await.
 */
import { epochMs } from '../../../clock/clock.js';
export const CONNECTION_WINDOW_MS = 600_000;
/** Kraken's documented approximate limit per IP and window. */
export const KRAKEN_CONNECTION_LIMIT = 150;
export const DEFAULT_CONNECTION_BUDGET = 120;

const LOCK = 0;
const CAPACITY = 1;
const HEAD = 2;
const COUNT = 3;
const HEADER_BYTES = 16;
/** Spins before each short sleep while another thread holds the lock (it holds it for < 1 µs). */
const SPINS_BEFORE_WAIT = 1000;
/** About 100 ms of waiting: far beyond any holder's few loads and stores, so the holder is gone. */
const MAX_LOCK_ROUNDS = 100_000;
/** Extra random wait, so sockets held back together do not all come back at once. */
const JITTER_MAX_MS = 2_000;

export function createConnectionBudgetBuffer(
  attempts: number = DEFAULT_CONNECTION_BUDGET,
): SharedArrayBuffer {
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > KRAKEN_CONNECTION_LIMIT)
    throw new RangeError(`connection budget must be a whole number from 1 to ${KRAKEN_CONNECTION_LIMIT}`);
  const buffer = new SharedArrayBuffer(HEADER_BYTES + attempts * 8);
  new Int32Array(buffer, 0, 4)[CAPACITY] = attempts;
  return buffer;
}

/** What WsConnection needs from a budget (connection.ts). */
export interface AttemptBudget {
  /** Takes one attempt now and returns 0, or takes nothing and returns the ms until one frees. */
  tryTake(): number;
  /** The delay to wait (the budget's wait plus jitter), reported as waiting on the budget. */
  waitFor(who: string, waitMs: number): number;
}

export interface BudgetWait {
  readonly who: string;
  readonly waitMs: number;
  /** Attempts taken in the last window, all threads together. */
  readonly used: number;
  readonly limit: number;
}

export interface ConnectionBudgetOptions {
  /** Epoch ms, the same timebase in every thread; default epochMs(). */
  readonly now?: () => number;
  readonly random?: () => number;
  /** Called for every wait (the caller logs "waiting on the Kraken connection budget"). */
  readonly onWait?: (wait: BudgetWait) => void;
  readonly windowMs?: number;
}

export class ConnectionBudget implements AttemptBudget {
  private readonly header: Int32Array;
  private readonly ring: Float64Array;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly onWait: ((wait: BudgetWait) => void) | undefined;
  private readonly windowMs: number;

  constructor(buffer: SharedArrayBuffer, options: ConnectionBudgetOptions = {}) {
    this.header = new Int32Array(buffer, 0, 4);
    const capacity = Atomics.load(this.header, CAPACITY);
    if (capacity < 1 || buffer.byteLength < HEADER_BYTES + capacity * 8)
      throw new RangeError('not a connection budget buffer (createConnectionBudgetBuffer)');
    this.ring = new Float64Array(buffer, HEADER_BYTES, capacity);
    this.now = options.now ?? epochMs;
    this.random = options.random ?? Math.random;
    this.onWait = options.onWait;
    this.windowMs = options.windowMs ?? CONNECTION_WINDOW_MS;
  }

  get limit(): number {
    return this.ring.length;
  }

  /** Attempts taken within the window ending now, all threads together. */
  used(): number {
    const now = this.now();
    return this.locked(() => {
      const count = this.header[COUNT] as number;
      let n = 0;
      for (let i = 0; i < count; i++) if ((this.ring[i] as number) > now - this.windowMs) n++;
      return n;
    });
  }

  tryTake(): number {
    const now = this.now();
    return this.locked(() => {
      const cap = this.ring.length;
      const head = this.header[HEAD] as number;
      const count = this.header[COUNT] as number;
      // Full ring: the slot at head is the oldest of the last `cap` attempts.
      if (count === cap) {
        const frees = (this.ring[head] as number) + this.windowMs;
        if (frees > now) return Math.ceil(frees - now);
      }
      this.ring[head] = now;
      this.header[HEAD] = (head + 1) % cap;
      if (count < cap) this.header[COUNT] = count + 1;
      return 0;
    });
  }

  waitFor(who: string, waitMs: number): number {
    const delay = Math.ceil(waitMs + this.random() * Math.min(JITTER_MAX_MS, waitMs / 2 + 250));
    this.onWait?.({ who, waitMs: delay, used: this.used(), limit: this.limit });
    return delay;
  }

  /** Waits until an attempt is taken (REST token requests). Rejects only if `signal` aborts. */
  async take(who: string, sleep: (ms: number) => Promise<void> = defaultSleep): Promise<void> {
    for (;;) {
      const wait = this.tryTake();
      if (wait === 0) return;
      await sleep(this.waitFor(who, wait));
    }
  }

  private locked<T>(fn: () => T): T {
    const h = this.header;
    let round = 0;
    while (Atomics.compareExchange(h, LOCK, 0, 1) !== 0) {
      // A worker terminated inside the few statements below would leave the lock set for ever:
      // after ~100 ms it is taken over rather than stalling every socket of the process.
      if (++round >= MAX_LOCK_ROUNDS) {
        Atomics.store(h, LOCK, 1);
        break;
      }
      if (round % SPINS_BEFORE_WAIT === 0) Atomics.wait(h, LOCK, 1, 1);
    }
    try {
      return fn();
    } finally {
      Atomics.store(h, LOCK, 0);
      Atomics.notify(h, LOCK, 1);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
