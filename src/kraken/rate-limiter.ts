/**
 * Client-side model of Kraken's REST call counter (kraken-api.md §5.1,
 * docs.kraken.com/api/docs/guides/spot-rest-ratelimits): +1 per private call (+2 for ledger/trade
 * history), the counter decays continuously, and a call that would exceed the tier maximum gets
 * `EAPI:Rate limit exceeded`. We wait for room instead of letting Kraken refuse the call.
 * One limiter per client; threads that share a key should route REST through one client.
 */

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

/** Counter cost of history calls (§5.1: "+2 for ledger/trade-history calls"). */
const HISTORY_CALL_COST = 2;
const HISTORY_METHODS: ReadonlySet<string> = new Set([
  'TradesHistory',
  'QueryTrades',
  'Ledgers',
  'QueryLedgers',
  'ClosedOrders',
]);
/** Order entry counts against the per-pair matching-engine limiter (§5.2), not this counter. */
const TRADING_METHODS: ReadonlySet<string> = new Set([
  'AddOrder',
  'AddOrderBatch',
  'CancelOrder',
  'CancelOrderBatch',
  'CancelAll',
  'CancelAllOrdersAfter',
  'EditOrder',
  'AmendOrder',
]);

/** Counter cost of one private REST method; 0 for trading calls. */
export function restCallCost(method: string): number {
  if (TRADING_METHODS.has(method)) return 0;
  return HISTORY_METHODS.has(method) ? HISTORY_CALL_COST : 1;
}

/** Time source and sleeper; injected so tests drive time by hand. */
export interface LimiterClock {
  nowMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: LimiterClock = {
  nowMs: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) return reject(signal.reason);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export class RestRateLimiter {
  private counter = 0;
  private updatedMs: number;
  /** Callers are served in arrival order: each acquire chains onto the previous one. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly limits: RestCounterLimits,
    private readonly clock: LimiterClock = systemClock,
  ) {
    if (!(limits.maxCounter > 0) || !(limits.decayPerSec > 0)) {
      throw new RangeError('rate limiter needs maxCounter > 0 and decayPerSec > 0');
    }
    this.updatedMs = clock.nowMs();
  }

  /** Current counter estimate after decay. */
  level(): number {
    this.decay();
    return this.counter;
  }

  /** Takes `cost` now if there is room and returns 0; otherwise takes nothing and returns the ms to wait. */
  tryAcquire(cost: number): number {
    this.decay();
    if (cost <= 0) return 0;
    // A cost above the maximum can never fit; let it through once the counter is empty.
    const room = this.limits.maxCounter - Math.min(cost, this.limits.maxCounter);
    if (this.counter <= room) {
      this.counter += cost;
      return 0;
    }
    return Math.max(1, Math.ceil(((this.counter - room) / this.limits.decayPerSec) * 1000));
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

  /** Kraken said `EAPI:Rate limit exceeded`: our estimate was low (another client?); assume full. */
  saturate(): void {
    this.decay();
    this.counter = this.limits.maxCounter;
  }

  private decay(): void {
    const now = this.clock.nowMs();
    const elapsedMs = now - this.updatedMs;
    if (elapsedMs > 0) {
      this.counter = Math.max(0, this.counter - (elapsedMs / 1000) * this.limits.decayPerSec);
      this.updatedMs = now;
    }
  }
}
