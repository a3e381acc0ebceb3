/**
 * Which alerts become messages, pure (time passed in). Two rules:
 * - Dedupe: the first alert of a key goes out at once; repeats of that key within `dedupeWindowMs`
 *   are held and counted, and when the window ends they become ONE message with the count and the
 *   latest text. A reconnect storm is two messages, not two hundred.
 *   Except an all-clear (`resolves`): when the last message sent under its key was a failure, the
 *   all-clear goes out at once, so an operator told of a failure is told of its end when it ends, not
 *   up to a window later as a "repeated" line. Repeats after it are held as before, so a flapping
 *   feed is still at most three messages a window: the failure, its end, one summary.
 * - Rate limit: at most `maxPerWindow` messages per `rateWindowMs` in all; alerts over the limit are
 *   counted and reported in one summary message when the limit allows again.
 */

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Also the workers' alert message (messages.ts AlertEvent), so worker alerts pass straight through. */
export interface Alert {
  /** Dedupe key, e.g. `socket-failed:listener-2`. */
  readonly key: string;
  readonly severity: AlertSeverity;
  readonly text: string;
  /** An all-clear: the failure alerted under the same key is over. */
  readonly resolves?: boolean;
}

export interface AlertPolicyOptions {
  readonly dedupeWindowMs?: number;
  readonly rateWindowMs?: number;
  readonly maxPerWindow?: number;
}

export const defaultDedupeWindowMs = 60_000;
export const defaultRateWindowMs = 60_000;
export const defaultMaxPerWindow = 20;
/** Keys remembered at once; beyond this the oldest windows are closed early (memory bound). */
export const maxTrackedKeys = 1000;

interface KeyWindow {
  readonly opensAtMs: number;
  held: number;
  latest: Alert;
  /** Whether the last message sent under this key was an all-clear. */
  lastSentResolves: boolean;
}

export class AlertPolicy {
  private readonly dedupeWindowMs: number;
  private readonly rateWindowMs: number;
  private readonly maxPerWindow: number;
  private readonly windows = new Map<string, KeyWindow>();
  private sentAtMs: number[] = [];
  private rateLimited = 0;
  private rateLimitedSeverity: AlertSeverity = 'info';
  /** Alerts folded into another message (dedupe) or a summary (rate limit), since start. */
  suppressed = 0;

  constructor(opts: AlertPolicyOptions = {}) {
    this.dedupeWindowMs = opts.dedupeWindowMs ?? defaultDedupeWindowMs;
    this.rateWindowMs = opts.rateWindowMs ?? defaultRateWindowMs;
    this.maxPerWindow = Math.max(1, opts.maxPerWindow ?? defaultMaxPerWindow);
  }

  /** Messages to send now for this alert (zero or one), plus any summaries that came due. */
  offer(alert: Alert, nowMs: number): Alert[] {
    const out = this.due(nowMs);
    const w = this.windows.get(alert.key);
    if (w !== undefined && alert.resolves === true && !w.lastSentResolves) {
      // The held repeats were of the failure now over: counted in this message, not summarised later.
      const n = w.held;
      w.held = 0;
      w.latest = alert;
      w.lastSentResolves = true;
      const text =
        n === 0 ? alert.text : `${alert.text}\n(after ${n} more alert${n === 1 ? '' : 's'} of the failure)`;
      this.emit({ ...alert, text }, nowMs, out);
      return out;
    }
    if (w !== undefined) {
      w.held++;
      w.latest = alert;
      this.suppressed++;
      return out;
    }
    if (this.windows.size >= maxTrackedKeys) this.closeOldest(out);
    this.windows.set(alert.key, {
      opensAtMs: nowMs,
      held: 0,
      latest: alert,
      lastSentResolves: alert.resolves === true,
    });
    this.emit(alert, nowMs, out);
    return out;
  }

  /** Summaries whose window has ended (call from a timer, e.g. every second). */
  due(nowMs: number): Alert[] {
    const out: Alert[] = [];
    for (const [key, w] of this.windows) {
      if (nowMs - w.opensAtMs < this.dedupeWindowMs) continue;
      this.windows.delete(key);
      if (w.held > 0) this.emit(summary(w, this.dedupeWindowMs), nowMs, out);
    }
    this.pruneRate(nowMs);
    if (this.rateLimited > 0 && this.sentAtMs.length < this.maxPerWindow) {
      const n = this.rateLimited;
      this.rateLimited = 0;
      this.sentAtMs.push(nowMs);
      out.push({
        key: 'alerts-rate-limited',
        severity: this.rateLimitedSeverity,
        text: `${n} more alert${n === 1 ? '' : 's'} held back by the rate limit (${this.maxPerWindow} per ${Math.round(this.rateWindowMs / 1000)} s); see the log`,
      });
      this.rateLimitedSeverity = 'info';
    }
    return out;
  }

  /** Everything still held, as summaries (for shutdown). */
  drain(): Alert[] {
    const out: Alert[] = [];
    for (const w of this.windows.values()) if (w.held > 0) out.push(summary(w, this.dedupeWindowMs));
    this.windows.clear();
    if (this.rateLimited > 0) {
      out.push({
        key: 'alerts-rate-limited',
        severity: this.rateLimitedSeverity,
        text: `${this.rateLimited} more alerts held back by the rate limit; see the log`,
      });
      this.rateLimited = 0;
    }
    return out;
  }

  private emit(alert: Alert, nowMs: number, out: Alert[]): void {
    this.pruneRate(nowMs);
    if (this.sentAtMs.length >= this.maxPerWindow) {
      this.rateLimited++;
      this.suppressed++;
      if (rank(alert.severity) > rank(this.rateLimitedSeverity)) this.rateLimitedSeverity = alert.severity;
      return;
    }
    this.sentAtMs.push(nowMs);
    out.push(alert);
  }

  private pruneRate(nowMs: number): void {
    let i = 0;
    while (i < this.sentAtMs.length && nowMs - (this.sentAtMs[i] as number) >= this.rateWindowMs) i++;
    if (i > 0) this.sentAtMs = this.sentAtMs.slice(i);
  }

  private closeOldest(out: Alert[]): void {
    const first = this.windows.entries().next();
    if (first.done === true) return;
    const [key, w] = first.value;
    this.windows.delete(key);
    if (w.held > 0) out.push(summary(w, this.dedupeWindowMs));
  }
}

function rank(s: AlertSeverity): number {
  return s === 'critical' ? 2 : s === 'warning' ? 1 : 0;
}

function summary(w: KeyWindow, windowMs: number): Alert {
  const n = w.held;
  return {
    key: w.latest.key,
    severity: w.latest.severity,
    text: `${w.latest.text}\n(repeated ${n} more time${n === 1 ? '' : 's'} within ${Math.round(windowMs / 1000)} s)`,
  };
}
