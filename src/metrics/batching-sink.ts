/**
 * The delivery loop both sinks share: a bounded buffer, batches of `batchSize` lines or whatever is
 * there when the flush interval fires (whichever comes first), one batch in flight at a time, retry
 * with capped exponential backoff, and a count of every line that could not be delivered.
 *
 * Failures that repeat are logged once and then summarised each minute ("InfluxDB refused 40
 * batches in the last minute: HTTP 401 …"), and a refusal that will repeat (a wrong password)
 * pauses sending with a growing backoff instead of being retried with every batch.
 */
import { LineBuffer } from './line-buffer.js';
import { RepeatFilter } from '../log/repeat-filter.js';
import type { Precision } from './line-protocol.js';
import type { MetricsSink, MetricsSinkStats, SinkDropReason, SinkLog } from './sink.js';

export interface BatchingOptions {
  /** Lines per request; the original system batched 2,500 and InfluxDB recommends 5,000 or fewer. */
  readonly batchSize?: number;
  readonly flushIntervalMs?: number;
  /** Most lines held while the target is slow or away (memory bound: about 250 B per line). */
  readonly maxBufferedLines?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Longest pause after refusals that will repeat (SendResult.backOff). */
  readonly refusalPauseMaxMs?: number;
  readonly log?: SinkLog;
  /** Injected for tests; default Date.now. */
  readonly nowMs?: () => number;
}

export const defaultBatchSize = 2500;
export const defaultFlushIntervalMs = 1000;
export const defaultMaxBufferedLines = 200_000;
export const defaultRetryBaseMs = 250;
export const defaultRetryMaxMs = 30_000;
export const defaultCloseTimeoutMs = 5000;
export const refusalPauseBaseMs = 1000;
export const defaultRefusalPauseMaxMs = 300_000;

export type SendResult =
  | { readonly ok: true }
  /**
   * retry: the same batch is sent again after a backoff; else `rejected` lines are dropped for good.
   * backOff: the refusal will repeat (authentication): pause before the next batch.
   */
  | {
      readonly ok: false;
      readonly retry: boolean;
      readonly rejected: number;
      readonly error: string;
      readonly backOff?: boolean;
    };

export abstract class BatchingSink implements MetricsSink {
  abstract readonly kind: 'influx' | 'file';
  private readonly buffer: LineBuffer;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly refusalPauseMaxMs: number;
  private readonly now: () => number;
  /** Failures by text within the current minute: the first is logged, the rest summarised. */
  private readonly tally: RepeatFilter;
  /** Refusals in a row that asked for a pause, and when sending may start again. */
  private refusalStreak = 0;
  private pausedUntil = 0;
  protected readonly log: SinkLog;
  private inFlight: string[] | null = null;
  private pumping: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private kickScheduled = false;
  private failures = 0; // consecutive
  private retryAt = 0;
  private closed = false;
  /** Set when close() has counted what is left: a late answer must not count it again. */
  private finished = false;
  private accepted = 0;
  private written = 0;
  private retries = 0;
  private rejected = 0;
  private shutdownDropped = 0;
  private lastError: string | null = null;

