/**
 * Writes line protocol to InfluxDB 1.x over HTTP POST /write: one writer on the main thread, batches
 * of 2,500 lines or the flush interval, bounded buffer, capped backoff, every drop counted. What it
 * does on each answer (https://docs.influxdata.com/influxdb/v1/tools/api/#write-http-endpoint):
 * - 204: written.
 * - 400: bad lines; InfluxDB 1.x writes the good ones and says `dropped=N` (partial write): N counted, no retry.
 * - 401/403/413: retrying the same batch cannot help: the batch is counted as rejected. 401/403
 *   will refuse the next batch too: sending pauses with a growing backoff (batching-sink.ts).
 * - 404 (database not found), 429, 5xx, timeouts, refused connections: retried with backoff; the
 *   database may be created by the setup script meanwhile, or the server may come back.
 */
import { BatchingSink, type BatchingOptions, type SendResult } from './batching-sink.js';
import { buildWriteUrl, defaultPrecision, describeTarget, type InfluxConfig } from './influx-config.js';
import { redact } from './redact.js';

export interface InfluxWriterOptions extends BatchingOptions {
  /** Per-request deadline. */
  readonly requestTimeoutMs?: number;
}

export const defaultRequestTimeoutMs = 10_000;
const maxErrorBodyChars = 300;

export class InfluxWriter extends BatchingSink {
  readonly kind = 'influx' as const;
  private readonly url: string;
  private readonly requestTimeoutMs: number;
  readonly target: string;

  constructor(
    private readonly config: InfluxConfig,
    opts: InfluxWriterOptions = {},
  ) {
    super(config.precision ?? defaultPrecision, opts);
    this.url = buildWriteUrl(config);
    this.target = describeTarget(config);
    this.requestTimeoutMs = opts.requestTimeoutMs ?? defaultRequestTimeoutMs;
  }

  protected scrub(text: string): string {
    return redact(text, [this.config.password]);
  }

  protected async send(lines: readonly string[]): Promise<SendResult> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: lines.join('\n'),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (err) {
      return { ok: false, retry: true, rejected: 0, error: `${this.target}: ${networkError(err)}` };
    }
    if (res.status === 204 || res.status === 200) {
      await res.arrayBuffer().catch(() => undefined); // body is empty; reading it frees the socket
      return { ok: true };
    }
    let body = '';
    try {
      body = (await res.text()).slice(0, maxErrorBodyChars).trim();
    } catch (err) {
      body = `(unreadable body: ${networkError(err)})`;
    }
    const error = `${this.target}: HTTP ${res.status} ${body}`;
    if (res.status === 400) {
      // "partial write: ... dropped=N" counts points beyond retention; unparsable lines are listed
      // one "unable to parse" each and are not in N.
      const m = /dropped=(\d+)/.exec(body);
      const unparsable = body.split('unable to parse').length - 1;
      const rejected = m?.[1] !== undefined ? Math.max(1, Number(m[1]) + unparsable) : lines.length;
      return { ok: false, retry: false, rejected, error };
    }
    if (res.status === 401 || res.status === 403)
      return { ok: false, retry: false, rejected: lines.length, error, backOff: true };
    if (res.status === 413) return { ok: false, retry: false, rejected: lines.length, error };
    return { ok: false, retry: true, rejected: 0, error };
  }
}

function networkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : undefined;
  return code !== undefined ? `${err.name}: ${err.message} (${code})` : `${err.name}: ${err.message}`;
}
