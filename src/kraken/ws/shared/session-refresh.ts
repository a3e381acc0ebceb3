/**
 * When a private session error (an expired or invalid token, ws/error-text.ts SESSION_ERROR_RE)
 * fetches a new token and subscribes again: at once the first time (a token that outlived its
 * 15 minutes is the common case), then with a growing delay, and after MAX_SESSION_REFRESHES
 * failures in a row not again on this socket — the owner opens a new connection, whose own
 * backoff and connection budget then apply. A subscription that succeeds ends the run of failures.
 */
import { backoffDelayMs, type BackoffPolicy } from '../../backoff.js';
import type { TimerHandle, Clock } from '../../../clock/clock.js';

/** Token refreshes on one socket before it is given up and replaced. */
export const MAX_SESSION_REFRESHES = 5;
/** Delay before the 2nd, 3rd, … refresh in a row (the 1st is immediate). */
export const SESSION_REFRESH_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

export type SessionRefreshDecision =
  | { action: 'scheduled'; attempt: number; delayMs: number }
  /** A refresh is already scheduled or running: this error is answered by it. */
  | { action: 'pending' }
  /** Too many in a row on this socket: reconnect instead. */
  | { action: 'give-up'; failures: number };

export class SessionRefresh {
  private failures = 0;
  private timer: TimerHandle | null = null;
  private running = false;

  constructor(
    private readonly timers: Clock,
    private readonly policy: BackoffPolicy = SESSION_REFRESH_BACKOFF,
    private readonly max: number = MAX_SESSION_REFRESHES,
    private readonly random: () => number = Math.random,
  ) {}

  /** A refresh is scheduled or its token fetch is in flight. */
  get pending(): boolean {
    return this.timer !== null || this.running;
  }

  /** Refreshes so far in the current run of failures. */
  get attempts(): number {
    return this.failures;
  }

  /** A session error arrived; `refresh` runs when the decision is `scheduled`. */
  onSessionError(refresh: () => void): SessionRefreshDecision {
    if (this.pending) return { action: 'pending' };
    if (this.failures >= this.max) {
      const failures = this.failures;
      this.failures = 0;
      return { action: 'give-up', failures };
    }
    this.failures++;
    const delayMs = this.failures === 1 ? 0 : backoffDelayMs(this.policy, this.failures - 1, this.random);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.running = true;
      refresh();
    }, delayMs);
    return { action: 'scheduled', attempt: this.failures, delayMs };
  }

  /** The refresh's token fetch finished (whatever its outcome). */
  done(): void {
    this.running = false;
  }

  /** Every subscription is live again: the run of failures is over. */
  succeeded(): void {
    this.failures = 0;
  }

  /** The socket is gone: nothing scheduled survives it, and the next socket starts afresh. */
  reset(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.running = false;
    this.failures = 0;
  }
}
