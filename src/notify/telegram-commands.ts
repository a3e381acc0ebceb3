/**
 * Operator commands over Telegram: /status, /pnl, /stop, /resume (and /help), read with the Bot
 * API's getUpdates long poll (https://core.telegram.org/bots/api#getupdates) and answered through
 * the notifier (its queue, retries and rate limit). Only messages from the configured chat are
 * obeyed; any other chat is ignored and logged (its id and the command word, never more).
 *
 * Commands sent while the program was not running are skipped at start (a /resume from an hour
 * ago must not act now): the first call asks for the newest update only and confirms it. Never
 * throws; failures back off (capped) and are logged once per kind.
 */
import { redact } from '../metrics/redact.js';
import type { NotifyLog } from './notifier.js';

export interface CommandHandlers {
  status(): string;
  pnl(): string;
  stop(): string;
  resume(): string;
}

export interface TelegramCommandsOptions {
  readonly token: string;
  readonly chatId: string;
  /** TELEGRAM_API_URL; default https://api.telegram.org. */
  readonly apiUrl?: string;
  readonly handlers: CommandHandlers;
  /** Sends a reply to the configured chat (the notifier). */
  readonly reply: (key: string, text: string) => void;
  readonly log: NotifyLog;
  /** Long-poll length, seconds (Telegram holds the request until an update or this). */
  readonly pollTimeoutS?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

interface TelegramMessage {
  readonly chat?: { readonly id?: unknown };
  readonly text?: unknown;
}
interface TelegramUpdate {
  readonly update_id?: unknown;
  readonly message?: TelegramMessage;
}

export const HELP_TEXT = [
  'Commands:',
  '/status — mode, trading on or stopped, rates, trades, PnL',
  '/pnl — PnL in USD, trades by outcome, stranded inventory',
  '/stop — stop trading (a trade in flight finishes; evaluation goes on)',
  '/resume — resume after /stop (refused while a risk-limit stop holds)',
].join('\n');

const defaultPollTimeoutS = 25;

/** `/stop@MyBot now` → `stop`; not a command → null. */
export function commandOf(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const m = /^\/([a-z_]+)(?:@\w+)?(?:\s|$)/i.exec(text.trim());
  return m?.[1]?.toLowerCase() ?? null;
}

export class TelegramCommands {
  private readonly url: string;
  private offset: number | null = null;
  private stopped = false;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private lastErrorLogged = '';
  /** Ends a backoff wait early (close). */
  private wake: (() => void) | null = null;
  /** Updates handled, and those from other chats ignored (for tests and the log). */
  handled = 0;
  ignored = 0;

  constructor(private readonly o: TelegramCommandsOptions) {
    this.url = `${(o.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${o.token}/getUpdates`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const timeoutS = this.o.pollTimeoutS ?? defaultPollTimeoutS;
    while (!this.stopped) {
      // First: skip the backlog (offset -1 returns the newest update only; it is confirmed below).
      const skipping = this.offset === null;
      const updates = await this.getUpdates(skipping ? -1 : (this.offset as number), skipping ? 0 : timeoutS);
      if (updates === null) {
        await this.backoff();
        continue;
      }
      this.failures = 0;
      for (const u of updates) {
        const id = typeof u.update_id === 'number' ? u.update_id : null;
        if (id !== null) this.offset = Math.max(this.offset ?? 0, id + 1);
        if (!skipping) this.handle(u);
      }
      if (skipping) {
        this.offset ??= 0;
        if (updates.length > 0) this.o.log.info('telegram: commands sent before start-up skipped');
      }
    }
  }

  private handle(u: TelegramUpdate): void {
    const message = u.message;
    if (message === undefined) return;
    const command = commandOf(message.text);
    const chat = String(message.chat?.id ?? '');
    if (chat !== this.o.chatId) {
      this.ignored++;
      this.o.log.warn('telegram: message from another chat ignored', {
        chatId: chat.slice(0, 32),
        command: command === null ? null : command.slice(0, 32),
      });
      return;
    }
    if (command === null) return;
    this.handled++;
    const h = this.o.handlers;
    let text: string;
    try {
      if (command === 'status') text = h.status();
      else if (command === 'pnl') text = h.pnl();
      else if (command === 'stop') text = h.stop();
      else if (command === 'resume') text = h.resume();
      else text = HELP_TEXT;
    } catch (err) {
      text = `/${command} failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.o.log.info('telegram command', { command });
    this.o.reply(`command:${String(u.update_id)}`, text);
  }

  /** The updates, or null on any failure (logged). */
  private async getUpdates(offset: number, timeoutS: number): Promise<TelegramUpdate[] | null> {
    const abort = new AbortController();
    this.abort = abort;
    const timer = setTimeout(() => abort.abort(), (timeoutS + 10) * 1000);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offset, timeout: timeoutS, allowed_updates: ['message'] }),
        signal: abort.signal,
      });
      const body = (await res.json().catch(() => ({}))) as {
        ok?: unknown;
        result?: unknown;
        description?: unknown;
      };
      if (res.ok && body.ok === true && Array.isArray(body.result)) return body.result as TelegramUpdate[];
      // 409: another consumer (a webhook or a second program) reads this bot's updates.
      this.fail(
        `getUpdates: HTTP ${res.status} ${typeof body.description === 'string' ? body.description : ''}`,
      );
      return null;
    } catch (err) {
      if (!this.stopped) this.fail(`getUpdates: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    } finally {
      clearTimeout(timer);
      this.abort = null;
    }
  }

  private fail(message: string): void {
    this.failures++;
    const text = redact(message.trim(), [this.o.token]);
    if (text !== this.lastErrorLogged) this.o.log.warn(`telegram commands: ${text}; retrying`);
    this.lastErrorLogged = text;
  }

  private async backoff(): Promise<void> {
    if (this.stopped) return;
    const base = this.o.retryBaseMs ?? 1000;
    const ms = Math.min(this.o.retryMaxMs ?? 60_000, base * 2 ** Math.min(this.failures - 1, 16));
    await new Promise<void>((r) => {
      const t = setTimeout(() => {
        this.wake = null;
        r();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }
}
