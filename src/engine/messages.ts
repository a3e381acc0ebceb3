/**
 * Messages between the main thread and the workers. Only slow-path traffic goes here (logs, alerts,
 * metric batches, lifecycle); the hot path (opportunities, balances, fees, flags) is shared memory.
 */
import type { LogRecord } from '../log/logger.js';
import type { TradeOutcome } from '../core/trade-outcome.js';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertEvent {
  /** Dedupe key: the same key within the policy's window is coalesced into one message with a count. */
  key: string;
  severity: AlertSeverity;
  text: string;
}

export type WorkerToMain =
  | { type: 'log'; record: LogRecord }
  | { type: 'alert'; alert: AlertEvent }
  | { type: 'ready'; detail?: Record<string, unknown> }
  /** A metrics batch: line-protocol-ready points, produced off the per-frame path. */
  | { type: 'metrics'; batch: unknown }
  /** A finished trade's outcome for the live status and the summary. */
  | { type: 'trade'; outcome: TradeOutcomeMessage }
  /** The trader's own counters (cumulative), every second. */
  | { type: 'trader-stats'; counters: Record<string, number> }
  /** Raw public frames for `--record`: receive time (epoch µs) and the frame text. */
  | { type: 'frames'; listener: number; recvUs: Float64Array; text: string[] };

export type MainToWorker = { type: 'shutdown' };

/** See src/core/trade-outcome.ts. */
export type TradeOutcomeMessage = TradeOutcome;
