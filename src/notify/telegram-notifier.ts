/**
 * Alerts to Telegram with the Bot API's sendMessage (https://core.telegram.org/bots/api#sendmessage):
 * POST JSON `{chat_id, text}` to `${apiUrl}/bot${token}/sendMessage`. Plain text (no parse_mode),
 * so nothing needs escaping beyond JSON itself, which also carries any Unicode as is (the original
 * system put raw text in a URL unencoded: docs/design-decisions.md, defect 9).
 *
 * Off the hot path: notify() runs the AlertPolicy and queues; one sender works the bounded queue.
 * Answers: ok → sent; 429 → wait `parameters.retry_after` seconds and retry; 5xx or no answer →
 * retry with backoff; any other 4xx (bad chat id, bad token) → dropped and counted: retrying cannot
 * help. Never throws to the caller; the token (part of the URL) is redacted from every error.
 */
import { redact } from '../metrics/redact.js';
import { AlertPolicy, type Alert, type AlertPolicyOptions } from './alert-policy.js';
import { logAlert, type Notifier, type NotifierStats, type NotifyLog } from './notifier.js';

export interface TelegramNotifierOptions {
  readonly token: string;
  readonly chatId: string;
  /** TELEGRAM_API_URL; default https://api.telegram.org. */
  readonly apiUrl?: string;
  readonly log: NotifyLog;
  readonly policy?: AlertPolicyOptions;
  /** Shown at the start of every message, e.g. `kraken-arb (sim)`. */
  readonly label?: string;
  readonly maxQueue?: number;
  readonly maxAttempts?: number;
  readonly requestTimeoutMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Longest retry_after honoured; a longer one drops the message (counted). */
  readonly maxRetryAfterMs?: number;
  readonly nowMs?: () => number;
}

export const defaultTelegramApiUrl = 'https://api.telegram.org';
export const defaultMaxQueue = 100;
export const defaultMaxAttempts = 5;
export const defaultRequestTimeoutMs = 10_000;
export const defaultRetryBaseMs = 1000;
export const defaultRetryMaxMs = 60_000;
export const defaultMaxRetryAfterMs = 300_000;
/** Telegram's limit for one message's text. */
export const telegramMaxTextChars = 4096;
const policyTickMs = 1000;
const defaultCloseTimeoutMs = 5000;

interface Queued {
  readonly alert: Alert;
  attempts: number;
}

type SendResult = { ok: true } | { ok: false; retryAfterMs: number | null; error: string };

export class TelegramNotifier implements Notifier {
  readonly kind = 'telegram' as const;
  private readonly url: string;
  private readonly policy: AlertPolicy;
  private readonly queue: Queued[] = [];
  private readonly o: Required<Omit<TelegramNotifierOptions, 'policy' | 'label' | 'apiUrl'>> & {
    label: string;
  };
  private readonly tick: NodeJS.Timeout;
  private sending: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private raised = 0;
  private sent = 0;
  private failed = 0;
  private lastError: string | null = null;

  constructor(opts: TelegramNotifierOptions) {
    const apiUrl = (opts.apiUrl ?? defaultTelegramApiUrl).replace(/\/+$/, '');
    this.url = `${apiUrl}/bot${opts.token}/sendMessage`;
    this.policy = new AlertPolicy(opts.policy);
    this.o = {
      token: opts.token,
      chatId: opts.chatId,
      log: opts.log,
      label: opts.label ?? 'kraken-arb',
      maxQueue: opts.maxQueue ?? defaultMaxQueue,
      maxAttempts: opts.maxAttempts ?? defaultMaxAttempts,
      requestTimeoutMs: opts.requestTimeoutMs ?? defaultRequestTimeoutMs,
      retryBaseMs: opts.retryBaseMs ?? defaultRetryBaseMs,
      retryMaxMs: opts.retryMaxMs ?? defaultRetryMaxMs,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? defaultMaxRetryAfterMs,
      nowMs: opts.nowMs ?? Date.now,
    };
    this.tick = setInterval(() => this.enqueue(this.policy.due(this.o.nowMs())), policyTickMs);
    this.tick.unref();
  }

