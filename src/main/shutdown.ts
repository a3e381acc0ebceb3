/**
 * The clean stop, in this order: no new trade; the trade in flight finishes (bounded); the trader
 * stops (an order still in doubt is journaled `unknown` for the restart recovery) and the journal's
 * index is brought up to date; the other workers stop; the summary is written, shown and alerted;
 * metrics, operator surfaces, notifier, `--record` file, simulator and log close; exit 0.
 */
import { writeFileSync, type WriteStream } from 'node:fs';
import type { Config } from '../config/config.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import type { FileLogger } from '../log/logger.js';
import type { Notifier } from '../notify/notifier.js';
import { stopAlert } from '../notify/alerts.js';
import type { OperatorSurfaces } from '../control/operator-surfaces.js';
import { ensureDir } from '../files/ensure-dir.js';
import { readTotals, type TradeLedger, type TraderStats } from './summary/run-summary.js';
import type { StartupCounters } from './summary/startup-counters.js';
import { formatSummaryTable } from './summary/summary-table.js';
import { buildSummary, journalCashFlows } from './summary/summary-record.js';
import type { ConsoleLines } from './console-lines.js';
import type { RunMetrics } from './run-metrics.js';
import type { RunWorkers } from './run-workers.js';
import type { SimProcess } from './sim-process.js';
import type { StatusTicker } from './status-ticker.js';
import type { Upkeep } from './upkeep.js';

/** At shutdown, how long the trade in flight may take to finish (sell retries, REST reconciliation). */
const TRADE_FINISH_MAX_MS = 30_000;
const TRADE_FINISH_POLL_MS = 50;
const CLOSE_TIMEOUT_MS = 5_000;

export interface ShutdownDeps {
  readonly config: Config;
  readonly sim: SimProcess | null;
  readonly log: FileLogger;
  readonly out: ConsoleLines;
  readonly shared: SharedState;
  readonly workers: RunWorkers;
  readonly ledger: TradeLedger;
  readonly traderStats: TraderStats;
  readonly startup: StartupCounters;
  readonly metrics: RunMetrics;
  readonly operator: OperatorSurfaces;
  readonly notifier: Notifier;
  readonly recorder: WriteStream | null;
  readonly status: StatusTicker;
  readonly upkeep: Upkeep;
  readonly runStartedMs: number;
}

export interface Shutdown {
  /** Runs the stop once; a second call while it runs does nothing. Ends the process. */
  run(reason: string): Promise<void>;
  readonly stopping: boolean;
}

export function orderlyShutdown(d: ShutdownDeps): Shutdown {
  let stopping = false;
  return {
    get stopping() {
      return stopping;
    },
    run: async (reason) => {
      if (stopping) return;
      stopping = true;
      d.status.stop();
      d.upkeep.stop();
      if (d.out.isTty) process.stdout.write('\n');
      d.out.say(`stopping (${reason}): no new trades; finishing the one in flight…`);
      d.log.info('shutdown', { reason });
      await stopWorkers(d);
      reportRun(d, reason);
      await closeOutputs(d);
      process.exit(0);
    },
  };
}

async function stopWorkers(d: ShutdownDeps): Promise<void> {
  const { shared, workers } = d;
  // No new trade from here. The one in flight runs to its end first, however long its REST
  // reconciliation takes (bounded): the worker's own stop grace (5 s) would cut it short, leaving
  // an `unknown` in the journal and the trade missing from the summary.
  shared.setTradingEnabled(false);
  await waitTraderIdle(shared, d.log);
  shared.requestShutdown();
  // Trader first; then the rest.
  await workers.trader.stop();
  d.upkeep.indexJournal();
  await Promise.all(workers.all.filter((w) => w !== workers.trader).map((w) => w.stop()));
}

/** Waits (bounded) until the trader is between trades; a wedged trade must not block shutdown forever. */
async function waitTraderIdle(shared: SharedState, log: FileLogger): Promise<void> {
  const end = Date.now() + TRADE_FINISH_MAX_MS;
  while (shared.isTraderBusy() && Date.now() < end) {
    await new Promise((r) => setTimeout(r, TRADE_FINISH_POLL_MS));
  }
  if (shared.isTraderBusy()) {
    log.error('a trade is still in flight after the shutdown wait; stopping the trader anyway', {
      waitedMs: TRADE_FINISH_MAX_MS,
    });
  }
}

/** The summary: a JSON file beside the log, the table on stdout, a log line and the stop alert. */
function reportRun(d: ShutdownDeps, reason: string): void {
  const { config, log, ledger, out } = d;
  const traderCounters = d.traderStats.counters;
  const cashFlows = journalCashFlows(config, ledger, log);
  const totals = readTotals(d.shared.counters);
  const summary = buildSummary(config, totals, ledger, d.traderStats, reason, cashFlows);
  const summaryPath = log.path.replace(/\.log$/, '.summary.json');
  try {
    ensureDir(config.paths.logDir);
    writeFileSync(summaryPath, JSON.stringify(summary, null, 2) + '\n');
  } catch (err) {
    log.error('could not write the summary', { error: (err as Error).message });
  }
  out.say(
    formatSummaryTable({
      mode: config.mode,
      sim: d.sim !== null,
      stoppedBecause: reason,
      durationS: (Date.now() - d.runStartedMs) / 1000,
      totals,
      startup: d.startup.totals(),
      traderCounters,
      ledger,
      cashFlows: cashFlows?.pnl ?? null,
      ingestionUs: d.metrics.ingestion.percentiles(),
      ingestionStartupUs: d.metrics.ingestionStartup.percentiles(),
    }),
  );
  out.say(`summary written to ${summaryPath}`);
  log.info('summary', summary);
  d.notifier.notify(
    stopAlert(
      reason,
      `${ledger.outcomes.length} trades, PnL ${ledger.pnlUsd.toFixed(2)} USD / ${ledger.pnlEur.toFixed(2)} EUR`,
    ),
  );
}

async function closeOutputs(d: ShutdownDeps): Promise<void> {
  d.status.writeDropDeltas(); // the last report's window would otherwise be lost
  await d.metrics.hub.close(CLOSE_TIMEOUT_MS).catch(() => undefined);
  await d.operator.close().catch(() => undefined);
  await d.notifier.close(CLOSE_TIMEOUT_MS).catch(() => undefined);
  const recorder = d.recorder;
  if (recorder) await new Promise<void>((r) => recorder.end(r));
  await d.sim?.stop();
  await d.log.close();
}
