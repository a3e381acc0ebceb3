/**
 * Follows our orders on the private stream: every fill (ownTrades) and every status change
 * (openOrders) by order id, whatever arrives first — fills can precede the addOrder ack, and the
 * closing status can precede the last fill. The trader waits on `waitFinal` and reads the totals.
 */
import type { FeeAmount } from '../kraken/fee-assets.js';

export type TrackedStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';
export type { FeeAmount };

export interface TrackedFill {
  tradeId: string;
  volume: number;
  price: number;
  cost: number;
  /**
   * The fee's value in the fill's quote currency (base-asset fees at the fill price; fees in other
   * assets are not in it). What the trade path has always read.
   */
  fee: number;
  /** The fee as Kraken charged it, per asset (src/kraken/fee-assets.ts). The gateways always set it. */
  fees?: readonly FeeAmount[];
}

export interface TrackedOrder {
  readonly txid: string;
  readonly fills: TrackedFill[];
  status: TrackedStatus | undefined;
  /** Kraken's cumulative figures from openOrders (vol_exec, cost, fee), when it sent them. */
  volExec: number | undefined;
  cost: number | undefined;
  /** Quote value of the cumulative fee (see TrackedFill.fee). */
  fee: number | undefined;
  /** Kraken's cumulative fee per asset, when it sent one. */
  fees: readonly FeeAmount[] | undefined;
  reason: string | undefined;
}

const FINAL: ReadonlySet<TrackedStatus> = new Set(['closed', 'canceled', 'expired']);
/** Orders remembered at most; the oldest are forgotten first (the trader handles one at a time). */
const MAX_TRACKED = 512;

export function isFinalStatus(status: TrackedStatus | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

export class OrderTracker {
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly waiters = new Map<string, Array<() => void>>();
  /** Listener for fills of a given order, so the trader can journal each as it comes. */
  onFill: ((txid: string, fill: TrackedFill) => void) | null = null;

  get(txid: string): TrackedOrder | undefined {
    return this.orders.get(txid);
  }

  private entry(txid: string): TrackedOrder {
    let o = this.orders.get(txid);
    if (o === undefined) {
      o = {
        txid,
        fills: [],
        status: undefined,
        volExec: undefined,
        cost: undefined,
        fee: undefined,
        fees: undefined,
        reason: undefined,
      };
      this.orders.set(txid, o);
      if (this.orders.size > MAX_TRACKED) {
        const oldest = this.orders.keys().next().value as string;
        this.orders.delete(oldest);
      }
    }
    return o;
  }

  /** A live fill (never a snapshot trade: those happened before we started). Duplicates are ignored. */
  addFill(txid: string, fill: TrackedFill): void {
    const o = this.entry(txid);
    if (o.fills.some((f) => f.tradeId === fill.tradeId)) return;
    o.fills.push(fill);
    this.onFill?.(txid, fill);
    this.wake(txid);
  }

  updateOrder(
    txid: string,
    update: {
      status?: TrackedStatus;
      volExec?: number;
      cost?: number;
      fee?: number;
      fees?: readonly FeeAmount[];
      reason?: string;
    },
  ): void {
    const o = this.entry(txid);
    if (update.status !== undefined && !isFinalStatus(o.status)) o.status = update.status;
    if (update.volExec !== undefined) o.volExec = update.volExec;
    if (update.cost !== undefined) o.cost = update.cost;
    if (update.fee !== undefined) o.fee = update.fee;
    if (update.fees !== undefined) o.fees = update.fees;
    if (update.reason !== undefined) o.reason = update.reason;
    this.wake(txid);
  }

  filledVolume(txid: string): number {
    let v = 0;
    for (const f of this.orders.get(txid)?.fills ?? []) v += f.volume;
    return v;
  }

  /**
   * Resolves true once the order is final AND every executed volume Kraken reported has arrived as
   * a fill (or `graceMs` after it became final), false on timeout.
   */
  waitFinal(txid: string, timeoutMs: number, graceMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let finalSince = 0;
      let done = false;
      const timer = setTimeout(() => finish(isFinalStatus(this.orders.get(txid)?.status)), timeoutMs);
      const finish = (ok: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (graceTimer) clearTimeout(graceTimer);
        const list = this.waiters.get(txid);
        if (list) {
          const i = list.indexOf(check);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) this.waiters.delete(txid);
        }
        resolve(ok);
      };
      let graceTimer: NodeJS.Timeout | null = null;
      const check = (): void => {
        const o = this.orders.get(txid);
        if (o === undefined || !isFinalStatus(o.status)) return;
        const filled = this.filledVolume(txid);
        if (o.volExec === undefined || filled + 1e-12 >= o.volExec) {
          finish(true);
          return;
        }
        if (finalSince === 0) {
          finalSince = 1;
          graceTimer = setTimeout(() => finish(true), graceMs);
        }
      };
      const list = this.waiters.get(txid) ?? [];
      list.push(check);
      this.waiters.set(txid, list);
      check();
    });
  }

  private wake(txid: string): void {
    const list = this.waiters.get(txid);
    if (list) for (const w of [...list]) w();
  }
}
