/**
 * REST reconciliation of an order whose outcome is unknown (ack timeout, lost socket): ask Kraken
 * what became of it, by txid when we have one, else by our userref. An order is never assumed
 * rejected or filled without Kraken's word.
 */
import type { KrakenRestClient } from '../kraken/rest.js';
import type { OrderInfo } from '../kraken/order-parse.js';
import type { FillTotals } from '../core/trade-state.js';

export type ReconcileResult =
  | { status: 'closed' | 'canceled'; totals: FillTotals; txid: string }
  | { status: 'not-found' }
  | { status: 'failed'; error: string };

export interface ReconcileOptions {
  attempts: number;
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RECONCILE: Omit<ReconcileOptions, 'sleep'> = { attempts: 6, delayMs: 500 };

function pick(
  orders: Record<string, OrderInfo>,
  side: 'buy' | 'sell',
  sinceSec: number,
): OrderInfo | undefined {
  let best: OrderInfo | undefined;
  for (const o of Object.values(orders)) {
    if (o.type !== side || o.opentm + 1 < sinceSec) continue;
    if (best === undefined || o.opentm > best.opentm) best = o;
  }
  return best;
}

export async function reconcileOrder(
  rest: KrakenRestClient,
  ref: { txid?: string; userref: number; side: 'buy' | 'sell'; sentAtSec: number },
  o: ReconcileOptions,
): Promise<ReconcileResult> {
  let lastError = '';
  for (let attempt = 0; attempt < o.attempts; attempt++) {
    if (attempt > 0) await o.sleep(o.delayMs * attempt);
    try {
      let info: OrderInfo | undefined;
      if (ref.txid !== undefined) {
        info = (await rest.queryOrders([ref.txid]))[ref.txid];
      } else {
        const open = await rest.openOrders({ userref: ref.userref });
        info = pick(open, ref.side, ref.sentAtSec);
        if (info === undefined) {
          const closed = await rest.closedOrders({
            userref: ref.userref,
            start: Math.floor(ref.sentAtSec) - 5,
          });
          info = pick(closed.orders, ref.side, ref.sentAtSec);
        }
      }
      if (info === undefined) {
        // Kraken may not show a just-sent order yet: ask again before concluding it never existed.
        if (attempt === o.attempts - 1) return { status: 'not-found' };
        continue;
      }
      if (info.status === 'open' || info.status === 'pending') continue; // IOC/market orders close quickly
      return {
        status: info.status === 'closed' ? 'closed' : 'canceled',
        totals: { volume: info.volumeExecuted, cost: info.cost, fee: info.fee },
        txid: info.txid,
      };
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
  }
  return { status: 'failed', error: lastError || 'order still open after every attempt' };
}
