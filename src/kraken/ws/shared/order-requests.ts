/**
 * The order requests a private client waits on: add and cancel, correlated by request id.
 * Unknown-outcome rules (PendingRequests): a timeout or a dropped socket before the ack rejects
 * with OrderOutcomeUnknownError, never as "rejected". A cancel of n orders gets n acks from
 * Kraken: it resolves after n ok acks or at the first error.
 */
import type { OrderOutcomeUnknownCode } from '../../order-errors.js';
import { PendingRequests } from './pending-requests.js';
import type { Clock } from '../../../clock/clock.js';

/** Builds the version's cancel result (`cancelled` = orders confirmed so far). */
export type CancelResultOf<CancelResult> = (
  reqId: number,
  ok: boolean,
  cancelled: number,
  errorMessage: string | undefined,
) => CancelResult;

export class OrderRequests<AddResult, CancelResult> {
  readonly adds: PendingRequests<AddResult>;
  readonly cancels: PendingRequests<CancelResult>;
  private readonly cancelProgress = new Map<number, { expected: number; ok: number }>();

  constructor(
    timers: Clock,
    ackTimeoutMs: number,
    private readonly cancelResult: CancelResultOf<CancelResult>,
  ) {
    this.adds = new PendingRequests<AddResult>(timers, ackTimeoutMs);
    this.cancels = new PendingRequests<CancelResult>(timers, ackTimeoutMs);
  }

  /** Ack timeouts / drops that left an order's outcome unknown (both kinds of request). */
  get unknownOutcomes(): number {
    return this.adds.timeouts + this.adds.failedOnDrop + this.cancels.timeouts + this.cancels.failedOnDrop;
  }

  /** Register an order request, at the latest right after its frame is sent (its ack is read later). */
  addOrder(reqId: number, what: string): Promise<AddResult> {
    return this.adds.add(reqId, what);
  }

  /** Register a cancel of `count` orders, right after its frame is sent (its acks are read later). */
  cancelOrders(reqId: number, count: number, what: string): Promise<CancelResult> {
    const p = this.cancels.add(reqId, what);
    this.cancelProgress.set(reqId, { expected: count, ok: 0 });
    const forget = (): void => void this.cancelProgress.delete(reqId);
    p.then(forget, forget);
    return p;
  }

  /** One cancel ack. Returns the result when no cancel waits for it (a late ack), else null. */
  cancelAck(reqId: number, ok: boolean, errorMessage: string | undefined): CancelResult | null {
    const prog = this.cancelProgress.get(reqId);
    if (prog === undefined) return this.cancelResult(reqId, ok, ok ? 1 : 0, errorMessage);
    if (!ok) this.cancels.resolve(reqId, this.cancelResult(reqId, false, prog.ok, errorMessage));
    else if (++prog.ok >= prog.expected)
      this.cancels.resolve(reqId, this.cancelResult(reqId, true, prog.ok, undefined));
    return null;
  }

  /** The socket is gone: every pending request's outcome is unknown. */
  failAll(code: OrderOutcomeUnknownCode, why: string): void {
    this.adds.failAll(code, why);
    this.cancels.failAll(code, why);
    this.cancelProgress.clear();
  }
}
