/**
 * The benchmark's clock (bench/README.md, `wire`): for every dislocation, when the market opened it, when a
 * server first wrote a frame showing it, and when the first order that could take it arrived. All
 * stamps are process.hrtime.bigint() ns in this process, so there is no clock skew to correct.
 *
 * Who calls what:
 * - the market (or the composition, from BookChange.dislocationId) calls `registerDislocation`;
 * - the WS/REST servers call `frameWritten(id, ns)` right after writing a frame that carries it;
 * - the servers call `orderArrived(...)` as soon as they have read an order (before any fault delay),
 *   and the venue calls it again on entry; the earliest stamp wins.
 */
import type { DislocationTiming, OrderSide, Side } from './contracts.js';

export interface DislocationRecord extends DislocationTiming {
  /** The book side the dislocation makes attractive: `ask` (cheap, to buy) or `bid` (rich, to sell). */
  side: Side;
  price: number;
  closedAtNs: bigint | null;
}

export interface TimingRegistry {
  registerDislocation(id: number, pairIndex: number, side: Side, price: number, openedAtNs?: bigint): void;
  closeDislocation(id: number, ns?: bigint): void;
  frameWritten(id: number, ns: bigint): void;
  /** `price` is the limit; for market orders pass Infinity (buy) or 0 (sell). */
  orderArrived(pairIndex: number, type: OrderSide, price: number, ns: bigint): void;
  /** Oldest first. */
  records(): readonly DislocationRecord[];
  /** JSON-safe view (ns as decimal strings). */
  toJSON(): Array<Record<string, string | number | null>>;
}

export interface TimingOptions {
  /** A dislocation no longer counts as takeable after this long, even if never closed explicitly. */
  lifetimeMs?: number;
  /** Records kept (oldest dropped first): bounds memory on long runs. */
  maxRecords?: number;
  /** Monotonic ns clock (default process.hrtime.bigint); injectable for tests. */
  nowNs?: () => bigint;
}

const DEFAULT_LIFETIME_MS = 2000;
const DEFAULT_MAX_RECORDS = 100_000;

export function createTimingRegistry(options: TimingOptions = {}): TimingRegistry {
  return new DislocationTimings(options);
}

class DislocationTimings implements TimingRegistry {
  private readonly lifetimeNs: bigint;
  private readonly maxRecords: number;
  private readonly nowNs: () => bigint;
  /** Oldest first, bounded by maxRecords. */
  private readonly all: DislocationRecord[] = [];
  private readonly byId = new Map<number, DislocationRecord>();
  /** Still takeable as far as is known; pruned lazily by orderArrived. */
  private open: DislocationRecord[] = [];

  constructor(options: TimingOptions) {
    this.lifetimeNs = BigInt(Math.round((options.lifetimeMs ?? DEFAULT_LIFETIME_MS) * 1e6));
    this.maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
    this.nowNs = options.nowNs ?? (() => process.hrtime.bigint());
  }

  private isOpen(r: DislocationRecord, now: bigint): boolean {
    return r.closedAtNs === null && now - r.openedAtNs <= this.lifetimeNs;
  }

  registerDislocation(id: number, pairIndex: number, side: Side, price: number, openedAtNs?: bigint): void {
    if (this.byId.has(id)) return;
    const r: DislocationRecord = {
      id,
      pairIndex,
      side,
      price,
      openedAtNs: openedAtNs ?? this.nowNs(),
      firstFrameWrittenNs: null,
      firstOrderArrivedNs: null,
      closedAtNs: null,
    };
    this.all.push(r);
    this.byId.set(id, r);
    this.open.push(r);
    if (this.all.length > this.maxRecords) {
      const dropped = this.all.shift();
      if (dropped !== undefined) this.byId.delete(dropped.id);
    }
  }

  closeDislocation(id: number, ns?: bigint): void {
    const r = this.byId.get(id);
    if (r !== undefined && r.closedAtNs === null) r.closedAtNs = ns ?? this.nowNs();
  }

  frameWritten(id: number, ns: bigint): void {
    const r = this.byId.get(id);
    if (r !== undefined && (r.firstFrameWrittenNs === null || ns < r.firstFrameWrittenNs))
      r.firstFrameWrittenNs = ns;
  }

  orderArrived(pairIndex: number, type: OrderSide, price: number, ns: bigint): void {
    if (this.open.length === 0) return;
    const now = this.nowNs();
    let stale = false;
    for (const r of this.open) {
      if (!this.isOpen(r, now)) {
        stale = true;
        continue;
      }
      if (r.pairIndex !== pairIndex) continue;
      const takes =
        type === 'buy' ? r.side === 'ask' && price >= r.price : r.side === 'bid' && price <= r.price;
      if (takes && (r.firstOrderArrivedNs === null || ns < r.firstOrderArrivedNs)) r.firstOrderArrivedNs = ns;
    }
    if (stale) this.open = this.open.filter((r) => this.isOpen(r, now));
  }

  records(): readonly DislocationRecord[] {
    return this.all;
  }

  toJSON(): Array<Record<string, string | number | null>> {
    return this.all.map((r) => ({
      id: r.id,
      pairIndex: r.pairIndex,
      side: r.side,
      price: r.price,
      openedAtNs: r.openedAtNs.toString(),
      firstFrameWrittenNs: r.firstFrameWrittenNs === null ? null : r.firstFrameWrittenNs.toString(),
      firstOrderArrivedNs: r.firstOrderArrivedNs === null ? null : r.firstOrderArrivedNs.toString(),
      closedAtNs: r.closedAtNs === null ? null : r.closedAtNs.toString(),
    }));
  }
}
