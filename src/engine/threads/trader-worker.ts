/** Worker entry: the trader (see ../trader.ts). Evaluation mode opens no private socket at all. */
import { workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachSharedState, type SharedStateHandle } from '../shared/shared-state.js';
import { Trader } from '../trade/trader.js';
import { wakeTraderAheadFor } from '../trade/trader-options.js';
import { TradePathWarmer } from '../trade/trade-warmup.js';
import { recoverUnfinishedTrades } from '../trade/recover-trades.js';
import { OrderTracker } from '../trade/order-tracker.js';
import type { OrderEntry } from '../trade/order-entry.js';
import type { WorkerToMain } from './messages.js';
import { KRAKEN_WS_VERSIONS } from '../../kraken/versions.js';
import type { KrakenWsApi } from '../../kraken/endpoints.js';
import { RestOrderLookup } from '../../kraken/exec/rest-order-lookup.js';
import type { KrakenOrderEntryOptions } from '../../kraken/exec/session-order-entry.js';
import { MetricsRecorder, TRADER_RECORDER_SOURCE } from '../../metrics/recorder.js';
import { pinCurrentThread } from './affinity.js';
import { setRealtimePriority } from './thread-priority.js';
import { realtimeRemedy } from './realtime-grant.js';
import { hostListener, type HostedListener, type ListenerWorkerData } from './listener-host.js';
import {
  alert,
  connectionBudget,
  errorText,
  onShutdownMessage,
  post,
  restClient,
  workerLogger,
  type RestAccess,
} from './worker-context.js';
import { JournalWriter } from '../../journal/journal-writer.js';
import { readJournal } from '../../journal/journal-reader.js';
import { riskFromJournal, type JournalRisk } from '../../journal/risk-from-journal.js';
import type { PairInfo } from '../../core/pair.js';
import type { Config } from '../../config/config.js';
import type { LogLevel } from '../../log/logger.js';
import { DEADLINE_MARGIN_MS, type TradeDeps } from '../trade/trade-runner.js';
import { epochMicros } from '../../clock/clock.js';
import { journalFailingAlert, journalRecoveredAlert } from '../../notify/alerts.js';
import { GcPauseRing, observeGcPauses } from '../trade/gc-pauses.js';
import { RunQueueWaitSampler } from './run-queue-wait.js';

export interface TraderWorkerData {
  mode: 'evaluate' | 'trade';
  wsApi: KrakenWsApi;
  shared: SharedStateHandle;
  pairs: PairInfo[];
  rest: RestAccess;
  wsPrivateUrl: string;
  journalDir: string;
  logLevel: LogLevel;
  cpu: number | null;
  /** SCHED_FIFO priority for this thread (TRADER_RT_PRIORITY); 0: ordinary scheduling. */
  rtPriority: number;
  spin: boolean;
  /** The config's sections whole: fill timeout, order deadline, post-trade pause, max local age. */
  strategy: Config['strategy'];
  /** The limits, and how often a failed sell is retried. */
  risk: Config['risk'];
  /** createConnectionBudgetBuffer(): the private socket and token requests take from it. */
  connectionBudget: SharedArrayBuffer;
  /** --clear-risk-stop: journal a risk-clear before anything else. */
  clearRiskStop: boolean;
  drillCrashAfterSend: boolean;
  /**
   * TRADER_HOSTS_LISTENER: the listener this thread runs besides the trader (its opportunities are
   * taken in the listener's own call, no thread wake-up); null: every listener has its own thread.
   */
  hostedListener: ListenerWorkerData | null;
}

const STATS_INTERVAL_MS = 1000;
/** While the journal holds records it could not write, it is tried again this often. */
const JOURNAL_RETRY_MS = 1000;
/** Metric batches leave the thread on this timer, never from the trade path. */
const METRICS_FLUSH_MS = 250;

