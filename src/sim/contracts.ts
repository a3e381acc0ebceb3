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
