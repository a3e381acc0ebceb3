/**
 * Used when TELEGRAM_BOT_TOKEN or TELEGRAM_CHAT_ID is not set (Telegram is optional; the original
 * system crashed instead: docs/design-decisions.md, defect 9): every alert goes to the log, nothing leaves the machine.
 */
import type { Alert } from './alert-policy.js';
import { logAlert, type Notifier, type NotifierStats, type NotifyLog } from './notifier.js';

export class LogOnlyNotifier implements Notifier {
  readonly kind = 'log' as const;
  private raised = 0;

  constructor(private readonly log: NotifyLog) {}

  notify(alert: Alert): void {
    this.raised++;
    try {
      logAlert(this.log, alert);
    } catch (err) {
      // a broken logger must not take the caller down; there is nowhere left to report it but stderr
      process.stderr.write(
        `alert could not be logged: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  }

  async close(): Promise<NotifierStats> {
    return this.stats();
  }

  stats(): NotifierStats {
    return { raised: this.raised, sent: 0, suppressed: 0, failed: 0, queued: 0, lastError: null };
  }
}
