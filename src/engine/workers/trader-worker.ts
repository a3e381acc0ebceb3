/** Worker entry: the trader (see ../trader.ts). Evaluation mode opens no private socket at all. */
import { workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { attachSharedState, type SharedStateHandle } from '../shared-state.js';
import { Trader } from '../trader.js';
import { TradePathWarmer } from '../trade-warmup.js';
import { recoverUnfinishedTrades } from '../recover-trades.js';
import { OrderTracker } from '../order-tracker.js';
import { OrderGatewayV1 } from '../order-gateway-v1.js';
import { OrderGatewayV2 } from '../order-gateway-v2.js';
import type { OrderGateway } from '../order-gateway.js';
import { pinCurrentThread } from '../affinity.js';
import {
  alert,
  connectionBudget,
  errorText,
  onShutdownMessage,
  post,
  restClient,
  workerLogger,
  type RestAccess,
} from '../worker-context.js';
import { JournalWriter } from '../../journal/journal-writer.js';
import type { PairInfo } from '../../core/pair.js';
import type { RiskLimits } from '../../core/risk-limits.js';
import type { LogLevel } from '../../log/logger.js';
import type { TradeDeps } from '../trade-runner.js';

export interface TraderWorkerData {
  mode: 'evaluate' | 'trade';
  wsApi: 'v1' | 'v2';
  shared: SharedStateHandle;
  pairs: PairInfo[];
  rest: RestAccess;
  wsPrivateUrl: string;
  journalDir: string;
  logLevel: LogLevel;
  cpu: number | null;
  spin: boolean;
  fillTimeoutMs: number;
  postTradePauseMs: number;
  maxLocalAgeMs: number;
  sellRetries: number;
  risk: RiskLimits;
  /** createConnectionBudgetBuffer(): the private socket and token requests take from it. */
  connectionBudget: SharedArrayBuffer;
}

const STATS_INTERVAL_MS = 1000;

const data = workerData as TraderWorkerData;
const log = workerLogger(data.logLevel, 'trader');
if (data.cpu !== null) log.debug('pinning', { cpu: data.cpu, ...pinCurrentThread(data.cpu, 'trader') });
const shared = attachSharedState(data.shared);
const nowUs = (): number => (performance.timeOrigin + performance.now()) * 1000;

let gateway: OrderGateway | null = null;
let journal: JournalWriter | null = null;
let deps: TradeDeps | null = null;
let warmer: TradePathWarmer | null = null;

function makeGateway(tracker: OrderTracker): OrderGateway {
  const rest = restClient(data.rest);
  const budget = connectionBudget(data.connectionBudget, log);
  // A token request is a connection to Kraken too: it takes from the same budget.
  const getToken = async (): Promise<string> => {
    await budget.take('websocket-token request');
    return (await rest.getWebSocketsToken()).token;
  };
  const onGap = (): void => log.info('private stream gap: the trade in flight (if any) reconciles over REST');
  if (data.wsApi === 'v2') {
    return new OrderGatewayV2({
      url: data.wsPrivateUrl,
      getToken,
      ackTimeoutMs: data.fillTimeoutMs,
      tracker,
      log,
      alert,
      onGap,
      connectionBudget: budget,
    });
  }
  return new OrderGatewayV1({
    url: data.wsPrivateUrl,
    getToken,
    ackTimeoutMs: data.fillTimeoutMs,
    tracker,
    log,
    alert,
    onGap,
    connectionBudget: budget,
  });
}

async function main(): Promise<void> {
  if (data.mode === 'trade') {
    // The rehearsals build the real gateway's order frame (never sent) once it exists.
    warmer = new TradePathWarmer(data.pairs, nowUs, (order) => gateway?.rehearse?.(order));
    const warmed = await warmer.warmUp();
    log.info('trade path warmed up (in memory, no orders)', { trades: warmed });
    const tracker = new OrderTracker();
    const writer = JournalWriter.open({
      dir: data.journalDir,
      onWarning: (w) => log.warn('journal recovery', { ...w }),
    });
    journal = writer;
    // A crash mid-trade leaves an intent without an outcome: ask Kraken and finish the record first.
    const recovered = await recoverUnfinishedTrades(
      data.journalDir,
      writer,
      restClient(data.rest),
      log,
      alert,
    );
    if (recovered.unfinished > 0) log.warn('interrupted trades found at start-up', { ...recovered });
    gateway = makeGateway(tracker);
    gateway.start();
    deps = {
      gateway,
      tracker,
      rest: restClient(data.rest),
      journal,
      log,
      nowUs,
      sleep: (ms) => sleep(ms).then(() => undefined),
    };
  }
  const trader = new Trader({
    mode: data.mode,
    shared,
    pairs: data.pairs,
    deps,
    log,
    alert,
    onOutcome: (outcome) => post({ type: 'trade', outcome }),
    fillTimeoutMs: data.fillTimeoutMs,
    postTradePauseMs: data.postTradePauseMs,
    maxLocalAgeMs: data.maxLocalAgeMs,
    sellRetries: data.sellRetries,
    risk: data.risk,
    spin: data.spin,
    nowUs,
    warmer,
  });
  const statsTimer = setInterval(
    () => post({ type: 'trader-stats', counters: { ...trader.counters } }),
    STATS_INTERVAL_MS,
  );
  onShutdownMessage(() => trader.stop());
  post({ type: 'ready', detail: { mode: data.mode } });
  await trader.run();
  clearInterval(statsTimer);
  post({ type: 'trader-stats', counters: { ...trader.counters } });
  gateway?.close();
  journal?.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  log.error('trader failed', { error: errorText(err) });
  journal?.close();
  // Exit non-zero: the supervisor restarts the trader.
  process.exit(1);
});
