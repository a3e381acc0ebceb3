/**
 * Composition root: configuration, pair discovery, shared memory, the worker threads and their
 * supervision, metrics, alerts, logs, and a clean shutdown. The only process.exit of the program.
 */
import { createWriteStream, existsSync, writeFileSync, type WriteStream } from 'node:fs';
import { loadConfig, describeConfig, type Config } from './config/config.js';
import { readEnvFile } from './config/env-file.js';
import { FLAG_HELP } from './config/flags.js';
import { renderEffectiveConfig } from './config/check-config.js';
import { FileLogger, makeRedactor, type LogLevel, type Logger } from './log/logger.js';
import { resolveEndpoints } from './kraken/endpoints.js';
import { KrakenRestClient } from './kraken/rest.js';
import { createNonceBuffer } from './kraken/nonce.js';
import { createRateLimiterBuffer, KRAKEN_REST_TIERS } from './kraken/rate-limiter.js';
import { createConnectionBudgetBuffer } from './kraken/ws/shared/connection-budget.js';
import { BALANCE_INTERVAL_MS } from './engine/fetcher.js';
import { selectUniverse, splitUniverse, type PairUniverse } from './core/pair-universe.js';
import { OPPORTUNITY_FIELDS } from './core/opportunity.js';
import { EVAL_CODE_COUNT } from './core/eval-codes.js';
import { createSharedState, type SharedState } from './engine/shared/shared-state.js';
import { availableCpus } from './engine/threads/affinity.js';
import { planCpus } from './engine/threads/cpu-plan.js';
import { SupervisedWorker } from './engine/threads/supervisor.js';
import type { WorkerToMain } from './engine/threads/messages.js';
import { startSimProcess, type SimProcess } from './main/sim-process.js';
import { readTotals, statusLine, TradeLedger } from './main/summary/run-summary.js';
import { StartupCounters } from './main/summary/startup-counters.js';
import { formatSummaryTable } from './main/summary/summary-table.js';
import { LatencyHistogram } from './metrics/latency-histogram.js';
import { LiveStatus } from './control/live-status.js';
import { startOperatorSurfaces } from './control/operator-surfaces.js';
import type { ListenerWorkerData } from './engine/threads/listener-worker.js';
import type { TraderWorkerData } from './engine/threads/trader-worker.js';
import type { FetcherWorkerData } from './engine/threads/fetcher-worker.js';
import type { RestAccess } from './engine/threads/worker-context.js';
import { createMetricsSink } from './metrics/create-sink.js';
import { MetricsHub } from './metrics/metrics-hub.js';
import { CounterDeltas } from './metrics/counter-deltas.js';
import { dropColumns } from './main/summary/drop-columns.js';
import { createNotifier } from './notify/create-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { startAlert, stopAlert, tradeAlert, workerRestartAlert } from './notify/alerts.js';
import { readJournal } from './journal/journal-reader.js';
import { summarize } from './journal/summarize.js';
import { ensureDir } from './files/ensure-dir.js';
import { setLongTimeout } from './main/long-timer.js';
import { startDiskWatch } from './main/disk-guard.js';
import { JOURNAL_INDEX_INTERVAL_MS, updateJournalIndex } from './journal/journal-index.js';
import { checkRequiredDirs, requiredDirs } from './files/required-dirs.js';
import { riskFromJournal, type HeldStop } from './journal/risk-from-journal.js';
import { RISK_STOP_CODES } from './core/risk-limits.js';
import { initPairStatus, watchPairStatus } from './main/pair-status-watch.js';

const EXIT_CONFIG = 2;
const EXIT_START_FAILED = 1;
const STATUS_INTERVAL_MS = 1000;
/** Evaluation mode without credentials sizes against these notional balances. */
const NOTIONAL_BALANCE = 10_000;
/**
 * Share of the REST counter's decay the balance poll may use. Polling every 2 s alone outruns the
 * starter tier's 0.33/s decay, and the limiter then starves every other private call (the trader's
 * REST reconciliation, WebSocket tokens for a private reconnect) for as long as the program runs.
 */
const BALANCE_POLL_BUDGET_SHARE = 0.5;
/** At shutdown, how long the trade in flight may take to finish (sell retries, REST reconciliation). */
const TRADE_FINISH_MAX_MS = 30_000;
const TRADE_FINISH_POLL_MS = 50;
/** Excluded coins logged one per line at start; the rest as a count. */
const MAX_EXCLUDED_LOGGED = 50;

