/**
 * Messages between the main thread and the workers. Only slow-path traffic goes here (logs, alerts,
 * metric batches, lifecycle); the hot path (opportunities, balances, fees, flags) is shared memory.
 */
import type { LogRecord } from '../../log/logger.js';
import type { Alert } from '../../notify/alert-policy.js';
import type { TradeOutcome } from '../../core/trade-outcome.js';
import type { SendPathWarmth } from '../trade/order-entry.js';

/** A worker's alert is the alert policy's own shape (key, severity, text, all-clear flag). */
export type AlertEvent = Alert;

export type WorkerToMain =
  | { type: 'log'; record: LogRecord }
  | { type: 'alert'; alert: AlertEvent }
  | { type: 'ready'; detail?: Record<string, unknown> }
  /** A metrics batch: line-protocol-ready points, produced off the per-frame path. */
  | { type: 'metrics'; batch: unknown }
  /** A finished trade's outcome for the live status and the summary. */
  | { type: 'trade'; outcome: TradeOutcome }
  /**
   * The trader's own counters (cumulative), every second, and what its send-path warm-up has done
   * (null: evaluation mode, or an order entry without one).
   */
  | { type: 'trader-stats'; counters: Record<string, number>; sendPathWarmth: SendPathWarmth | null }
  /** A socket is back after `attempts` reconnect attempts and `downtimeMs` down (`websocket_reconnect`). */
  | { type: 'reconnect'; socket: string; attempts: number; downtimeMs: number }
  /** A REST poll failed (`fetch_failure`): the endpoint and the error's code. */
  | { type: 'fetch-failure'; endpoint: string; code: string }
  /** A listener's start-up is over: every pair online and quoted once (or the wait gave up). */
  | { type: 'feed-warm'; listener: number; pairsWaiting: number }
  /** Raw public frames for `--record`: receive time (epoch µs) and the frame text. */
  | { type: 'frames'; listener: number; recvUs: Float64Array; text: string[] };

export type MainToWorker = { type: 'shutdown' };
