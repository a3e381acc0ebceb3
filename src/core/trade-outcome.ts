/**
 * How one trade ended, as the trader reports it to the main thread, the metrics (`trade`
 * measurement), the alerts and the run summary: one shape for all of them.
 */
export type TradeOutcomeStatus =
  'sold' | 'dust' | 'not-filled' | 'rejected' | 'stranded' | 'unknown' | 'failed';

/** What runTrade can end with: an outcome, or `stale` (the guard refused it; nothing was sent). */
export type TradeResultStatus = TradeOutcomeStatus | 'stale';

export interface TradeOutcome {
  readonly tradeId: string;
  readonly status: TradeOutcomeStatus;
  /** v1 wsnames, e.g. `XBT/USD` and `XBT/EUR`. */
  readonly buyPair: string;
  readonly sellPair: string;
  readonly boughtVolume: number;
  readonly soldVolume: number;
  readonly pnlUsd: number;
  readonly pnlEur: number;
  /** Bought and not sold (stranded or unknown trades), in `strandedAsset`; dust not included. */
  readonly strandedVolume: number;
  readonly strandedAsset: string;
  /** The stranded volume valued at the sell pair's bid, in USD. */
  readonly strandedValueUsd: number;
  /** Bought, below the sell pair's minimum, never to be sold (recorded, not a failure). */
  readonly dustVolume: number;
  readonly reason?: string;
  /** Opportunity received → buy handed to the socket, µs (NaN when nothing was sent). */
  readonly decisionToSendUs: number;
}
