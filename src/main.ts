/**
 * Composition root: configuration, the venue, pair discovery, shared memory, the worker threads and
 * their supervision, metrics, alerts, logs, and a clean shutdown. Each step lives in src/main/; this
 * file wires them in order. Only this file and src/main/ end the process.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { describeConfig, type Config } from './config/config.js';
import type { FileLogger } from './log/logger.js';
import type { KrakenEndpoints } from './kraken/endpoints.js';
import { KrakenRestClient } from './kraken/rest.js';
import { splitUniverse, type ListenerPairs, type PairUniverse } from './core/pair-universe.js';
import { OPPORTUNITY_FIELDS } from './core/opportunity.js';
import { EVAL_CODE_COUNT } from './core/eval-codes.js';
import { RISK_STOP_CODES } from './core/risk-limits.js';
import { createSharedState, type SharedState } from './engine/shared/shared-state.js';
import { availableCpus, keepHousekeepingOff, type HousekeepingPlacement } from './engine/threads/affinity.js';
import { planCpus, type CpuPlan } from './engine/threads/cpu-plan.js';
import { startOperatorSurfaces, type OperatorSurfaces } from './control/operator-surfaces.js';
import { createNotifier } from './notify/create-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { operatorChangeAlert, startAlert } from './notify/alerts.js';
import type { HeldStop } from './journal/risk-from-journal.js';
import { savedOperatorStop, type SavedOperatorStop } from './control/operator-stop-file.js';
import { EXIT_START_FAILED } from './main/exit.js';
import { configOrExit } from './main/start-config.js';
import { consoleLines, type ConsoleLines } from './main/console-lines.js';
import { startConfiguredSim, type SimProcess } from './main/sim-process.js';
import { venueCredentials, venueEndpoints, venueName, type VenueCredentials } from './main/venue.js';
import { openRunLogger } from './main/run-logger.js';
import { discoverPairs } from './main/pair-discovery.js';
import { initPairStatus } from './main/pair-status-watch.js';
import { journaledRiskStop } from './main/held-risk-stop.js';
import { startRunMetrics, type RunMetrics } from './main/run-metrics.js';
import { bannerLines } from './main/banner.js';
import { connectionBudgetFor, restAccess, superviseWorkers } from './main/run-workers.js';
import { workerHub } from './main/worker-hub.js';
import { startUpkeep } from './main/upkeep.js';
import { startStatusTicker } from './main/status-ticker.js';
import { orderlyShutdown } from './main/shutdown.js';
import { armStopTriggers } from './main/stop-triggers.js';
import { TradeLedger, type TraderStats } from './main/summary/run-summary.js';
import { StartupCounters } from './main/summary/startup-counters.js';

/** What the run talks to: the configured venue, its pairs, the log and the alert channel. */
interface Venue {
  readonly config: Config;
  readonly out: ConsoleLines;
  readonly sim: SimProcess | null;
  /** The simulator's stderr lines, for the log should it exit. */
  readonly simLog: string[];
  readonly credentials: VenueCredentials;
  readonly log: FileLogger;
  readonly endpoints: KrakenEndpoints;
  readonly notifier: Notifier;
  readonly rest: KrakenRestClient;
  readonly universe: PairUniverse;
}

/** Everything built before a worker starts. */
interface PreparedRun extends Venue {
  readonly subsets: readonly ListenerPairs[];
  readonly shared: SharedState;
  readonly heldStop: HeldStop | null;
  readonly operatorStop: SavedOperatorStop | null;
  readonly plan: CpuPlan;
  readonly housekeeping: HousekeepingPlacement;
  readonly metrics: RunMetrics;
  readonly startup: StartupCounters;
  readonly ledger: TradeLedger;
  readonly traderStats: TraderStats;
  readonly operator: OperatorSurfaces;
}

async function main(): Promise<void> {
  // A closed stdout (e.g. piped into `head`) must never take a trading process down.
  process.stdout.on('error', () => undefined);
  const config = configOrExit(process.argv.slice(2));
  // Read before this thread's own CPU set narrows: the plan pins workers over the full set.
  const cpus = availableCpus();
  // First, so the simulator child (--sim) and every helper thread inherit the narrower set. Trade
  // mode only: in evaluation mode the trader only logs, and the listeners keep the whole set.
  const housekeeping =
    config.mode === 'trade'
      ? keepHousekeepingOff(planCpus({ listeners: config.listeners }, cpus).trader, cpus)
      : { moved: false, summary: 'helpers not moved (evaluation mode)' };
  const venue = await openVenue(config);
  const run = await prepareRun(venue, cpus, housekeeping);
  announce(run);
  launch(run);
}

async function openVenue(config: Config): Promise<Venue> {
  const out = consoleLines();
  // Simulator first: its credentials are secrets like any other.
  const simLog: string[] = [];
  const sim = await startConfiguredSim(config.sim, (line) => simLog.push(line));
  const credentials = venueCredentials(config, sim);
  const log = openRunLogger(config, credentials, out.isTty);
  const endpoints = venueEndpoints(config, sim);
  const notifier = createNotifier(
    {
      telegramBotToken: config.telegram.token ?? undefined,
      telegramChatId: config.telegram.chatId ?? undefined,
      telegramApiUrl: config.telegram.apiUrl,
      label: sim ? 'kraken-arb (sim)' : 'kraken-arb',
    },
    log,
  );
  const rest = new KrakenRestClient({ baseUrl: endpoints.rest, timeoutMs: 15_000 });
  const universe = await discoverPairs(rest, endpoints.rest, log, sim);
  return { config, out, sim, simLog, credentials, log, endpoints, notifier, rest, universe };
}

