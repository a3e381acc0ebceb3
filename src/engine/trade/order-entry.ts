/**
 * The trade path's port to a venue's order entry: what the trader needs, in its own terms, whatever
 * the venue and its API version. The Kraken adapters implement it per WebSocket API version
 * (src/kraken/exec/); the trader, the trade runner and the leg routine depend on this file only.
 *
 * - Place an order (OrderEntry.addOrder): the answer is the venue's word (placed with an order id,
 *   or refused with its error), or that nothing left the process, or that the outcome is unknown
 *   (sent, no answer: docs/design-decisions.md §3) — never an exception for these.
 * - Order events (OrderEvents): the adapter hands every fill and status change of our orders,
 *   normalised, to the trade path as they stream in, whatever arrives first.
 * - Reconcile by reference (OrderLookup): an order in doubt is looked up by its id, else by the
 *   reference the trader gave it (`userref`); after a restart, every order since a time.
 */
import type { PairInfo } from '../../core/pair.js';
import type { FeeAmount } from '../../core/trade-types.js';

export interface OrderRequest {
  side: 'buy' | 'sell';
  ordertype: 'limit' | 'market';
  pair: PairInfo;
  /** Formatted to the pair's lot decimals. */
  volume: string;
  /** Formatted to the pair's price decimals (limit orders). */
  price?: string;
  timeinforce?: 'IOC';
  /** One per order attempt (never reused within a trade), so the stream and REST name it alone. */
  userref: number;
  /**
   * Epoch ms after which the venue's matching engine rejects the order instead of executing it
   * (Kraken's `deadline`): what makes an order whose ack was lost decidable.
   */
  deadlineMs: number;
  /**
   * Set only by the trader's rehearsal of its buy, between opportunities: an entry that
   * `rehearsesOrders` builds and writes it with its real code to a loopback socket of its own, never
   * to the venue, and answers not-sent. The trader gives rehearsals to no other entry.
   */
  rehearsal?: boolean;
}

/** How a placement ended, as far as the sender can tell. */
export type OrderAck =
  /** The venue accepted it and named it. */
  | { status: 'ok'; txid: string }
  /** The venue refused it (its word): nothing executed. */
  | { status: 'error'; errorMessage: string }
  /** Nothing left the process (not connected, an order that cannot be written). */
  | { status: 'not-sent'; reason: string }
  /** Sent, and no answer (timeout, socket lost): the order may be live. Reconcile. */
  | { status: 'unknown'; reason: string };

/** What the send-path warm-up did: frames written, and frames its own loopback server read. */
export interface SendPathWarmth {
  sent: number;
  received: number;
}

export interface OrderEntry {
  /** Connected, authenticated and subscribed to the order and fill streams. */
  isReady(): boolean;
  addOrder(order: OrderRequest): Promise<OrderAck>;
  /**
   * When the frame of the latest addOrder was handed to the socket (epoch µs), if the entry knows
   * (NaN or an older stamp otherwise): what addOrder does after the write does not delay the order.
   */
  lastWriteUs?(): number;
  /** True when addOrder honours OrderRequest.rehearsal (never sends a rehearsal to the venue). */
  readonly rehearsesOrders?: boolean;
  /** Rehearsed frames written to the warm-up socket and read back at its other end (see rehearsesOrders). */
  sendPathWarmth?(): SendPathWarmth;
  start(): void;
  close(): void;
}

export type OrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';

export interface OrderFill {
  tradeId: string;
  volume: number;
  price: number;
  cost: number;
  /**
   * The fee's value in the fill's quote currency (base-asset fees at the fill price; fees in other
   * assets are not in it). What the trade path has always read.
   */
  fee: number;
  /** The fee as the venue charged it, per asset. The Kraken adapters always set it. */
  fees?: readonly FeeAmount[];
}

/** A status change or new cumulative figures of one order; absent fields are unchanged. */
export interface OrderUpdate {
  status?: OrderStatus;
  /** The venue's cumulative executed volume, cost and fee (quote value), when it sent them. */
  volExec?: number;
  cost?: number;
  fee?: number;
  fees?: readonly FeeAmount[];
  reason?: string;
  userref?: number;
}

/** Where an adapter delivers what the venue says about our orders (OrderTracker implements it). */
export interface OrderEvents {
  /** A live fill (never one from before we started). Duplicates are ignored. */
  addFill(txid: string, fill: OrderFill, userref?: number): void;
  updateOrder(txid: string, update: OrderUpdate): void;
  /** The stream, or an ack that came after the trader stopped waiting, tied an order id to a userref. */
  notePlaced(userref: number | undefined, txid: string, via?: 'stream' | 'late-ack'): void;
  /** The venue refused an order attempt after the trader stopped waiting for its ack. */
  noteRejected(userref: number, error: string): void;
}

/** An order to find: by its id when known, else by the attempt's own userref and side. */
export interface OrderRef {
  readonly txid: string | undefined;
  readonly userref: number;
  readonly side: 'buy' | 'sell';
  /** When the order was sent (epoch s): the look-up searches from shortly before it. */
  readonly sentAtSec: number;
}

/** The venue's record of one order. */
export interface OrderReport {
  readonly txid: string;
  readonly userref: number | null;
  readonly side: 'buy' | 'sell';
  readonly status: OrderStatus;
  readonly volumeExecuted: number;
  /** Quote currency. */
  readonly cost: number;
  readonly fee: number;
  /** The venue's name of the pair (Kraken: the REST pair id, e.g. `XXBTZUSD`). */
  readonly pair: string;
  /** Volume ordered. */
  readonly volume: number;
  /** Limit price (0 for market). */
  readonly limitPrice: number;
}

export interface OrderLookup {
  /** The order, or undefined when the venue does not list it (yet). Failures are thrown. */
  find(ref: OrderRef, signal?: AbortSignal): Promise<OrderReport | undefined>;
  /** Every order the venue lists since `startSec` (epoch s), open and closed. */
  since(startSec: number): Promise<OrderReport[]>;
}
