/**
 * Seams inside the simulator. The market (prices, books, dislocations) and the venue (accounts,
 * orders, matching, fees) are separate concepts; the servers (REST, WS v1, WS v2, control API)
 * only translate between these interfaces and Kraken's wire formats.
 */
import type { PairInfo } from '../core/pair.js';

export type Side = 'bid' | 'ask';
export type SystemStatus = 'online' | 'maintenance' | 'cancel_only' | 'post_only';

export interface BookLevel {
  /** Price and quantity as numbers already on the pair's grid (pairDecimals / lotDecimals). */
  price: number;
  qty: number;
  /** Epoch seconds with µs of the last change to this level. */
  ts: number;
}

/** One simulated pair: Kraken's metadata plus the asset ids REST uses. */
export interface SimPair extends PairInfo {
  /** REST asset ids, e.g. `XXBT`, `ZUSD`, `USDT`. */
  readonly baseId: string;
  readonly quoteId: string;
}

/** What changed in one pair's book in one market step; servers turn it into spread/ticker/book frames. */
export interface BookChange {
  pairIndex: number;
  /** Levels that changed (qty 0 = removed), in the order they were applied. */
  bids: BookLevel[];
  asks: BookLevel[];
  /** Epoch seconds with µs (Kraken's timestamp for the frames). */
  ts: number;
  /** Set when this change opens a dislocation (an arbitrage after fees); the servers stamp its write time. */
  dislocationId?: number;
  /**
   * A quote that is not the book's (a fault: bad data from the venue): the feeds publish this top of
   * book instead of the book's own; matching never sees it.
   */
  quoteOverride?: { bid: BookLevel; ask: BookLevel };
}

export interface SimMarket {
  readonly pairs: readonly SimPair[];
  /** Find a pair by v1 wsname, v2 symbol, REST id or altname; -1 when unknown. */
  pairIndex(name: string): number;
  /** Sorted best first (bids descending, asks ascending). The array must not be mutated by callers. */
  levels(pairIndex: number, side: Side): readonly BookLevel[];
  /** Take up to `qty` from `side` at prices no worse than `limit` (Infinity/0 for market); returns the fills. */
  take(pairIndex: number, side: Side, qty: number, limit: number): Array<{ price: number; qty: number }>;
  /** Subscribe to book changes; returns an unsubscribe function. */
  onChange(listener: (change: BookChange) => void): () => void;
  start(): void;
  stop(): void;
}

// ---------------------------------------------------------------------------------------------
// The venue: accounts, orders, matching, fees. Synchronous: an order is validated, matched and
// settled in one call, so balances and holds change atomically.

export type OrderSide = 'buy' | 'sell';
export type OrderStatus = 'pending' | 'open' | 'closed' | 'canceled' | 'expired';

export interface OrderRequest {
  /** Pair by v1 wsname, v2 symbol, REST id or altname. */
  pair: string;
  type: OrderSide;
  ordertype: 'limit' | 'market';
  /** Decimal strings exactly as the client sent them (validated for decimals and tick size). */
  price?: string;
  volume: string;
  timeinforce?: 'GTC' | 'IOC' | 'GTD';
  userref?: number;
  clOrdId?: string;
  oflags?: string;
  /** RFC3339 time after which the matching engine rejects the order (`EService:Deadline elapsed`). */
  deadline?: string;
  validate?: boolean;
}

export interface SimOrder {
  txid: string;
  userref: number;
  clOrdId?: string;
  pairIndex: number;
  type: OrderSide;
  ordertype: 'limit' | 'market';
  /** Limit price (0 for market). */
  price: number;
  volume: number;
  volExec: number;
  /** Quote currency. */
  cost: number;
  fee: number;
  avgPrice: number;
  status: OrderStatus;
  timeinforce: 'GTC' | 'IOC' | 'GTD';
  oflags: string;
  /** Epoch seconds with µs. */
  opentm: number;
  closetm: number;
  /** Kraken's cancel reason, e.g. `User requested`, `Order would not fill (IOC)`. */
  reason?: string;
  descr: string;
}

export interface SimTrade {
  tradeId: string;
  ordertxid: string;
  pairIndex: number;
  /** Epoch seconds with µs. */
  time: number;
  type: OrderSide;
  ordertype: 'limit' | 'market';
  price: number;
  vol: number;
  cost: number;
  fee: number;
  userref: number;
  clOrdId?: string;
}

export type VenueEvent =
  | { kind: 'order'; apiKey: string; order: Readonly<SimOrder>; fields: ReadonlyArray<keyof SimOrder> }
  | { kind: 'trade'; apiKey: string; trade: Readonly<SimTrade> };

export type VenueResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface SimVenue {
  readonly market: SimMarket;
  systemStatus(): SystemStatus;
  setSystemStatus(status: SystemStatus): void;
  /** Validates, matches and settles at once. `error` is Kraken's exact string, e.g. `EOrder:Insufficient funds`. */
  addOrder(apiKey: string, req: OrderRequest): VenueResult<{ txid: string; descr: string }>;
  /** By txid, userref (as string) or cl_ord_id. */
  cancelOrder(apiKey: string, ref: string): VenueResult<{ count: number }>;
  /** Asset id → balance. */
  balances(apiKey: string): ReadonlyMap<string, { balance: number; hold: number }>;
  openOrders(apiKey: string): readonly SimOrder[];
  closedOrders(apiKey: string): readonly SimOrder[];
  order(apiKey: string, txid: string): SimOrder | undefined;
  trades(apiKey: string): readonly SimTrade[];
  /** 30-day volume in USD and the taker/maker percent for a pair at that volume. */
  feeFor(apiKey: string, pairIndex: number): { volumeUsd: number; takerPct: number; makerPct: number };
  onEvent(listener: (event: VenueEvent) => void): () => void;
  /** WebSocket tokens (GetWebSocketsToken); `expireTokens` is a fault. */
  issueToken(apiKey: string): { token: string; expires: number };
  apiKeyForToken(token: string): string | undefined;
  expireTokens(): void;
}

// ---------------------------------------------------------------------------------------------
// Faults and timing, shared by every server of one simulator.

export interface SimFaults {
  /** Drop every WS connection (public and private) now; the servers implement the effect. */
  dropConnections(which: 'public' | 'private' | 'all'): void;
  /** Public feeds send nothing (not even heartbeats) until this monotonic ms time. */
  stallUntilMs: number;
  /** Number of garbage frames to inject into each public connection, consumed by the servers. */
  garbageFrames: number;
  /** The next order is rejected with this Kraken error string (then cleared). */
  rejectNextOrder: string | null;
  /** The next order's processing is delayed by this many ms (then cleared). */
  delayNextOrderMs: number;
  /** Every addOrder/add_order acknowledgement is delayed by this many ms. */
  ackDelayMs: number;
  /** REST private calls answer `EAPI:Rate limit exceeded` while this is true. */
  rateLimited: boolean;
  /** Every REST answer is delayed by this many ms. */
  restDelayMs: number;
  /**
   * The next order that executes fills at most this volume (a thin book: the rest of an IOC is
   * canceled, a market order stops there); null = no cap. Consumed by that order.
   */
  fillCapNextOrder: number | null;
}

/** Monotonic (process.hrtime.bigint as ns) timestamps for each dislocation: the benchmark's clock. */
export interface DislocationTiming {
  id: number;
  pairIndex: number;
  /** The side of the book the dislocation makes cheap (an ask to buy). */
  openedAtNs: bigint;
  firstFrameWrittenNs: bigint | null;
  firstOrderArrivedNs: bigint | null;
}
