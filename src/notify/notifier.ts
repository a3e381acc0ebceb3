/**
 * What the rest of the system calls to raise an alert. notify() only queues: it never blocks, never
 * throws, and works the same whether Telegram is configured or not.
 */
import type { Alert } from './alert-policy.js';

export interface NotifierStats {
  /** Alerts handed to notify(). */
  readonly raised: number;
  /** Messages Telegram accepted. */
  readonly sent: number;
  /** Alerts folded into a count by dedupe or the rate limit. */
  readonly suppressed: number;
  /** Messages given up on: queue full, refused (4xx), or out of attempts. */
  readonly failed: number;
  readonly queued: number;
  /** Last failure, token redacted. */
  readonly lastError: string | null;
}

export interface Notifier {
  readonly kind: 'telegram' | 'log';
  notify(alert: Alert): void;
  /** Sends what is due and queued within timeoutMs (pending repeats become summaries), then stops. */
  close(timeoutMs?: number): Promise<NotifierStats>;
  stats(): NotifierStats;
}

/** The part of the project's Logger the notifiers use; messages carry no secrets. */
export interface NotifyLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function logAlert(log: NotifyLog, alert: Alert): void {
  const fields = { alert: alert.key };
  if (alert.severity === 'critical') log.error(`alert: ${alert.text}`, fields);
  else if (alert.severity === 'warning') log.warn(`alert: ${alert.text}`, fields);
  else log.info(`alert: ${alert.text}`, fields);
}