async function prepareRun(
  v: Venue,
  cpus: readonly number[],
  housekeeping: HousekeepingPlacement,
): Promise<PreparedRun> {
  const { config, universe, log } = v;
  const subsets = splitUniverse(universe, config.listeners).filter((s) => s.coinCount > 0);
  const shared = createSharedState({
    listeners: subsets.length,
    opportunityFields: OPPORTUNITY_FIELDS,
    evalCodes: EVAL_CODE_COUNT,
    pairs: universe.pairs.length,
  });
  initPairStatus(universe.pairs, shared);
  const heldStop = journaledRiskStop(config, log);
  const operatorStop = savedOperatorStop(config);
  const plan = planCpus({ listeners: subsets.length }, cpus);
  const startup = new StartupCounters(shared.counters);
  const metrics = startRunMetrics(config, v.sim !== null, universe, shared, log, (i) => startup.isWarm(i));
  const ledger = new TradeLedger();
  const traderStats: TraderStats = { counters: {}, sendPathWarmth: null };
  const operator = await startOperatorSurfaces({
    config,
    venue: venueName(config, v.sim),
    shared,
    ledger,
    live: metrics.live,
    startup,
    ingestionRun: metrics.ingestion,
    traderCounters: () => traderStats.counters,
    pairsPerListener: subsets.map((p) => p.pairs.length),
    notifier: v.notifier,
    log,
  });
  return {
    ...v,
    subsets,
    shared,
    heldStop,
    operatorStop,
    plan,
    housekeeping,
    metrics,
    startup,
    ledger,
    traderStats,
    operator,
  };
}

function announce(run: PreparedRun): void {
  const { config, log, endpoints, universe, subsets, plan } = run;
  const corePlan = `${plan.summary}; ${run.housekeeping.summary}`;
  const lines = bannerLines({
    config,
    simulated: run.sim !== null,
    endpoints,
    universe,
    subsets,
    corePlan,
    logPath: log.path,
    heldStop: run.heldStop,
    operatorStop: run.operatorStop,
    operatorLines: run.operator.bannerLines,
  });
  for (const line of lines) run.out.say(line);
  log.info('start', {
    config: describeConfig(config),
    endpoints,
    coins: universe.coins.length,
    listeners: subsets.length,
    corePlan,
  });
}

/** Starts the workers and everything beside them, and arms the clean stop. */
function launch(run: PreparedRun): void {
  const { config, shared, log, notifier, sim } = run;
  const recorder = openRecordFile(config, log);
  const handlers = workerHub({
    ...run,
    metrics: run.metrics.hub,
    live: run.metrics.live,
    recorder,
    say: run.out.say,
  });
  const workers = superviseWorkers(
    {
      ...run,
      rest: restAccess(run.endpoints.rest, run.credentials, config),
      connectionBudget: connectionBudgetFor(config),
    },
    handlers,
  );
  for (const w of workers.all) w.start();
  const runStartedMs = Date.now();
  // Opportunities reach the trader in both modes: in evaluation mode it only logs them (no private
  // socket, no order entry), as the original system did; a risk stop clears the flag in trade mode — also one the
  // journal still holds from before this start, and the operator's saved stop.
  if (run.heldStop !== null) shared.riskStop(RISK_STOP_CODES[run.heldStop.reason]);
  if (run.operatorStop !== null) run.operator.control.restoreSavedStop();
  // The dashboard is already listening: a stop it took before this point holds too.
  if (run.heldStop === null && run.operatorStop === null && !shared.isOperatorStopped())
    shared.setTradingEnabled(true);
  if (run.operatorStop !== null) {
    const stop = run.operatorStop;
    const when =
      stop.unreadable !== undefined
        ? `its saved stop is damaged (${stop.unreadable}), read as stopped`
        : `since ${new Date(stop.sinceMs).toISOString()} (${stop.source})`;
    const text = `trading stays stopped: the operator stopped it before this start, ${when}; resume to trade`;
    log.warn(text, { operatorStop: run.operatorStop });
    notifier.notify(operatorChangeAlert('held', text));
  }
  const upkeep = startUpkeep({ config, rest: run.rest, pairs: run.universe.pairs, shared, log, notifier });
  notifier.notify(
    startAlert(config.mode, sim ? 'against the simulator' : config.colocated ? 'colocated' : ''),
  );
  const status = startStatusTicker({
    ...run,
    mode: config.mode,
    listeners: run.subsets.length,
    metrics: run.metrics.hub,
    live: run.metrics.live,
    isTty: run.out.isTty,
  });
  const shutdown = orderlyShutdown({ ...run, workers, recorder, status, upkeep, runStartedMs });
  armStopTriggers({
    shutdown,
    log,
    listeners: workers.listeners,
    durationS: config.durationS,
    simChild: sim?.child ?? null,
    simLog: run.simLog,
  });
}

function openRecordFile(config: Config, log: FileLogger): WriteStream | null {
  if (config.recordFile === null) return null;
  const recorder = createWriteStream(config.recordFile, { flags: 'a' });
  recorder.on('error', (err) => log.error('record file error', { error: err.message }));
  return recorder;
}

main().catch((err: unknown) => {
  process.stderr.write(`kraken-arb failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT_START_FAILED);
});
