/**
 * Telegram when both TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID are set, the log otherwise (the original
 * system crashed on missing settings although its README called them optional:
 * docs/design-decisions.md, defect 9).
 */
import type { AlertPolicyOptions } from './alert-policy.js';
import { LogOnlyNotifier } from './log-only-notifier.js';
import type { Notifier, NotifyLog } from './notifier.js';
import { TelegramNotifier } from './telegram-notifier.js';

export interface NotifierConfig {
  readonly telegramBotToken?: string;
  readonly telegramChatId?: string;
  /** TELEGRAM_API_URL override (tests, a proxy). */
  readonly telegramApiUrl?: string;
  readonly label?: string;
  readonly policy?: AlertPolicyOptions;
}

export function createNotifier(config: NotifierConfig, log: NotifyLog): Notifier {
  const token = config.telegramBotToken?.trim();
  const chatId = config.telegramChatId?.trim();
  if (!token || !chatId) {
    log.info('Telegram not configured (TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID): alerts go to the log only');
    return new LogOnlyNotifier(log);
  }
  return new TelegramNotifier({
    token,
    chatId,
    log,
    apiUrl: config.telegramApiUrl?.trim() || undefined,
    label: config.label,
    policy: config.policy,
  });
}
