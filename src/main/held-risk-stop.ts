/**
 * A risk stop the journal still holds (see risk-from-journal.ts), unless --clear-risk-stop clears
 * it (the trader journals the clear when it starts).
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { readJournal } from '../journal/journal-reader.js';
import { riskFromJournal, type HeldStop } from '../journal/risk-from-journal.js';

export function journaledRiskStop(config: Config, log: Logger): HeldStop | null {
  if (config.mode !== 'trade') return null;
  if (config.clearRiskStop || !existsSync(config.paths.journalDir)) return null;
  try {
    const records = readJournal(config.paths.journalDir, { onWarning: () => undefined });
    return riskFromJournal(records, Date.now()).stop;
  } catch (err) {
    log.warn('could not read the journal for a held risk stop', { error: (err as Error).message });
    return null;
  }
}
