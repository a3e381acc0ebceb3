/**
 * What the main thread keeps doing beside the workers, off the trading path: the pairs' online
 * status, the balances' age, the journal's daily index (INDEX.json: now, hourly, at shutdown) and
 * the free disk space of every directory written to (low on the journal's, in trade mode, stops
 * trading).
 */
import type { Config } from '../config/config.js';
import type { PairInfo } from '../core/pair.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import type { KrakenRestClient } from '../kraken/rest.js';
import type { Logger } from '../log/logger.js';
import type { Notifier } from '../notify/notifier.js';
import { JOURNAL_INDEX_INTERVAL_MS, updateJournalIndex } from '../journal/journal-index.js';
import { requiredDirs } from '../files/required-dirs.js';
import { startDiskWatch } from './disk-guard.js';
import { watchPairStatus } from './pair-status-watch.js';
import { watchBalanceAge } from './balance-age-watch.js';
import { epochMicros } from '../clock/clock.js';

export interface UpkeepDeps {
  readonly config: Config;
  readonly rest: KrakenRestClient;
  readonly pairs: readonly PairInfo[];
  readonly shared: SharedState;
  readonly log: Logger;
  readonly notifier: Notifier;
}

export interface Upkeep {
  /** Brings the journal's index up to date (trade mode only); a failure is a warning. */
  indexJournal(): void;
  stop(): void;
}

export function startUpkeep(d: UpkeepDeps): Upkeep {
  const { config, shared, log } = d;
  const stopPairWatch = watchPairStatus(
    { rest: d.rest, pairs: d.pairs, shared, log, alert: (a) => d.notifier.notify(a) },
    config.strategy.pairStatusRefreshMs,
  );
  // Judged on the listeners' clock, so the alert's "refused from 30 s" is theirs.
  const stopBalanceWatch = watchBalanceAge({
    shared,
    nowUs: epochMicros,
    log,
    alert: (a) => d.notifier.notify(a),
  });
  const indexJournal = (): void => {
    if (config.mode !== 'trade') return;
    try {
      updateJournalIndex(config.paths.journalDir);
    } catch (err) {
      log.warn('journal index not updated', { error: (err as Error).message });
    }
  };
  indexJournal();
  const indexTimer = setInterval(indexJournal, JOURNAL_INDEX_INTERVAL_MS);
  indexTimer.unref();
  const diskWatch = startDiskWatch({
    dirs: requiredDirs(config)
      .filter((dir) => dir.setting !== '--record')
      .map((dir) => ({ ...dir, stopsTrading: dir.setting === 'JOURNAL_DIR' })),
    warnFreeBytes: config.bounds.diskWarnFreeBytes,
    stopFreeBytes: config.bounds.diskStopFreeBytes,
    riskStop: (code) => shared.riskStop(code),
    log,
    alert: (a) => d.notifier.notify(a),
  });
  return {
    indexJournal,
    stop: () => {
      diskWatch.stop();
      clearInterval(indexTimer);
      stopPairWatch();
      stopBalanceWatch();
    },
  };
}