const data = workerData as TraderWorkerData;
const log = workerLogger(data.logLevel, 'trader');
const pin = data.cpu === null ? null : pinCurrentThread(data.cpu, 'trader');
if (pin !== null) log.debug('pinning', { cpu: data.cpu, ...pin });
if (data.rtPriority > 0) {
  const rt = setRealtimePriority(data.rtPriority);
  if (rt.set) log.info('trader thread at real-time priority (SCHED_FIFO)', { priority: data.rtPriority });
  else
    log.warn('trader thread: real-time priority not set, it runs at ordinary priority', {
      priority: data.rtPriority,
      reason: rt.reason,
      remedy: `${realtimeRemedy(data.rtPriority)}; npm run preflight checks it`,
    });
}
const shared = attachSharedState(data.shared);
// Pinned means a CPU of its own (the CPU plan never shares the trader's: cpu-plan.ts); listeners
// wake such a trader ahead of their publish unless it busy-polls (wakeTraderAheadFor).
shared.setWakeTraderAhead(wakeTraderAheadFor(pin?.pinned === true, data.spin));
const nowUs = epochMicros;
const recorder = new MetricsRecorder({ source: TRADER_RECORDER_SOURCE });
/** This thread's GC pauses, for the stale drop's log line; observed for the thread's life. */
const gcPauses = new GcPauseRing();
observeGcPauses(gcPauses);
/** This thread's run-queue wait, for the same line: whether another thread held the trader's CPU. */
const runQueueWait = new RunQueueWaitSampler();

let orderEntry: OrderEntry | null = null;
let journal: JournalWriter | null = null;
let deps: TradeDeps | null = null;
let warmer: TradePathWarmer | null = null;
let journalRisk: JournalRisk | undefined;
/** Aborted when main asks this worker to stop: ends waits that would outlast the stop grace. */
const shutdown = new AbortController();

function makeOrderEntry(tracker: OrderTracker): OrderEntry {
  const rest = restClient(data.rest, { log });
  const budget = connectionBudget(data.connectionBudget, log);
  // A token request is a connection to Kraken too: it takes from the same budget.
  const getToken = async (): Promise<string> => {
    await budget.take('websocket-token request');
    return (await rest.getWebSocketsToken()).token;
  };
  const onGap = (): void => log.info('private stream gap: the trade in flight (if any) reconciles over REST');
  const options: KrakenOrderEntryOptions = {
    url: data.wsPrivateUrl,
    getToken,
    ackTimeoutMs: data.strategy.fillTimeoutMs,
    events: tracker,
    log,
    alert,
    onGap,
    connectionBudget: budget,
    onReconnected: (attempts, downtimeMs) =>
      post({ type: 'reconnect', socket: 'private', attempts, downtimeMs }),
  };
  return KRAKEN_WS_VERSIONS[data.wsApi].orderEntry(options);
}

async function main(): Promise<void> {
  if (data.mode === 'trade') await prepareTrading();
  const trader = createTrader();
  const reporting = startReporting(trader);
  const hosted = startHostedListener(trader);
  onShutdownMessage(() => {
    hosted?.stop();
    // A REST look-up of an order in doubt may be waiting on the call counter: cut it short.
    shutdown.abort();
    trader.stop();
  });
  post({ type: 'ready', detail: { mode: data.mode } });
  await trader.run();
  reporting.stop();
  post(traderStats(trader));
  orderEntry?.close();
  journal?.close();
  process.exit(0);
}

/**
 * Trade mode, before the first trade: warm the trade path, open the journal, finish what a crash
 * left open, take the risk state from the journal, open the order entry.
 */
async function prepareTrading(): Promise<void> {
  const w = new TradePathWarmer(data.pairs, nowUs);
  warmer = w;
  const warmed = await w.warmUp();
  log.info('trade path warmed up (in memory, no orders)', { trades: warmed });
  const tracker = new OrderTracker();
  const writer = openJournal();
  journal = writer;
  setInterval(() => {
    if (writer.backlog > 0) writer.flushBacklog();
  }, JOURNAL_RETRY_MS).unref();
  if (data.clearRiskStop) {
    writer.append('risk-clear', '', { by: '--clear-risk-stop' });
    log.warn('risk stop cleared by the operator (--clear-risk-stop): every limit counts afresh');
  }
  await recoverInterruptedTrades(writer);
  // The limits continue from the journal (after recovery settled what a crash left open).
  journalRisk = riskFromJournal(readJournal(data.journalDir, { onWarning: () => undefined }), Date.now());
  orderEntry = makeOrderEntry(tracker);
  orderEntry.start();
  deps = {
    orderEntry,
    tracker,
    orderLookup: new RestOrderLookup(restClient(data.rest, { log })),
    journal: writer,
    log,
    alert,
    nowUs,
    sleep: (ms) => sleep(ms).then(() => undefined),
    stopping: () => shared.isShutdownRequested() || shutdown.signal.aborted,
    stopSignal: shutdown.signal,
    // The real buy through the rehearsals' own entry to the send path (trade-warmup.ts).
    sendBuy: (opp, buy, s, d) => w.sendBuy(opp, buy, s, d),
  };
  // From now on the rehearsals run through the real order entry, to its loopback warmer.
  w.useRealPath(deps);
}

