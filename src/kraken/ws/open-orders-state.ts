/**
 * Merged view of openOrders: the snapshot, then deltas applied field by field (Kraken sends
 * status-only or fill-only deltas; docs/kraken-protocol.md §2.5). Orders that reach a final status are
 * reported once and dropped, so the map holds live orders only.
 */
import type { OpenOrderDelta, OrderStatus } from './private-v1-parse.js';

export type OpenOrderState = OpenOrderDelta;

const FINAL: ReadonlySet<OrderStatus> = new Set(['closed', 'canceled', 'expired']);

export class OpenOrdersState {
  private readonly orders = new Map<string, OpenOrderState>();

  get size(): number {
    return this.orders.size;
  }

  get(orderId: string): Readonly<OpenOrderState> | undefined {
    return this.orders.get(orderId);
  }

  values(): IterableIterator<Readonly<OpenOrderState>> {
    return this.orders.values();
  }

  clear(): void {
    this.orders.clear();
  }

  /** Merge one delta; returns the merged order (a fresh object the caller may keep). */
  apply(delta: OpenOrderDelta): OpenOrderState {
    const prev = this.orders.get(delta.orderId);
    const merged: OpenOrderState = prev === undefined ? { ...delta } : { ...prev, ...delta };
    if (prev?.descr !== undefined && delta.descr !== undefined)
      merged.descr = { ...prev.descr, ...delta.descr };
    if (merged.status !== undefined && FINAL.has(merged.status)) this.orders.delete(delta.orderId);
    else this.orders.set(delta.orderId, merged);
    return { ...merged };
  }
}
