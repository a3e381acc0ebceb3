/**
 * Client-side model of Kraken's REST call counter (docs/kraken-protocol.md §5.1,
 * docs.kraken.com/api/docs/guides/spot-rest-ratelimits): +1 per private call (+2 for ledger/trade
 * history), the counter decays continuously, and a call that would exceed the tier maximum gets
 * `EAPI:Rate limit exceeded`. We wait for room instead of letting Kraken refuse the call.
 * Threads that use one key share one limiter state through a SharedArrayBuffer (see RestRateLimiter).
 */

import { ORDER_CHANGING_METHODS } from './order-methods.js';
import { realClock, type Clock } from '../clock/clock.js';

export type KrakenTier = 'starter' | 'intermediate' | 'pro';

export interface RestCounterLimits {
  readonly maxCounter: number;
  readonly decayPerSec: number;
}

export const KRAKEN_REST_TIERS: Readonly<Record<KrakenTier, RestCounterLimits>> = {
  starter: { maxCounter: 15, decayPerSec: 0.33 },
  intermediate: { maxCounter: 20, decayPerSec: 0.5 },
  pro: { maxCounter: 20, decayPerSec: 1 },
};

/** Counter cost of history calls (docs/kraken-protocol.md §5.1: "+2 for ledger/trade-history calls"). */
const HISTORY_CALL_COST = 2;
const HISTORY_METHODS: ReadonlySet<string> = new Set([
  'TradesHistory',
  'QueryTrades',
  'Ledgers',
  'QueryLedgers',
  'ClosedOrders',
]);
/** Counter cost of one private REST method; 0 for trading calls. */
export function restCallCost(method: string): number {
  // Order entry counts against the per-pair matching-engine limiter, not this counter.
  if (ORDER_CHANGING_METHODS.has(method)) return 0;
  return HISTORY_METHODS.has(method) ? HISTORY_CALL_COST : 1;
}

/** Bytes of shared limiter state; give every thread that uses one API key the same buffer. */
export const RATE_LIMITER_BUFFER_BYTES = 8;

export function createRateLimiterBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(RATE_LIMITER_BUFFER_BYTES);
}

const US_PER_MS = 1000;
const MS_PER_SEC = 1000;
/** CAS retries before giving up; only reachable under pathological contention. */
const MAX_CAS_ATTEMPTS = 1_000_000;

function toUs(ms: number): bigint {
  return BigInt(Math.round(ms * US_PER_MS));
}

/**
 * The counter is kept as one number, the time at which it will have decayed to zero (GCRA), so one
 * Atomics.compareExchange updates it: lock-free and shareable across threads via a SharedArrayBuffer.
 * counter(now) = max(0, emptyAt − now) × decayPerSec.
 */
export class RestRateLimiter {
  private readonly emptyAt: BigInt64Array;
  /** Within one thread, callers are served in arrival order: each acquire chains onto the previous. */
  private tail: Promise<void> = Promise.resolve();
  private readonly msPerUnit: number;

  /**
   * @param buffer shared state from createRateLimiterBuffer(); omit for a limiter private to this object.
   * @param reserve units this limiter leaves free for others on the same buffer: routine polling
   *   (balances, fees) keeps room so that settling an order in doubt never waits behind it.
   */
  constructor(
    readonly limits: RestCounterLimits,
    private readonly clock: Clock = realClock,
    buffer?: SharedArrayBuffer,
    private readonly reserve = 0,
  ) {
    if (!(limits.maxCounter > 0) || !(limits.decayPerSec > 0)) {
      throw new RangeError('rate limiter needs maxCounter > 0 and decayPerSec > 0');
    }
    if (!(reserve >= 0 && reserve < limits.maxCounter)) {
      throw new RangeError('rate limiter reserve must be ≥ 0 and below maxCounter');
    }
    if (buffer !== undefined && buffer.byteLength < RATE_LIMITER_BUFFER_BYTES) {
      throw new RangeError(`rate limiter buffer needs ${RATE_LIMITER_BUFFER_BYTES} bytes`);
    }
    this.emptyAt = new BigInt64Array(buffer ?? new ArrayBuffer(RATE_LIMITER_BUFFER_BYTES), 0, 1);
    this.msPerUnit = MS_PER_SEC / limits.decayPerSec;
  }

  /** Current counter estimate after decay. */
  level(): number {
    const backlogUs = Atomics.load(this.emptyAt, 0) - toUs(this.clock.nowMs());
    return backlogUs > 0n ? Number(backlogUs) / US_PER_MS / this.msPerUnit : 0;
  }

  /** Takes `cost` now if there is room and returns 0; otherwise takes nothing and returns the ms to wait. */
  tryAcquire(cost: number): number {
    if (cost <= 0) return 0;
    // A cost above the maximum can never fit; let it through once the counter is empty.
    const room = this.limits.maxCounter - this.reserve;
    const fitUs = toUs(Math.min(cost, room) * this.msPerUnit);
    const capUs = toUs(room * this.msPerUnit);
    const costUs = toUs(cost * this.msPerUnit);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const nowUs = toUs(this.clock.nowMs());
      const emptyAt = Atomics.load(this.emptyAt, 0);
      const base = emptyAt > nowUs ? emptyAt : nowUs;
      const overUs = base - nowUs + fitUs - capUs;
      if (overUs > 0n) return Math.max(1, Math.ceil(Number(overUs) / US_PER_MS));
      if (Atomics.compareExchange(this.emptyAt, 0, emptyAt, base + costUs) === emptyAt) return 0;
    }
    throw new RangeError('rate limiter CAS did not settle');
  }

  /** Waits (in arrival order) until `cost` fits, then takes it. Rejects only if `signal` aborts. */
  acquire(cost: number, signal?: AbortSignal): Promise<void> {
    const run = async (): Promise<void> => {
      for (;;) {
        signal?.throwIfAborted();
        const waitMs = this.tryAcquire(cost);
        if (waitMs === 0) return;
        await this.clock.sleep(waitMs, signal);
      }
    };
    const mine = this.tail.then(run);
    // The next caller waits for this one to finish, whether it succeeded or was aborted.
    this.tail = mine.then(
      () => undefined,
      () => undefined,
    );
    return mine;
  }

  /**
   * Kraken said `EService:Throttled: <ts>`: no call of this key before `ms` from now. The counter
   * is taken as full but one unit then, so a call of cost 1 goes at once when the throttle ends
   * and every other waiting caller after it.
   */
  holdFor(ms: number): void {
    const fullButOne = Math.max(0, this.limits.maxCounter - 1) * this.msPerUnit;
    const targetOf = (): bigint => toUs(this.clock.nowMs() + ms + fullButOne);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const emptyAt = Atomics.load(this.emptyAt, 0);
      const target = targetOf();
      if (emptyAt >= target || Atomics.compareExchange(this.emptyAt, 0, emptyAt, target) === emptyAt) return;
    }
  }

  /** Kraken said `EAPI:Rate limit exceeded`: our estimate was low (another client?); assume full. */
  saturate(): void {
    const fullUs = toUs(this.limits.maxCounter * this.msPerUnit);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const emptyAt = Atomics.load(this.emptyAt, 0);
      const target = toUs(this.clock.nowMs()) + fullUs;
      if (emptyAt >= target || Atomics.compareExchange(this.emptyAt, 0, emptyAt, target) === emptyAt) return;
    }
  }
}