  notify(alert: Alert): void {
    this.raised++;
    try {
      logAlert(this.o.log, alert); // the log always has every alert, whatever Telegram does
    } catch (err) {
      process.stderr.write(
        `alert could not be logged: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
    try {
      if (this.closed) return;
      this.enqueue(this.policy.offer(alert, this.o.nowMs()));
    } catch (err) {
      this.fail(`alert not queued: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  stats(): NotifierStats {
    return {
      raised: this.raised,
      sent: this.sent,
      suppressed: this.policy.suppressed,
      failed: this.failed,
      queued: this.queue.length,
      lastError: this.lastError,
    };
  }

  async close(timeoutMs = defaultCloseTimeoutMs): Promise<NotifierStats> {
    if (!this.closed) {
      this.closed = true;
      clearInterval(this.tick);
      if (this.retryTimer !== null) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.enqueue(this.policy.drain(), true);
      const deadline = Date.now() + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
      const drained = (async (): Promise<void> => {
        for (let guard = 0; guard < 10_000 && this.queue.length > 0 && Date.now() < deadline; guard++) {
          if (this.sending === null) this.sending = this.sendHead();
          await this.sending;
        }
      })();
      await Promise.race([drained, expired]);
      clearTimeout(timer);
      const left = this.queue.splice(0).length;
      if (left > 0) this.fail(`${left} Telegram message(s) not sent before shutdown`, left);
    }
    return this.stats();
  }

  private enqueue(alerts: readonly Alert[], duringClose = false): void {
    for (const alert of alerts) {
      if (this.queue.length >= this.o.maxQueue) {
        // Full (Telegram away for long): make room by dropping the oldest non-critical message.
        const i = this.queue.findIndex((q) => q.alert.severity !== 'critical');
        this.queue.splice(i >= 0 ? i : 0, 1);
        this.fail('Telegram queue full: oldest message dropped');
      }
      this.queue.push({ alert, attempts: 0 });
    }
    if (!duringClose) this.kick();
  }

  private kick(): void {
    if (this.sending !== null || this.retryTimer !== null || this.closed || this.queue.length === 0) return;
    this.sending = this.sendHead();
    void this.sending.then(() => this.kick());
  }

  /** Sends the head of the queue once; on a retryable failure, leaves it there and arms the retry timer. */
  private async sendHead(): Promise<void> {
    try {
      const head = this.queue[0];
      if (head === undefined) return;
      head.attempts++;
      const r = await this.post(head.alert);
      if (this.queue[0] !== head) return; // dropped by close() meanwhile
      if (r.ok) {
        this.queue.shift();
        this.sent++;
        this.lastError = null;
        return;
      }
      this.lastError = r.error;
      const tooLong = r.retryAfterMs !== null && r.retryAfterMs > this.o.maxRetryAfterMs;
      if (r.retryAfterMs === null || tooLong || head.attempts >= this.o.maxAttempts) {
        this.queue.shift();
        this.fail(`Telegram message dropped after ${head.attempts} attempt(s): ${r.error}`);
        return;
      }
      const delay = r.retryAfterMs;
      this.warn(`Telegram send failed, retrying in ${delay} ms: ${r.error}`);
      if (!this.closed) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.kick();
        }, delay);
        this.retryTimer.unref();
      } else if (delay > 0) {
        await new Promise((res) => setTimeout(res, delay).unref()); // close(): its deadline bounds this
      }
    } catch (err) {
      // Nothing above should throw; if it does, the message is not lost (still queued) and nothing escapes.
      this.lastError = this.scrub(
        `Telegram sender error: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      this.sending = null;
    }
  }

  private async post(alert: Alert): Promise<SendResult> {
    const text = truncate(`${this.o.label} · ${alert.severity.toUpperCase()}\n${alert.text}`);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ chat_id: this.o.chatId, text, disable_web_page_preview: true }),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs),
      });
    } catch (err) {
      const cause = err instanceof Error ? (err as { cause?: { code?: string } }).cause?.code : undefined;
      const msg =
        err instanceof Error ? `${err.name}: ${err.message}${cause ? ` (${cause})` : ''}` : String(err);
      return { ok: false, retryAfterMs: this.backoff(alert), error: this.scrub(`sendMessage: ${msg}`) };
    }
    let body: { ok?: unknown; description?: unknown; parameters?: { retry_after?: unknown } } = {};
    try {
      body = (await res.json()) as typeof body;
    } catch {
      body = {}; // non-JSON answer (a proxy's error page): judged by the status alone
    }
    if (res.ok && body.ok === true) return { ok: true };
    const description = typeof body.description === 'string' ? body.description.slice(0, 300) : '';
    const error = this.scrub(`sendMessage: HTTP ${res.status} ${description}`.trim());
    if (res.status === 429) {
      const s = Number(body.parameters?.retry_after);
      return {
        ok: false,
        retryAfterMs: Number.isFinite(s) && s >= 0 ? s * 1000 : this.backoff(alert),
        error,
      };
    }
    if (res.status >= 500 || res.ok) return { ok: false, retryAfterMs: this.backoff(alert), error };
    return { ok: false, retryAfterMs: null, error }; // 4xx: bad token, chat not found, blocked: not retried
  }

  private backoff(alert: Alert): number {
    const attempts = this.queue[0]?.alert === alert ? (this.queue[0]?.attempts ?? 1) : 1;
    return Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** Math.min(attempts - 1, 16));
  }

  private scrub(text: string): string {
    return redact(text, [this.o.token]);
  }

  private warn(message: string): void {
    try {
      this.o.log.warn(message);
    } catch (err) {
      process.stderr.write(`notifier log failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  private fail(message: string, n = 1): void {
    this.failed += n;
    this.lastError = this.scrub(message);
    try {
      this.o.log.error(this.lastError);
    } catch (err) {
      process.stderr.write(`notifier log failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

/** Telegram counts UTF-16 units; cut there, but never through a surrogate pair. */
function truncate(text: string): string {
  if (text.length <= telegramMaxTextChars) return text;
  let cut = telegramMaxTextChars - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}
