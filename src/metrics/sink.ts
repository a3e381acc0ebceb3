/**
 * The one interface the main thread writes metrics through: InfluxWriter (HTTP /write) or FileSink
 * (line-protocol files for `influx -import`). Both batch, bound their memory, never throw from
 * write(), and count every line they could not deliver, by reason.
 */
import type { Precision } from './line-protocol.js';

export type SinkDropReason =
  /** The bounded buffer was full (the sink's target was slow or away): the oldest lines went. */
  | 'buffer_full'
  /** The target refused the lines for good (bad line, auth, too large); retrying would not help. */
  | 'rejected'
  /** Still buffered when close() ran out of time. */
  | 'shutdown';

export const sinkDropReasons: readonly SinkDropReason[] = ['buffer_full', 'rejected', 'shutdown'];

export interface MetricsSinkStats {
  /** Lines handed to write(). */
  readonly accepted: number;
  /** Lines the target confirmed (HTTP 204, or bytes written to a file). */
  readonly written: number;
  readonly dropped: Readonly<Record<SinkDropReason, number>>;
  /** Failed attempts that were retried. */
  readonly retries: number;
  /** Lines waiting (buffered plus in flight). */
  readonly pending: number;
  /** Last failure, secrets redacted; null once a write succeeds again. */
  readonly lastError: string | null;
}

export interface MetricsSink {
  readonly kind: 'influx' | 'file';
  /** Precision the lines' timestamps must be in. */
  readonly precision: Precision;
  /** Queues one encoded line (no newline). Never blocks, never throws. */
  write(line: string): void;
  /** Delivers everything queued so far, as far as the target allows; resolves either way. */
  flush(): Promise<void>;
  /** Stops the timers, delivers what it can within timeoutMs, counts the rest as 'shutdown'. */
  close(timeoutMs?: number): Promise<MetricsSinkStats>;
  stats(): MetricsSinkStats;
}

export type SinkLogLevel = 'info' | 'warn' | 'error';
/** Messages are already free of secrets. */
export type SinkLog = (level: SinkLogLevel, message: string) => void;
