/**
 * Types of one trade's state machine (see trade-state.ts for the transitions): phases, fill totals,
 * configuration, the state record, the events the trader feeds in and the transition result.
 */

export type TradePhase =
  | 'idle'
  | 'buy-sent'
  | 'buy-acked'
  | 'buy-unknown'
  | 'rejected'
  | 'not-filled'
  | 'filled'
  | 'partially-filled'
  | 'sell-sent'
  | 'sell-acked'
  | 'sell-unknown'
  | 'sell-retry'
  | 'sold'
  | 'dust'
  | 'stranded';

export const TERMINAL_PHASES: ReadonlySet<TradePhase> = new Set([
  'rejected',
  'not-filled',
  'sold',
  'dust',
  'stranded',
]);

export function isTerminal(phase: TradePhase): boolean {
  return TERMINAL_PHASES.has(phase);
}

/** Cumulative figures of one leg: base volume, quote cost (Σ volume × price), fee (quote currency). */
export interface FillTotals {
  readonly volume: number;
  readonly cost: number;
  readonly fee: number;
}

/**
 * A fee as the venue charged it: an amount of one asset (Kraken charges in the quote currency or
 * in the base asset, and names each fee's asset), so fees of different assets are never summed.
 */
export interface FeeAmount {
  readonly asset: string;
  readonly qty: number;
}

export interface TradeConfig {
  /** Lot decimals of the buy pair (fills arrive on this grid). */
  readonly buyLotDecimals: number;
  /** Lot decimals, ordermin and costmin (quote units; 0 = none) of the sell pair. */
  readonly sellLotDecimals: number;
  readonly sellOrdermin: number;
  readonly sellCostmin: number;
  /** The sell pair's bid when the trade was decided: what a sell's cost is checked against. */
  readonly sellPriceEstimate: number;
  /** Sell orders allowed in total (first attempt included). */
  readonly maxSellAttempts: number;
}

export interface TradeState {
  readonly phase: TradePhase;
  readonly config: TradeConfig;
  readonly requestedVolume: number;
  readonly limitPrice: number;
  readonly buyTxid: string | undefined;
  readonly buy: FillTotals;
  /**
   * Of the bought volume, what Kraken took as fee in the coin itself (when it charges the base
   * asset despite our fee-in-quote flag): paid, so neither sold nor unsold.
   */
  readonly buyFeeInBase: number;
  /** Total volume to sell: filled buy volume floored to the sell pair's lot decimals. */
  readonly sellTarget: number;
  /**
   * Bought and never to be sold: the sub-lot remainder of the buy, and any remainder below the sell
   * pair's ordermin/costmin. Recorded and valued, not a failure (no order could carry it).
   */
  readonly dust: number;
  readonly sellTxid: string | undefined;
  readonly sellAttempts: number;
  /** Volume of the sell order in flight (or last sent). */
  readonly sellOrderVolume: number;
  /** Totals of finished sell orders. */
  readonly sellDone: FillTotals;
  /** Totals of the sell order in flight. */
  readonly sellCurrent: FillTotals;
  /** Trade ids already counted (ownTrades can replay a fill after a resubscribe). */
  readonly seenTradeIds: readonly string[];
  /** Why the trade ended as rejected/stranded, or the last sell error. */
  readonly reason: string | undefined;
}

export type TradeEvent =
  | { readonly type: 'buy-sent'; readonly volume: number; readonly price: number }
  | { readonly type: 'ack'; readonly txid: string }
  | { readonly type: 'reject'; readonly error: string }
  | {
      readonly type: 'fill';
      readonly volume: number;
      readonly price: number;
      readonly fee: number;
      readonly tradeId?: string;
    }
  /**
   * IOC over. `totals` (vol_exec, cost, fee from openOrders/executions) wins over summed fills when
   * larger; `feeInBase`: the fee Kraken took in the coin (it cannot be sold).
   */
  | { readonly type: 'order-closed'; readonly totals?: FillTotals; readonly feeInBase?: number }
  | { readonly type: 'order-canceled'; readonly totals?: FillTotals; readonly feeInBase?: number }
  | { readonly type: 'timeout' }
  | { readonly type: 'socket-lost' }
  /** REST's answer for the leg in doubt; its totals replace ours (authoritative). */
  | {
      readonly type: 'reconciled';
      readonly leg: 'buy' | 'sell';
      readonly status: 'open' | 'closed' | 'canceled' | 'not-found';
      readonly totals: FillTotals;
      readonly txid?: string;
    }
  | { readonly type: 'sell-sent'; readonly volume: number }
  | { readonly type: 'sell-ack'; readonly txid: string }
  | { readonly type: 'sell-reject'; readonly error: string }
  | {
      readonly type: 'sell-fill';
      readonly volume: number;
      readonly price: number;
      readonly fee: number;
      readonly tradeId?: string;
    }
  | { readonly type: 'sell-closed'; readonly totals?: FillTotals }
  | { readonly type: 'sell-canceled'; readonly totals?: FillTotals }
  | { readonly type: 'give-up'; readonly reason: string };

export type TransitionErrorCode = 'E_TRADE_INVALID_TRANSITION' | 'E_TRADE_BAD_EVENT';

export type TransitionResult =
  | { readonly ok: true; readonly state: TradeState }
  | {
      readonly ok: false;
      readonly state: TradeState;
      readonly error: {
        readonly code: TransitionErrorCode;
        readonly phase: TradePhase;
        readonly event: string;
        readonly message: string;
      };
    };
