/**
 * Follows our orders on the private stream: every fill and every status change by order id,
 * whatever arrives first — fills can precede the ack, and the closing status can precede the last
 * fill. Each order attempt carries its own userref, so an order whose ack never came is still
 * recognised when the stream names it, and a late ack (after the trader stopped waiting for it) is
 * kept here instead of being dropped: the trader's leg routine (order-leg.ts) reads all of it while
 * an order's outcome is in doubt. The order-entry adapter feeds it through OrderEvents.
 */
import type { FeeAmount } from '../../core/trade-types.js';
import type { OrderEvents, OrderFill, OrderStatus, OrderUpdate } from './order-entry.js';

export interface TrackedOrder {
  readonly txid: string;
  readonly fills: OrderFill[];
  status: OrderStatus | undefined;
  /** The venue's cumulative figures (vol_exec, cost, fee), when it sent them. */
  volExec: number | undefined;
  cost: number | undefined;
  /** Quote value of the cumulative fee (see OrderFill.fee). */
  fee: number | undefined;
  /** The cumulative fee per asset, when the venue sent one. */
  fees: readonly FeeAmount[] | undefined;
  reason: string | undefined;
}

/** What the stream (or a late ack) said about one order attempt, by its userref. */
export type UserrefNews =
  /** `via`: the order stream named it (pending/new report, a fill) or its ack came late. */
  { kind: 'placed'; txid: string; via: 'stream' | 'late-ack' } | { kind: 'rejected'; error: string };

const FINAL: ReadonlySet<OrderStatus> = new Set(['closed', 'canceled', 'expired']);
/** Orders remembered at most; the oldest are forgotten first (the trader handles one at a time). */
const MAX_TRACKED = 512;

export function isFinalStatus(status: OrderStatus | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

/** Insert into a bounded insertion-ordered map, forgetting the oldest entry past `max`. */
function remember<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  m.delete(k);
  m.set(k, v);
  if (m.size > max) m.delete(m.keys().next().value as K);
}

export class OrderTracker implements OrderEvents {
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly byUserref = new Map<number, UserrefNews>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly changeWaiters = new Set<() => void>();

  get(txid: string): TrackedOrder | undefined {
    return this.orders.get(txid);
  }

  /** The order id or Kraken's refusal for an order attempt, once the stream or a late ack said. */
  newsFor(userref: number): UserrefNews | undefined {
    return this.byUserref.get(userref);
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
      remember(this.orders, txid, o, MAX_TRACKED);
    }
    return o;
  }

  /** The stream or a late ack tied an order id to one of our userrefs. */
  notePlaced(userref: number | undefined, txid: string, via: 'stream' | 'late-ack' = 'stream'): void {
    if (userref === undefined || userref === 0) return;
    if (this.byUserref.get(userref)?.kind === 'placed') return;
    remember(this.byUserref, userref, { kind: 'placed', txid, via }, MAX_TRACKED);
    this.wake(txid);
  }

  /** Kraken refused an order attempt after we stopped waiting for its ack (a late error ack). */
  noteRejected(userref: number, error: string): void {
    if (this.byUserref.get(userref)?.kind === 'placed') return;
    remember(this.byUserref, userref, { kind: 'rejected', error }, MAX_TRACKED);
    this.notifyChange();
  }

  /** A live fill (never a snapshot trade: those happened before we started). Duplicates are ignored. */
  addFill(txid: string, fill: OrderFill, userref?: number): void {
    this.notePlaced(userref, txid);
    const o = this.entry(txid);
    if (o.fills.some((f) => f.tradeId === fill.tradeId)) return;
    o.fills.push(fill);
    this.wake(txid);
  }

  updateOrder(txid: string, update: OrderUpdate): void {
    this.notePlaced(update.userref, txid);
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
   * Final, and every executed volume Kraken reported has arrived as a fill. A close that names no
   * executed volume and brought no fill is not settled: a fill may still be on its way (v1 sends a
   * status-only `closed` that can precede the ownTrades fill), so it is confirmed elsewhere (REST).
   */
  isSettled(txid: string): boolean {
    const o = this.orders.get(txid);
    if (o === undefined || !isFinalStatus(o.status)) return false;
    if (o.volExec === undefined) return o.fills.length > 0;
    return this.filledVolume(txid) + 1e-12 >= o.volExec;
  }

  /** Resolves at the next change to any order (or news of one), or after `timeoutMs`. */
  changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.changeWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.changeWaiters.add(done);
    });
  }

  /**
   * Resolves true once the order is final AND every executed volume Kraken reported has arrived as
   * a fill (or `graceMs` after it became final), false on timeout.
   */
  waitFinal(txid: string, timeoutMs: number, graceMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      let graceTimer: NodeJS.Timeout | null = null;
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
      const check = (): void => {
        if (this.isSettled(txid)) return finish(true);
        // Final, but fills Kraken counted have not all arrived: give them `graceMs`.
        if (graceTimer === null && isFinalStatus(this.orders.get(txid)?.status))
          graceTimer = setTimeout(() => finish(true), graceMs);
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
    this.notifyChange();
  }

  private notifyChange(): void {
    for (const w of [...this.changeWaiters]) w();
  }
}
