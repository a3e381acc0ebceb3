/**
 * When to try the next WebSocket connection: capped, jittered exponential backoff under a
 * sliding-window budget of connection attempts.
 *
 * Why a budget: Kraken (Cloudflare) allows ≈150 connection attempts per rolling 10 minutes per IP
 * and bans the IP for 10 minutes when exceeded (docs/kraken-connection-limits.md, docs/kraken-protocol.md §1.1). That limit is
 * held for the whole process by the shared ConnectionBudget (connection-budget.ts), whatever
 * LISTENERS is; this per-socket budget (default 20 / 10 min) only keeps one flapping socket from
 * spending the whole process's budget alone.
 * After a `maintenance` system status Kraken asks for no more than one attempt every 5 s.
 */

export interface ReconnectPolicyOptions {
  /** Base of the exponential backoff; the first retry after a stable session waits ≤ this. */
  initialDelayMs: number;
  /** Cap of the exponential part. */
  maxDelayMs: number;
  multiplier: number;
  /** Attempts allowed in any window of `budgetWindowMs` (this connection's share of the IP budget). */
  budgetAttempts: number;
  budgetWindowMs: number;
  /** Minimum spacing of attempts while the venue reports maintenance. */
  maintenanceMinIntervalMs: number;
  /** A session that stayed open this long resets the backoff to its start. */
  stableAfterMs: number;
}

export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicyOptions> = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  multiplier: 2,
  budgetAttempts: 20,
  budgetWindowMs: 600_000,
  maintenanceMinIntervalMs: 5_000,
  stableAfterMs: 10_000,
};

/** What limited the last computed delay (for logs and counters). */
export type DelayLimit = 'backoff' | 'budget' | 'maintenance';

export class ReconnectPolicy {
  readonly options: Readonly<ReconnectPolicyOptions>;
  /** Consecutive attempts since the last stable session. */
  failures = 0;
  /** Set while the venue reports maintenance; cleared on `online`. */
  maintenance = false;
  lastLimit: DelayLimit = 'backoff';
  /** Ring of the last `budgetAttempts` attempt times (ms). */
  private readonly ring: Float64Array;
  private head = 0;
  private count = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private readonly random: () => number;

  constructor(options: Partial<ReconnectPolicyOptions> = {}, random: () => number = Math.random) {
    const o = { ...DEFAULT_RECONNECT_POLICY, ...options };
    if (!(o.budgetAttempts >= 1) || !Number.isInteger(o.budgetAttempts)) {
      throw new RangeError('ReconnectPolicy: budgetAttempts must be an integer >= 1');
    }
    if (!(o.initialDelayMs >= 0) || !(o.maxDelayMs >= o.initialDelayMs) || !(o.multiplier >= 1)) {
      throw new RangeError('ReconnectPolicy: need 0 <= initialDelayMs <= maxDelayMs and multiplier >= 1');
    }
    this.options = o;
    this.ring = new Float64Array(o.budgetAttempts);
    this.random = random;
  }

  /** Record that a connection attempt starts now. */
  recordAttempt(nowMs: number): void {
    this.ring[this.head] = nowMs;
    this.head = (this.head + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    this.lastAttemptAt = nowMs;
  }

  /** Attempts recorded within the window ending now. */
  attemptsInWindow(nowMs: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const t = this.ring[i] as number;
      if (t > nowMs - this.options.budgetWindowMs) n++;
    }
    return n;
  }

  /** The earliest time the budget allows another attempt. */
  private budgetEarliest(): number {
    if (this.count < this.ring.length) return Number.NEGATIVE_INFINITY;
    // Ring full: the oldest of the last `budgetAttempts` attempts sits at head.
    return (this.ring[this.head] as number) + this.options.budgetWindowMs;
  }

  /** A session ended after being open `openForMs` (or never opened: pass 0). */
  onSessionEnd(openForMs: number): void {
    if (openForMs >= this.options.stableAfterMs) this.failures = 0;
  }

  /** Delay before the first connection attempt (budget and maintenance only, no backoff). */
  initialDelay(nowMs: number): number {
    return this.limit(nowMs, 0);
  }

  /** Delay before the next reconnect attempt; counts one more failure. */
  nextDelay(nowMs: number): number {
    const o = this.options;
    const base = Math.min(o.maxDelayMs, o.initialDelayMs * Math.pow(o.multiplier, this.failures));
    // "Equal jitter": half fixed, half random, so sockets dropped together do not retry together.
    const backoff = base / 2 + this.random() * (base / 2);
    if (this.failures < 64) this.failures++;
    return this.limit(nowMs, backoff);
  }

  private limit(nowMs: number, backoff: number): number {
    let delay = backoff;
    this.lastLimit = 'backoff';
    const budgetWait = this.budgetEarliest() - nowMs;
    if (budgetWait > delay) {
      delay = budgetWait;
      this.lastLimit = 'budget';
    }
    if (this.maintenance) {
      const wait = this.lastAttemptAt + this.options.maintenanceMinIntervalMs - nowMs;
      if (wait > delay) {
        delay = wait;
        this.lastLimit = 'maintenance';
      }
    }
    return Math.max(0, Math.ceil(delay));
  }
}
