/**
 * The run's worker threads: what each one is given (its worker data, structured-cloned into the
 * thread, so config sections travel whole) and the supervised workers made from it, in start order:
 * fetcher, listeners, trader.
 */
import type { Config } from '../config/config.js';
import type { PairUniverse, ListenerPairs } from '../core/pair-universe.js';
import type { KrakenEndpoints } from '../kraken/endpoints.js';
import { createNonceBuffer } from '../kraken/nonce.js';
import { createPrivateCallGateBuffer } from '../kraken/private-call-gate.js';
import { createRateLimiterBuffer, KRAKEN_REST_TIERS } from '../kraken/rate-limiter.js';
import { createConnectionBudgetBuffer } from '../kraken/ws/shared/connection-budget.js';
import { BALANCE_INTERVAL_MS } from '../engine/fetcher.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import type { CpuPlan } from '../engine/threads/cpu-plan.js';
import { SupervisedWorker, type SupervisedWorkerOptions } from '../engine/threads/supervisor.js';
import type { RestAccess } from '../engine/threads/worker-context.js';
import type { FetcherWorkerData } from '../engine/threads/fetcher-worker.js';
import type { ListenerWorkerData } from '../engine/threads/listener-worker.js';
import type { TraderWorkerData } from '../engine/threads/trader-worker.js';
import type { LogLevel } from '../log/logger.js';
import type { VenueCredentials } from './venue.js';

/** Evaluation mode without credentials sizes against these notional balances. */
const NOTIONAL_BALANCE = 10_000;
/**
 * Share of the REST counter's decay the balance poll may use. Polling every 2 s alone outruns the
 * starter tier's 0.33/s decay, and the limiter then starves every other private call (the trader's
 * REST reconciliation, WebSocket tokens for a private reconnect) for as long as the program runs.
 */
const BALANCE_POLL_BUDGET_SHARE = 0.5;

/** What the worker data is made from. */
export interface WorkerFacts {
  readonly config: Config;
  readonly shared: SharedState;
  readonly universe: PairUniverse;
  readonly subsets: readonly ListenerPairs[];
  readonly plan: CpuPlan;
  readonly endpoints: KrakenEndpoints;
  readonly rest: RestAccess;
  /** createConnectionBudgetBuffer(): one budget of connection attempts for the whole process. */
  readonly connectionBudget: SharedArrayBuffer;
}

export type WorkerHandlers = Pick<SupervisedWorkerOptions, 'onMessage' | 'onExit'>;

export interface RunWorkers {
  /** Fetcher, listeners, trader: the start order. */
  readonly all: readonly SupervisedWorker[];
  readonly listeners: readonly SupervisedWorker[];
  readonly trader: SupervisedWorker;
}

/** One key, one nonce sequence, one private call in flight and one REST call counter across all threads. */
export function restAccess(url: string, credentials: VenueCredentials, config: Config): RestAccess {
  return {
    url,
    apiKey: credentials.apiKey,
    apiSecret: credentials.apiSecret,
    tier: config.kraken.tier,
    nonceBuffer: createNonceBuffer(),
    callGateBuffer: createPrivateCallGateBuffer(),
    limiterBuffer: createRateLimiterBuffer(),
  };
}

export function connectionBudgetFor(config: Config): SharedArrayBuffer {
  return createConnectionBudgetBuffer(config.kraken.connectionBudget);
}

export function superviseWorkers(f: WorkerFacts, handlers: WorkerHandlers): RunWorkers {
  const worker = (name: string, file: string, workerData: unknown): SupervisedWorker =>
    new SupervisedWorker({ name, file: workerFile(file), workerData, ...handlers });
  const fetcher = worker('fetcher', 'fetcher-worker', fetcherData(f));
  const all = listenerData(f);
  // TRADER_HOSTS_LISTENER: the first listener runs in the trader's thread, not in one of its own.
  const hosted = f.config.traderHostsListener ? (all[0] ?? null) : null;
  const listeners = all
    .filter((data) => data !== hosted)
    .map((data) => worker(`listener-${data.index}`, 'listener-worker', data));
  const trader = worker('trader', 'trader-worker', traderData(f, hosted));
  return { all: [fetcher, ...listeners, trader], listeners, trader };
}

function workerFile(name: string): URL {
  return new URL(`../engine/threads/${name}.js`, import.meta.url);
}

function logLevel(config: Config): LogLevel {
  return config.debug ? 'debug' : 'info';
}

function fetcherData({ config, shared, universe, plan, rest }: WorkerFacts): FetcherWorkerData {
  return {
    shared: shared.handle,
    rest,
    logLevel: logLevel(config),
    cpu: plan.fetcher,
    // A spinning trader never leaves its CPU idle: an idle-priority fetcher there would starve.
    yieldToTrader: plan.fetcher !== null && plan.fetcher === plan.trader && !config.spin,
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
}

function listenerData(f: WorkerFacts): ListenerWorkerData[] {
  return f.subsets.map((pairs, i) => ({
    index: i,
    pairs,
    shared: f.shared.handle,
    wsUrl: f.endpoints.wsPublic,
    wsApi: f.config.wsApi,
    strategy: f.config.strategy,
    logLevel: logLevel(f.config),
    cpu: f.plan.listeners[i] ?? null,
    record: f.config.recordFile !== null,
    connectionBudget: f.connectionBudget,
  }));
}

function traderData(
  { config, shared, universe, plan, endpoints, rest, connectionBudget }: WorkerFacts,
  hostedListener: ListenerWorkerData | null,
): TraderWorkerData {
  return {
    mode: config.mode,
    wsApi: config.wsApi,
    shared: shared.handle,
    pairs: [...universe.pairs],
    rest,
    wsPrivateUrl: endpoints.wsPrivate,
    journalDir: config.paths.journalDir,
    logLevel: logLevel(config),
    cpu: plan.trader,
    rtPriority: config.traderRtPriority,
    spin: config.spin,
    strategy: config.strategy,
    risk: config.risk,
    clearRiskStop: config.clearRiskStop,
    drillCrashAfterSend: config.drillCrashAfterSend,
    connectionBudget,
    hostedListener,
  };
}
