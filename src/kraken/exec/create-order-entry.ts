/** Kraken's order entry for the configured WebSocket API version: one row per version. */
import type { OrderEntry } from '../../engine/trade/order-entry.js';
import type { KrakenWsApi } from '../endpoints.js';
import { KrakenOrderEntryV1 } from './order-entry-v1.js';
import { KrakenOrderEntryV2 } from './order-entry-v2.js';
import type { KrakenOrderEntryOptions } from './session-order-entry.js';

const ORDER_ENTRY: Readonly<Record<KrakenWsApi, new (o: KrakenOrderEntryOptions) => OrderEntry>> = {
  v1: KrakenOrderEntryV1,
  v2: KrakenOrderEntryV2,
};

export function createOrderEntry(api: KrakenWsApi, options: KrakenOrderEntryOptions): OrderEntry {
  return new ORDER_ENTRY[api](options);
}
