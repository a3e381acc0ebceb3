/**
 * The trader's view of order entry, whatever the WebSocket API version: send an order, get
 * Kraken's word (ok with txid, or an error string). A timeout or a lost socket throws
 * OrderOutcomeUnknownError; nothing sent throws OrderNotSentError. Fills, status changes and acks
 * that arrive after the trader stopped waiting go to the OrderTracker as they stream in.
 */
import type { PairInfo } from '../../core/pair.js';

export interface GatewayOrder {
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
   * Epoch ms after which Kraken's matching engine rejects the order instead of executing it
   * (Kraken's `deadline`, sent as RFC3339): what makes an order whose ack was lost decidable.
   */
  deadlineMs: number;
}

export type GatewayAck = { status: 'ok'; txid: string } | { status: 'error'; errorMessage: string };

export interface OrderGateway {
  /** Connected, authenticated and subscribed to the order/fill streams. */
  isReady(): boolean;
  addOrder(order: GatewayOrder): Promise<GatewayAck>;
  /** Builds the order's frame as addOrder would and sends nothing (keeps the send path hot). */
  rehearse?(order: GatewayOrder): void;
  start(): void;
  close(): void;
}

/** Kraken's `deadline` text: RFC3339 in UTC with milliseconds. */
export function deadlineText(deadlineMs: number): string {
  return new Date(deadlineMs).toISOString();
}
