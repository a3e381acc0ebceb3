/**
 * Requests awaiting an ack correlated by reqid, each with its own timeout. On timeout or when the
 * socket drops, the request fails with OrderOutcomeUnknownError — never as "rejected".
 */
import { OrderOutcomeUnknownError, type OrderOutcomeUnknownCode } from '../../order-errors.js';
import type { TimerHandle, Clock } from '../../../clock/clock.js';

interface Pending<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  timer: TimerHandle;
  what: string;
}

export class PendingRequests<T> {
  private readonly map = new Map<number, Pending<T>>();
  timeouts = 0;
  failedOnDrop = 0;

  constructor(
    private readonly timers: Clock,
    private readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  has(reqid: number): boolean {
    return this.map.has(reqid);
  }

  /** The only pending reqid, or undefined (used to attribute acks Kraken sends without reqid). */
  soleReqid(): number | undefined {
    if (this.map.size !== 1) return undefined;
    for (const k of this.map.keys()) return k;
    return undefined;
  }

  /** Register before sending; `what` names the request in error messages (no secrets). */
  add(reqid: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        if (!this.map.delete(reqid)) return;
        this.timeouts++;
        reject(
          new OrderOutcomeUnknownError(
            'ACK_TIMEOUT',
            reqid,
            `${what} reqid ${reqid}: no ack within ${this.timeoutMs} ms`,
          ),
        );
      }, this.timeoutMs);
      this.map.set(reqid, { resolve, reject, timer, what });
    });
  }

  /** Resolve with Kraken's answer; false when the reqid is not pending (late or foreign ack). */
  resolve(reqid: number, value: T): boolean {
    const p = this.map.get(reqid);
    if (p === undefined) return false;
    this.map.delete(reqid);
    this.timers.clearTimeout(p.timer);
    p.resolve(value);
    return true;
  }

  /** Fail everything pending as outcome-unknown (socket dropped / client closed). */
  failAll(code: OrderOutcomeUnknownCode, why: string): void {
    const entries = [...this.map.entries()];
    this.map.clear();
    for (const [reqid, p] of entries) {
      this.timers.clearTimeout(p.timer);
      this.failedOnDrop++;
      p.reject(new OrderOutcomeUnknownError(code, reqid, `${p.what} reqid ${reqid}: ${why} before the ack`));
    }
  }
}
