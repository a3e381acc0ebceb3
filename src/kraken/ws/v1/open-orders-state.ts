/**
 * Merged view of openOrders: the snapshot, then deltas applied field by field (Kraken sends
 * status-only or fill-only deltas; docs/kraken-protocol.md §2.5). Orders that reach a final status are
 * reported once and dropped, so the map holds live orders only.
 */
import type { OpenOrderDelta, OrderStatus } from './private-parse.js';

const FINAL: ReadonlySet<OrderStatus> = new Set(['closed', 'canceled', 'expired']);

export class OpenOrdersState {
  private readonly orders = new Map<string, OpenOrderDelta>();

  get size(): number {
    return this.orders.size;
  }

  get(orderId: string): Readonly<OpenOrderDelta> | undefined {
    return this.orders.get(orderId);
  }

  values(): IterableIterator<Readonly<OpenOrderDelta>> {
    return this.orders.values();
  }

  clear(): void {
    this.orders.clear();
  }

  /** Merge one delta; returns the merged order (a fresh object the caller may keep). */
  apply(delta: OpenOrderDelta): OpenOrderDelta {
    const prev = this.orders.get(delta.orderId);
    const merged: OpenOrderDelta = prev === undefined ? { ...delta } : { ...prev, ...delta };
    if (prev?.descr !== undefined && delta.descr !== undefined)
      merged.descr = { ...prev.descr, ...delta.descr };
    if (merged.status !== undefined && FINAL.has(merged.status)) this.orders.delete(delta.orderId);
    else this.orders.set(delta.orderId, merged);
    return { ...merged };
  }
}
