/**
 * The trader's view of order entry, whatever the WebSocket API version: send an order, get
 * Kraken's word (ok with txid, or an error string). A timeout or a lost socket throws
 * OrderOutcomeUnknownError; nothing sent throws OrderNotSentError. Fills and status changes go to
 * the OrderTracker as they stream in.
 */
import type { PairInfo } from '../core/pair.js';

export interface GatewayOrder {
  side: 'buy' | 'sell';
  ordertype: 'limit' | 'market';
  pair: PairInfo;
  /** Formatted to the pair's lot decimals. */
  volume: string;
  /** Formatted to the pair's price decimals (limit orders). */
  price?: string;
  timeinforce?: 'IOC';
  userref: number;
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