function fail(message: string, code: number): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}

async function main(): Promise<void> {
  // A closed stdout (e.g. piped into `head`) must never take a trading process down.
  process.stdout.on('error', () => undefined);
  const envFile = readEnvFile('.env');
  const loaded = loadConfig(process.argv.slice(2), process.env, envFile.values, envFile);
  if (loaded.flags.help) {
    process.stdout.write(FLAG_HELP + '\n');
    process.exit(0);
  }
  const problems = [...envFile.problems, ...(loaded.ok ? [] : loaded.problems)];
  if (!loaded.ok || problems.length > 0) {
    fail(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`, EXIT_CONFIG);
  }
  const config = loaded.config;
  if (loaded.flags.checkConfig) {
    process.stdout.write(renderEffectiveConfig(config, loaded.flags, loaded.values, loaded.sources) + '\n');
    process.exit(0);
  }
  const levelOf: LogLevel = config.debug ? 'debug' : 'info';
  const isTty = process.stdout.isTTY === true;
  const say = (line: string): void => {
    process.stdout.write((isTty ? '\r\x1b[K' : '') + line + '\n');
  };

  // Every directory the run writes to, before anything starts: no simulator, no socket yet.
  const dirProblems = checkRequiredDirs(requiredDirs(config));
  if (dirProblems.length > 0) {
    fail(
      `Start-up problems (nothing was started):\n${dirProblems.map((p) => `  - ${p}`).join('\n')}`,
      EXIT_CONFIG,
    );
  }

  // Simulator first: its credentials are secrets like any other.
  let sim: SimProcess | null = null;
  const simLog: string[] = [];
  if (config.sim.enabled) {
    sim = await startSimProcess(
      [
        '--port',
        '0',
        '--seed',
        String(config.sim.seed),
        '--coins',
        String(config.sim.coins),
        '--rate',
        String(config.sim.rate),
        '--dislocations',
        String(config.sim.dislocationsPerMin),
      ],
      (line) => simLog.push(line),
    ).catch((err: Error) => fail(`Could not start the simulator: ${err.message}`, EXIT_START_FAILED));
  }
  const apiKey = sim ? sim.endpoints.apiKey : config.kraken.key;
  const apiSecret = sim ? sim.endpoints.apiSecret : config.kraken.secret;
  const redact = makeRedactor([
    apiKey,
    apiSecret,
    config.influx.password,
    config.influx.adminPassword,
    config.telegram.token,
    config.dashboard?.token ?? null,
  ]);
  const log = new FileLogger(
    config.paths.logDir,
    levelOf,
    redact,
    (line, level) => {
      if (level === 'error' || (config.debug && level === 'warn'))
        process.stderr.write((isTty ? '\r\x1b[K' : '') + line + '\n');
    },
    new Date(),
    {
      maxFileBytes: config.bounds.logFileMaxBytes,
      maxTotalBytes: config.bounds.logMaxTotalBytes,
      maxAgeMs: config.bounds.logMaxAgeMs,
    },
  );

  let endpoints: { rest: string; wsPublic: string; wsPrivate: string };
  if (sim) {
    const e = sim.endpoints;
    const v2 = config.wsApi === 'v2';
    if (v2 && (e.wsPublicV2 === undefined || e.wsPrivateV2 === undefined))
      fail('The simulator does not serve WebSocket v2', EXIT_START_FAILED);
    endpoints = {
      rest: e.rest,
      wsPublic: v2 ? (e.wsPublicV2 as string) : e.wsPublic,
      wsPrivate: v2 ? (e.wsPrivateV2 as string) : e.wsPrivate,
    };
  } else {
    try {
      endpoints = resolveEndpoints({
        colocated: config.colocated,
        wsApi: config.wsApi,
        restUrl: config.kraken.restUrl ?? undefined,
        wsUrl: config.kraken.wsUrl ?? undefined,
        wsAuthUrl: config.kraken.wsAuthUrl ?? undefined,
      });
    } catch (err) {
      fail(`Configuration problems:\n  - ${(err as Error).message}`, EXIT_CONFIG);
    }
  }

  const notifier: Notifier = createNotifier(
    {
      telegramBotToken: config.telegram.token ?? undefined,
      telegramChatId: config.telegram.chatId ?? undefined,
      telegramApiUrl: config.telegram.apiUrl,
      label: sim ? 'kraken-arb (sim)' : 'kraken-arb',
    },
    log,
  );

  // Pairs: discovered from AssetPairs, never hand-listed (docs/design-decisions.md, defect 10).
  const rest = new KrakenRestClient({ baseUrl: endpoints.rest, timeoutMs: 15_000 });
  let universe: PairUniverse;
  try {
    const parsed = await rest.assetPairs();
    if (parsed.rejected.length > 0)
      log.warn('AssetPairs entries skipped', {
        rejected: parsed.rejected.slice(0, 20),
        count: parsed.rejected.length,
      });
    universe = selectUniverse(parsed.pairs);
    logExcludedCoins(log, universe);
  } catch (err) {
    log.error('pair discovery failed', { error: (err as Error).message });
    await sim?.stop();
    await log.close();
    fail(`Could not discover pairs from ${endpoints.rest}: ${(err as Error).message}`, EXIT_START_FAILED);
  }
  const subsets = splitUniverse(universe, config.listeners).filter((s) => s.coinCount > 0);
  const listenerCount = subsets.length;
  const shared = createSharedState({
    listeners: listenerCount,
    opportunityFields: OPPORTUNITY_FIELDS,
    evalCodes: EVAL_CODE_COUNT,
    pairs: universe.pairs.length,
  });
  initPairStatus(universe.pairs, shared);
  const heldStop = config.mode === 'trade' ? journaledRiskStop(config, log) : null;
  const plan = planCpus({ listeners: listenerCount }, availableCpus());
  const restAccess: RestAccess = {
    url: endpoints.rest,
    apiKey,
    apiSecret,
    tier: config.kraken.tier,
    nonceBuffer: createNonceBuffer(),
    limiterBuffer: createRateLimiterBuffer(),
  };
  // One budget of connection attempts for every socket and token request of the process.
  const budgetBuffer = createConnectionBudgetBuffer(config.kraken.connectionBudget);

  const sink = createMetricsSink(
    {
      host: config.influx.host ?? undefined,
      port: config.influx.port,
      protocol: config.influx.protocol,
      db: config.influx.db,
      user: config.influx.user ?? undefined,
      password: config.influx.password ?? undefined,
      fileDir: config.paths.metricsDir,
      fileBounds: {
        maxFileBytes: config.bounds.metricsFileMaxBytes,
        maxTotalBytes: config.bounds.metricsMaxTotalBytes,
        maxAgeMs: config.bounds.metricsMaxAgeMs,
      },
    },
    { log: (level, msg) => log[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info'](msg) },
  );
  const ingestion = new LatencyHistogram();
  const live = new LiveStatus(shared);
  const hub = new MetricsHub({
    sink,
    pairName: (i) => universe.pairs[i]?.wsname,
    mode: `${config.mode}${sim ? '-sim' : ''}`,
    log: (level, msg) => log[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info'](msg),
    onIngestion: (us) => {
      ingestion.record(us);
      live.onIngestion(us);
    },
    onOpportunity: (o) => live.onOpportunity(o.direction, o.roi),
  });
  const startup = new StartupCounters(shared.counters);
  const ledger = new TradeLedger();
  let traderCounters: Record<string, number> = {};
  const operator = await startOperatorSurfaces({
    config,
    venue: sim ? 'the built-in simulator' : config.colocated ? 'Kraken (colocated)' : 'Kraken',
    shared,
    ledger,
    live,
    startup,
    ingestionRun: ingestion,
    traderCounters: () => traderCounters,
    pairsPerListener: subsets.map((p) => p.pairs.length),
    notifier,
    log,
  });

  const banner = [
    `kraken-arb — ${config.mode === 'trade' ? 'TRADE MODE (orders are sent)' : 'evaluation mode (no order is ever sent)'}${sim ? ' against the built-in simulator' : ''}`,
    `  REST ${endpoints.rest} | public WS ${endpoints.wsPublic} | private WS ${config.mode === 'trade' ? endpoints.wsPrivate : '(not opened)'} | API ${config.wsApi}`,
    `  ${universe.coins.length} coins (${universe.pairs.length} pairs) over ${listenerCount} listeners: ${subsets.map((s) => s.pairs.length).join(', ')} pairs each`,
    `  ${plan.summary}`,
    `  log ${log.path}`,
    ...(heldStop !== null
      ? [
          `  TRADING STOPPED: risk limit ${heldStop.reason} reached ${new Date(heldStop.sinceMs).toISOString()} (journaled); evaluation runs. Clear it deliberately with --clear-risk-stop`,
        ]
      : []),
    ...operator.bannerLines,
  ];
  for (const line of banner) say(line);
  log.info('start', {
    config: describeConfig(config),
    endpoints,
    coins: universe.coins.length,
    listeners: listenerCount,
    corePlan: plan.summary,
  });

  let recorder: WriteStream | null = null;
  if (config.recordFile !== null) {
    recorder = createWriteStream(config.recordFile, { flags: 'a' });
    recorder.on('error', (err) => log.error('record file error', { error: err.message }));
  }

  const onMessage = (m: WorkerToMain, name: string): void => {
    switch (m.type) {
      case 'log':
        log.write({ ...m.record, thread: m.record.thread ?? name });
        break;
      case 'alert':
        notifier.notify(m.alert);
        break;
      case 'metrics':
        hub.acceptBatch(m.batch);
        break;
      case 'trade':
        ledger.add(m.outcome);
        live.onTrade(m.outcome);
        hub.trade(m.outcome);
        // A trade that never bought anything is not news; everything else is.
        if (m.outcome.status !== 'not-filled') notifier.notify(tradeAlert(m.outcome));
        say(
          `trade ${m.outcome.tradeId} ${m.outcome.buyPair}→${m.outcome.sellPair}: ${m.outcome.status}, bought ${m.outcome.boughtVolume} sold ${m.outcome.soldVolume}, PnL ${m.outcome.pnlUsd.toFixed(4)} USD` +
            (m.outcome.reason ? ` (${m.outcome.reason})` : ''),
        );
        break;
      case 'trader-stats':
        traderCounters = m.counters;
        break;
      case 'frames':
        if (recorder) {
          for (let i = 0; i < m.text.length; i++)
            recorder.write(`{"t":${m.recvUs[i]},"l":${m.listener},"f":${JSON.stringify(m.text[i])}}\n`);
        }
        break;
      case 'ready':
        log.debug('worker ready', { worker: name, ...m.detail });
        break;
      case 'reconnect':
        hub.reconnect(m.socket, m.attempts, m.downtimeMs * 1000);
        break;
      case 'fetch-failure':
        hub.fetchFailure(m.endpoint, m.code);
        break;
      case 'feed-warm':
        startup.markWarm(m.listener);
        log.info('listener start-up over', { worker: name, pairsNotReady: m.pairsWaiting });
        break;
    }
  };
  const onExit = (info: {
    name: string;
    code: number;
    error: Error | null;
    restarting: boolean;
    restarts: number;
  }): void => {
    if (!info.restarting) return;
    const reason = info.error ? info.error.message : `exit code ${info.code}`;
    log.error('worker died; restarting', { worker: info.name, reason, restarts: info.restarts + 1 });
    hub.workerRestart(info.name, reason, info.code);
    notifier.notify(workerRestartAlert(info.name, reason, info.restarts + 1));
  };
  const workerFile = (name: string): URL => new URL(`./engine/threads/${name}.js`, import.meta.url);

  const fetcherData: FetcherWorkerData = {
    shared: shared.handle,
    rest: restAccess,
    logLevel: levelOf,
    cpu: plan.fetcher,
    coinFeePairId:
      (universe.pairs.find((p) => p.base === 'XBT' && p.quote === 'USD') ?? universe.coins[0]?.usd)?.id ?? '',
    stableFeePairId: universe.usdtUsd.id,
    fallbackFees: {
      coin: (universe.coins[0]?.usd.takerFees[0]?.[1] ?? 0.4) / 100,
      stable: (universe.usdtUsd.takerFees[0]?.[1] ?? 0.2) / 100,
    },
    notionalBalances: { USD: NOTIONAL_BALANCE, EUR: NOTIONAL_BALANCE },
    balanceIntervalMs: Math.max(
      BALANCE_INTERVAL_MS,
      Math.ceil(1000 / (KRAKEN_REST_TIERS[config.kraken.tier].decayPerSec * BALANCE_POLL_BUDGET_SHARE)),
    ),
  };
  const workers: SupervisedWorker[] = [];
  const fetcher = new SupervisedWorker({
    name: 'fetcher',
    file: workerFile('fetcher-worker'),
    workerData: fetcherData,
    onMessage,
    onExit,
  });
  workers.push(fetcher);
  const listeners = subsets.map((pairs, i) => {
    const data: ListenerWorkerData = {
      index: i,
      pairs,
      shared: shared.handle,
      wsUrl: endpoints.wsPublic,
      wsApi: config.wsApi,
      strategy: {
        minRoi: config.strategy.minRoi,
        maxLocalAgeMs: config.strategy.maxLocalAgeMs,
        maxExchangeAgeMs: config.strategy.maxExchangeAgeMs,
        maxOrderValue: config.strategy.maxOrderValue,
      },
      logLevel: levelOf,
      cpu: plan.listeners[i] ?? null,
      record: config.recordFile !== null,
      connectionBudget: budgetBuffer,
    };
    return new SupervisedWorker({
      name: `listener-${i}`,
      file: workerFile('listener-worker'),
      workerData: data,
      onMessage,
      onExit,
    });
  });
  workers.push(...listeners);
  const traderData: TraderWorkerData = {
    mode: config.mode,
    wsApi: config.wsApi,
    shared: shared.handle,
    pairs: [...universe.pairs],
    rest: restAccess,
    wsPrivateUrl: endpoints.wsPrivate,
    journalDir: config.paths.journalDir,
    logLevel: levelOf,
    cpu: plan.trader,
    spin: config.spin,
    fillTimeoutMs: config.strategy.fillTimeoutMs,
    orderDeadlineMs: config.strategy.orderDeadlineMs,
    postTradePauseMs: config.strategy.postTradePauseMs,
    maxLocalAgeMs: config.strategy.maxLocalAgeMs,
    sellRetries: config.risk.sellRetries,
    clearRiskStop: config.clearRiskStop,
    drillCrashAfterSend: config.drillCrashAfterSend,
    risk: {
      maxTradesPerMinute: config.risk.maxTradesPerMinute,
      maxDailyLoss: config.risk.maxDailyLoss,
      maxConsecutiveFailures: config.risk.maxConsecutiveFailures,
    },
    connectionBudget: budgetBuffer,
  };
  const trader = new SupervisedWorker({
    name: 'trader',
    file: workerFile('trader-worker'),
    workerData: traderData,
    onMessage,
    onExit,
  });
  workers.push(trader);

  for (const w of workers) w.start();
  const runStartedMs = Date.now();
  // Opportunities reach the trader in both modes: in evaluation mode it only logs them (no private
  // socket, no order entry), as the original system did; a risk stop clears the flag in trade mode — also one the
  // journal still holds from before this start.
  if (heldStop !== null) shared.riskStop(RISK_STOP_CODES[heldStop.reason]);
  else shared.setTradingEnabled(true);
  const stopPairWatch = watchPairStatus(
    { rest, pairs: universe.pairs, shared, log, alert: (a) => notifier.notify(a) },
    config.strategy.pairStatusRefreshMs,
  );
  // The journal's daily index (INDEX.json), kept off the trader's path: now, hourly, at shutdown.
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
  // Free disk space of every directory written to; low on the journal's in trade mode stops trading.
  const diskWatch = startDiskWatch({
    dirs: requiredDirs(config)
      .filter((d) => d.setting !== '--record')
      .map((d) => ({ ...d, stopsTrading: d.setting === 'JOURNAL_DIR' })),
    warnFreeBytes: config.bounds.diskWarnFreeBytes,
    stopFreeBytes: config.bounds.diskStopFreeBytes,
    riskStop: (code) => shared.riskStop(code),
    log,
    alert: (a) => notifier.notify(a),
  });
  notifier.notify(
    startAlert(config.mode, sim ? 'against the simulator' : config.colocated ? 'colocated' : ''),
  );

  // Live status and periodic metrics of the counters.
  const drops = dropColumns(shared.counters);
  const dropDeltas = subsets.map(() => new CounterDeltas(drops.names, drops.columns));
  const writeDropDeltas = (): void =>
    subsets.forEach((_, i) => hub.opportunityDrops(i, dropDeltas[i]?.take(shared.counters.row(i)) ?? {}));
  let lastUpdates = 0;
  let lastStatusMs = Date.now();
  let lastPlainStatusMs = 0;
  let statusTicks = 0;
  const statusTimer = setInterval(() => {
    const now = Date.now();
    const totals = readTotals(shared.counters);
    const rate = ((totals.updates - lastUpdates) * 1000) / Math.max(1, now - lastStatusMs);
    lastUpdates = totals.updates;
    lastStatusMs = now;
    const line = statusLine(totals, rate, ledger, shared.isTradingEnabled(), config.mode);
    live.tick();
    operator.publish();
    if (isTty) process.stdout.write('\r\x1b[K' + line);
    else if (now - lastPlainStatusMs >= 5000) {
      process.stdout.write(line + '\n');
      lastPlainStatusMs = now;
    }
    if (++statusTicks % 10 === 0) {
      writeDropDeltas();
      log.info('status', { line });
    }
  }, STATUS_INTERVAL_MS);

  let stopping = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(statusTimer);
    diskWatch.stop();
    clearInterval(indexTimer);
    stopPairWatch();
    if (isTty) process.stdout.write('\n');
    say(`stopping (${reason}): no new trades; finishing the one in flight…`);
    log.info('shutdown', { reason });
    // No new trade from here. The one in flight runs to its end first, however long its REST
    // reconciliation takes (bounded): the worker's own stop grace (5 s) would cut it short, leaving
    // an `unknown` in the journal and the trade missing from the summary.
    shared.setTradingEnabled(false);
    await waitTraderIdle(shared, log);
    stopRequested(shared);
    // Trader first; then the rest.
    await trader.stop();
    indexJournal();
    await Promise.all(workers.filter((w) => w !== trader).map((w) => w.stop()));
    const cashFlows = journalCashFlows(config, ledger, log);
    const totals = readTotals(shared.counters);
    const summary = buildSummary(config, totals, ledger, traderCounters, reason, cashFlows);
    const summaryText = JSON.stringify(summary, null, 2);
    const summaryPath = log.path.replace(/\.log$/, '.summary.json');
    try {
      ensureDir(config.paths.logDir);
      writeFileSync(summaryPath, summaryText + '\n');
    } catch (err) {
      log.error('could not write the summary', { error: (err as Error).message });
    }
    say(
      formatSummaryTable({
        mode: config.mode,
        sim: sim !== null,
        stoppedBecause: reason,
        durationS: (Date.now() - runStartedMs) / 1000,
        totals,
        startup: startup.totals(),
        traderCounters,
        ledger,
        cashFlows: cashFlows?.pnl ?? null,
        ingestionUs: ingestion.percentiles(),
      }),
    );
    say(`summary written to ${summaryPath}`);
    log.info('summary', summary);
    notifier.notify(
      stopAlert(
        reason,
        `${ledger.outcomes.length} trades, PnL ${ledger.pnlUsd.toFixed(2)} USD / ${ledger.pnlEur.toFixed(2)} EUR`,
      ),
    );
    writeDropDeltas(); // the last report's window would otherwise be lost
    await hub.close(5_000).catch(() => undefined);
    await operator.close().catch(() => undefined);
    await notifier.close(5_000).catch(() => undefined);
    if (recorder) await new Promise<void>((r) => recorder?.end(r));
    await sim?.stop();
    await log.close();
    process.exit(0);
  };
  // A second signal while stopping means "now": the journal is already on disk record by record,
  // and the next start reconciles a trade this cuts short (recover-trades.ts).
  const onSignal = (signal: string): void => {
    if (!stopping) {
      void shutdown(signal);
      return;
    }
    log.warn('second signal during shutdown: exiting now', { signal });
    process.stderr.write(`\n${signal} again: exiting now; the next start reconciles any trade cut short\n`);
    process.exit(130);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // Fault drill: `kill -USR2 <pid>` kills listener 0 as a crash would; the supervisor must restart it.
  process.on('SIGUSR2', () => {
    log.warn('SIGUSR2: killing listener-0 (fault drill)');
    void listeners[0]?.crash();
  });
  // Any length up to the flag's range (setTimeout alone would fire after 1 ms beyond ~24.8 days).
  if (config.durationS !== null)
    setLongTimeout(() => void shutdown(`--duration ${config.durationS}s`), config.durationS * 1000);
  sim?.child.on('exit', (code) => {
    if (!stopping) {
      log.error('the simulator exited', { code, lastLines: simLog.slice(-5) });
      void shutdown('simulator exited');
    }
  });
}

/**
 * A risk stop the journal still holds (see risk-from-journal.ts), unless --clear-risk-stop clears
 * it (the trader journals the clear when it starts).
 */
function journaledRiskStop(config: Config, log: FileLogger): HeldStop | null {
  if (config.clearRiskStop || !existsSync(config.paths.journalDir)) return null;
  try {
    const records = readJournal(config.paths.journalDir, { onWarning: () => undefined });
    return riskFromJournal(records, Date.now()).stop;
  } catch (err) {
    log.warn('could not read the journal for a held risk stop', { error: (err as Error).message });
    return null;
  }
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

function stopRequested(shared: SharedState): void {
  shared.requestShutdown();
}

interface CashFlows {
  /** Net cash flow per currency (USD, EUR), fees included: what the account's balances moved by. */
  pnl: Record<string, number>;
  fees: Record<string, number>;
  /** Bought and not sold, per coin. */
  stranded: Record<string, number>;
  unresolvedUnknown: number;
}

/**
 * This run's flows per currency, from the durable journal's fills of this run's trades. The
 * ledger's PnL is a mark-to-mid valuation; these are the amounts the balances really moved by.
 */
function journalCashFlows(config: Config, ledger: TradeLedger, log: FileLogger): CashFlows | null {
  if (config.mode !== 'trade') return null;
  const ids = new Set(ledger.outcomes.map((o) => o.tradeId));
  if (ids.size === 0) return { pnl: {}, fees: {}, stranded: {}, unresolvedUnknown: 0 };
  try {
    const records = readJournal(config.paths.journalDir, {
      onWarning: (w) => log.warn('journal line skipped', { ...w }),
    });
    const s = summarize(records.filter((r) => ids.has(r.tradeId)));
    return {
      pnl: { ...s.pnl },
      fees: { ...s.fees },
      stranded: { ...s.stranded },
      unresolvedUnknown: s.unresolvedUnknown,
    };
  } catch (err) {
    log.error('could not read the journal for the summary', { error: (err as Error).message });
    return null;
  }
}

function buildSummary(
  config: Config,
  totals: ReturnType<typeof readTotals>,
  ledger: TradeLedger,
  traderCounters: Record<string, number>,
  reason: string,
  cashFlows: CashFlows | null,
): Record<string, unknown> {
  return {
    mode: config.mode,
    sim: config.sim.enabled,
    stoppedBecause: reason,
    updatesProcessed: totals.updates,
    opportunities: { usdToEur: totals.opportunitiesUsdToEur, eurToUsd: totals.opportunitiesEurToUsd },
    dropped: {
      listener: Object.fromEntries(
        Object.entries(totals.listenerCounters).filter(
          ([k]) => k.startsWith('drop') || k === 'malformed' || k === 'outOfOrder' || k === 'futureTimestamp',
        ),
      ),
      evaluation: totals.evaluationDrops,
      trader: traderCounters,
    },
    reconnects: totals.listenerCounters['reconnects'] ?? 0,
    trades: {
      total: ledger.outcomes.length,
      sold: ledger.count('sold'),
      dust: ledger.count('dust'),
      notFilled: ledger.count('not-filled'),
      rejected: ledger.count('rejected'),
      stranded: ledger.count('stranded'),
      unknown: ledger.count('unknown'),
      failed: ledger.count('failed'),
    },
    fills: { bought: ledger.outcomes.reduce((a, o) => a + (o.boughtVolume > 0 ? 1 : 0), 0) },
    pnl: { usd: ledger.pnlUsd, eur: ledger.pnlEur },
    strandedInventory: ledger.stranded,
    cashFlows,
    latencyUs: { decisionToSend: ledger.decisionToSendPercentiles() },
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`kraken-arb failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT_START_FAILED);
});

/** Coins with both legs online that are not traded, each with its reason (stablecoin fee schedule). */
function logExcludedCoins(log: Logger, universe: PairUniverse): void {
  const shown = universe.excluded.slice(0, MAX_EXCLUDED_LOGGED);
  for (const c of shown) log.info('coin excluded', { base: c.base, reason: c.reason });
  if (universe.excluded.length > shown.length)
    log.info('coins excluded (more)', { count: universe.excluded.length - shown.length });
}