  constructor(
    readonly precision: Precision,
    opts: BatchingOptions,
  ) {
    this.batchSize = opts.batchSize ?? defaultBatchSize;
    this.flushIntervalMs = opts.flushIntervalMs ?? defaultFlushIntervalMs;
    this.retryBaseMs = opts.retryBaseMs ?? defaultRetryBaseMs;
    this.retryMaxMs = opts.retryMaxMs ?? defaultRetryMaxMs;
    this.refusalPauseMaxMs = opts.refusalPauseMaxMs ?? defaultRefusalPauseMaxMs;
    this.now = opts.nowMs ?? Date.now;
    this.tally = new RepeatFilter(60_000, 100, this.now);
    this.buffer = new LineBuffer(opts.maxBufferedLines ?? defaultMaxBufferedLines);
    const log = opts.log ?? (() => undefined);
    // A throwing logger must not break delivery (or escape as an unhandled rejection from the pump).
    this.log = (level, message) => {
      try {
        log(level, message);
      } catch (err) {
        process.stderr.write(`metrics log failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    };
    this.timer = setInterval(() => this.kick(), this.flushIntervalMs);
    this.timer.unref(); // the owner closes the sink; an idle sink must not keep the process alive
  }

  /** Sends one batch; must not throw (a throw is treated as a retryable failure anyway). */
  protected abstract send(lines: readonly string[]): Promise<SendResult>;

  /** Secrets to strip from any error text before it is logged or stored. */
  protected abstract scrub(text: string): string;

  write(line: string): void {
    if (this.closed) {
      this.shutdownDropped++;
      return;
    }
    this.accepted++;
    this.buffer.push(line);
    if (this.buffer.size >= this.batchSize && !this.kickScheduled) {
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        this.kick();
      });
    }
  }

  stats(): MetricsSinkStats {
    const dropped: Record<SinkDropReason, number> = {
      buffer_full: this.buffer.overwritten,
      rejected: this.rejected,
      shutdown: this.shutdownDropped,
    };
    return {
      accepted: this.accepted,
      written: this.written,
      dropped,
      retries: this.retries,
      pending: this.buffer.size + (this.inFlight?.length ?? 0),
      lastError: this.lastError,
    };
  }

  async flush(): Promise<void> {
    await this.drain(Number.POSITIVE_INFINITY, false);
  }

  async close(timeoutMs = defaultCloseTimeoutMs): Promise<MetricsSinkStats> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (!this.closed) {
      this.closed = true;
      // A request hanging past the deadline must not hold shutdown: race it against a timer.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
      await Promise.race([this.drain(Date.now() + timeoutMs, true), deadline]);
      clearTimeout(timer);
      this.finished = true;
      const left = this.buffer.take(this.buffer.size).length + (this.inFlight?.length ?? 0);
      this.inFlight = null;
      this.shutdownDropped += left;
      if (left > 0) this.log('warn', `${this.kind} metrics sink closed with ${left} lines undelivered`);
      this.reportRepeats(true);
      await this.onClose();
    }
    return this.stats();
  }

  protected async onClose(): Promise<void> {
    // nothing by default; FileSink closes its file
  }

  /** Pumps until empty, a failure (unless `ignoreBackoff` keeps retrying), or the deadline. */
  private async drain(deadline: number, ignoreBackoff: boolean): Promise<void> {
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (this.pumping !== null) {
        await this.pumping;
        continue;
      }
      if (this.inFlight === null && this.buffer.size === 0) return;
      if (Date.now() >= deadline) return;
      // A refusal that will repeat is not retried, not even at close: the rest counts as undelivered.
      if (this.paused()) return;
      const failuresBefore = this.failures;
      if (!ignoreBackoff && this.failures > 0 && Date.now() < this.retryAt) return;
      this.pumping = this.pumpOnce();
      await this.pumping;
      if (this.failures > failuresBefore) {
        if (!ignoreBackoff) return;
        // close(): keep trying until the deadline, but not in a tight loop
        const wait = Math.min(this.retryAt - Date.now(), deadline - Date.now());
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private kick(): void {
    if (this.pumping !== null || this.closed) return;
    this.reportRepeats();
    if (this.paused()) return;
    if (this.failures > 0 && Date.now() < this.retryAt) return;
    if (this.inFlight === null && this.buffer.size === 0) return;
    this.pumping = this.pumpOnce();
    void this.pumping.then(() => {
      // catch up: keep going while there is a backlog and the last attempt succeeded
      if (this.failures === 0 && this.buffer.size >= this.batchSize) setImmediate(() => this.kick());
    });
  }

  private label(): string {
    return this.kind === 'influx' ? 'InfluxDB' : 'the metrics file';
  }

  private paused(): boolean {
    return this.refusalStreak > 0 && this.now() < this.pausedUntil;
  }

  /** After a refusal that will repeat: no batch for 1 s, 2 s, 4 s … up to refusalPauseMaxMs. */
  private pause(): string {
    this.refusalStreak++;
    const ms = Math.min(
      this.refusalPauseMaxMs,
      refusalPauseBaseMs * 2 ** Math.min(this.refusalStreak - 1, 20),
    );
    this.pausedUntil = this.now() + ms;
    if (!this.closed) setTimeout(() => this.kick(), ms).unref();
    return `; no batch for the next ${Math.round(ms / 1000)} s`;
  }

  /** The first failure of its kind this minute is logged; the rest are counted for the summary. */
  private noteFailure(what: 'refused' | 'failed', error: string, firstMessage: string): void {
    this.reportRepeats();
    if (this.tally.admit(`${what}\u0000${error}`))
      this.log(what === 'refused' ? 'error' : 'warn', `${firstMessage} (repeats are summarised each minute)`);
  }

  /** When the minute is over: one line per kind of failure that repeated, with its count. */
  private reportRepeats(atClose = false): void {
    if (!atClose && !this.tally.windowEnded()) return;
    for (const { key, count } of this.tally.drain()) {
      const [what, error] = key.split('\u0000');
      const n = count + 1; // the first was logged on its own
      if (what === 'refused')
        this.log('error', `${this.label()} refused ${n} batches in the last minute: ${error}`);
      else
        this.log('warn', `${this.label()} writes failed ${n} times in the last minute, retrying: ${error}`);
    }
  }

  private async pumpOnce(): Promise<void> {
    try {
      if (this.inFlight === null) this.inFlight = this.buffer.take(this.batchSize);
      const batch = this.inFlight;
      const result = await this.sendCaught(batch);
      if (this.finished) return;
      if (result.ok) this.onWritten(batch.length);
      else if (!result.retry) this.onRefused(batch.length, result);
      else this.onFailed(result.error);
    } catch (err) {
      // Nothing above should throw; if it does, the lines stay queued and the error is kept, not raised.
      this.lastError = this.scrub(`metrics sink error: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.pumping = null;
    }
  }

  /** The writer's answer; a thrown error is a failure to retry. */
  private async sendCaught(batch: string[]): Promise<SendResult> {
    try {
      return await this.send(batch);
    } catch (err) {
      return { ok: false, retry: true, rejected: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private onWritten(lines: number): void {
    this.written += lines;
    this.inFlight = null;
    if (this.failures > 0 || this.refusalStreak > 0)
      this.log(
        'info',
        `${this.label()} metrics writes recovered after ${this.failures + this.refusalStreak} failed attempts`,
      );
    this.failures = 0;
    this.refusalStreak = 0;
    this.pausedUntil = 0;
    this.lastError = null;
  }

  /** Refused for good (bad lines, or 401/403): the batch is dropped, not retried. */
  private onRefused(lines: number, result: SendResult & { ok: false }): void {
    const error = this.scrub(result.error);
    this.lastError = error;
    const rejected = Math.min(lines, Math.max(0, result.rejected));
    this.rejected += rejected;
    this.written += lines - rejected;
    this.inFlight = null;
    const pause = result.backOff === true ? this.pause() : '';
    this.noteFailure(
      'refused',
      error,
      `${this.label()} refused a metrics batch of ${lines} lines, ${rejected} dropped: ${error}${pause}`,
    );
  }

  /** A failure worth retrying: the batch stays in flight and is sent again after a jittered backoff. */
  private onFailed(rawError: string): void {
    const error = this.scrub(rawError);
    this.lastError = error;
    this.noteFailure(
      'failed',
      error,
      `${this.label()} metrics write failing, buffering and retrying: ${error}`,
    );
    this.failures++;
    this.retries++;
    const backoff = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(this.failures - 1, 20));
    // jitter (half to full backoff) so several writers do not retry in lockstep
    this.retryAt = Date.now() + backoff * (0.5 + Math.random() * 0.5);
    if (!this.closed) setTimeout(() => this.kick(), this.retryAt - Date.now()).unref();
  }
}