/** The journal; a failing write holds records in memory and stops new trades, and says so. */
function openJournal(): JournalWriter {
  return JournalWriter.open({
    dir: data.journalDir,
    onWarning: (w) => log.warn('journal recovery', { ...w }),
    onFailure: (error, held) => {
      log.error('journal write failing: records held in memory, no new trade until written', {
        error,
        held,
      });
      alert(journalFailingAlert(error, held));
    },
    onRecovered: (written) => {
      log.warn('journal writing again: held records written', { written });
      alert(journalRecoveredAlert(written));
    },
  });
}

/** A crash mid-trade leaves an intent without an outcome: ask Kraken and finish the record first. */
async function recoverInterruptedTrades(writer: JournalWriter): Promise<void> {
  const byWsname = new Map(data.pairs.map((p) => [p.wsname, p]));
  const recovered = await recoverUnfinishedTrades(data.journalDir, {
    journal: writer,
    orderLookup: new RestOrderLookup(restClient(data.rest, { log })),
    log,
    alert,
    pairByWsname: (w) => byWsname.get(w),
    nowMs: () => Date.now(),
    sleep: (ms) => sleep(ms).then(() => undefined),
    deadlineMarginMs: DEADLINE_MARGIN_MS,
    orderDeadlineMs: data.strategy.orderDeadlineMs,
    pairs: data.pairs,
  });
  for (const outcome of recovered.outcomes) post({ type: 'trade', outcome });
  if (recovered.unfinished > 0) log.warn('interrupted trades found at start-up', { ...recovered });
}

/** TRADER_HOSTS_LISTENER: the listener in this thread hands each opportunity straight to the trader. */
function startHostedListener(trader: Trader): HostedListener | null {
  const ld = data.hostedListener;
  if (ld === null) return null;
  const name = `listener-${ld.index}`;
  const hosted = hostListener(ld, shared, workerLogger(ld.logLevel, name));
  hosted.listener.onPublished = () => trader.takeNow();
  log.info(
    'the trader thread runs a listener too (TRADER_HOSTS_LISTENER): its opportunities skip the hand-off',
    {
      listener: name,
      pairs: hosted.pairCount,
    },
  );
  post({ type: 'ready', detail: { listener: ld.index, pairs: hosted.pairCount, thread: 'trader' } });
  return hosted;
}

function createTrader(): Trader {
  const { strategy, risk } = data;
  return new Trader({
    mode: data.mode,
    shared,
    pairs: data.pairs,
    deps,
    log,
    alert,
    onOutcome: (outcome) => post({ type: 'trade', outcome }),
    fillTimeoutMs: strategy.fillTimeoutMs,
    orderDeadlineMs: strategy.orderDeadlineMs,
    crashAfterSend: data.drillCrashAfterSend,
    postTradePauseMs: strategy.postTradePauseMs,
    maxLocalAgeMs: strategy.maxLocalAgeMs,
    sellRetries: risk.sellRetries,
    risk,
    initialRisk: journalRisk,
    journalBacklog: () => journal?.backlog ?? 0,
    spin: data.spin,
    // Trade mode only: evaluation has no send path to be quick to, and its thread may then sleep.
    parkThread: data.mode === 'trade' && !data.spin && data.hostedListener === null,
    nowUs,
    warmer,
    recorder,
    gcPauses,
    runQueueWait,
  });
}

function traderStats(trader: Trader): WorkerToMain {
  const sendPathWarmth = orderEntry?.sendPathWarmth?.() ?? null;
  return { type: 'trader-stats', counters: { ...trader.counters }, sendPathWarmth };
}

/** The trader's counters and metric batches go to main on timers, never from the trade path. */
function startReporting(trader: Trader): { stop(): void } {
  const statsTimer = setInterval(() => post(traderStats(trader)), STATS_INTERVAL_MS);
  const flushMetrics = (): void => {
    const batch = recorder.takeBatch();
    if (batch) post({ type: 'metrics', batch });
  };
  const metricsTimer = setInterval(flushMetrics, METRICS_FLUSH_MS);
  return {
    stop: () => {
      clearInterval(statsTimer);
      clearInterval(metricsTimer);
      flushMetrics();
    },
  };
}

main().catch((err: unknown) => {
  log.error('trader failed', { error: errorText(err) });
  journal?.close();
  // Exit non-zero: the supervisor restarts the trader.
  process.exit(1);
});
