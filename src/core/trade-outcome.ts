/**
 * How one trade ended, as the trader reports it to the main thread, the metrics (`trade`
 * measurement), the alerts and the run summary: one shape for all of them.
 */
export type TradeOutcomeStatus = 'sold' | 'not-filled' | 'rejected' | 'stranded' | 'unknown' | 'failed';

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
  /** Bought and not sold (stranded or unknown trades), in `strandedAsset`. */
  readonly strandedVolume: number;
  readonly strandedAsset: string;
  readonly reason?: string;
  /** Opportunity received → buy handed to the socket, µs (NaN when nothing was sent). */
  readonly decisionToSendUs: number;
}
