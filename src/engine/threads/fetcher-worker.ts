/** Worker entry: the balance and fee fetcher (see ../fetcher.ts). */
import { workerData } from 'node:worker_threads';
import { attachSharedState, type SharedStateHandle } from '../shared/shared-state.js';
import { Fetcher } from '../fetcher.js';
import { pinCurrentThread } from './affinity.js';
import { setIdlePriority } from './thread-priority.js';
import {
  alert,
  errorText,
  onShutdownMessage,
  post,
  restClient,
  workerLogger,
  type RestAccess,
} from './worker-context.js';
import type { LogLevel } from '../../log/logger.js';
import { epochMicros } from '../../clock/clock.js';

export interface FetcherWorkerData {
  shared: SharedStateHandle;
  rest: RestAccess;
  logLevel: LogLevel;
  cpu: number | null;
  /**
   * The fetcher shares its CPU with a trader that parks (cpu-plan.ts): it runs under SCHED_IDLE, so
   * the trader, woken for an opportunity, never waits behind a balance poll's slice.
   */
  yieldToTrader: boolean;
  coinFeePairId: string;
  stableFeePairId: string;
  fallbackFees: { coin: number; stable: number };
  notionalBalances: { USD: number; EUR: number };
  balanceIntervalMs?: number;
  feeIntervalMs?: number;
}

const data = workerData as FetcherWorkerData;
const log = workerLogger(data.logLevel, 'fetcher');
if (data.cpu !== null) {
  const pin = pinCurrentThread(data.cpu, 'fetcher');
  log.debug('pinning', { cpu: data.cpu, ...pin });
}
if (data.yieldToTrader) {
  const idle = setIdlePriority();
  if (idle.set) log.info("fetcher at idle priority (SCHED_IDLE): it yields the trader's CPU at once");
  else
    log.warn(
      "fetcher: idle priority not set; a balance poll may delay the trader's wake-up by a time slice",
      {
        reason: idle.reason,
      },
    );
}
const shared = attachSharedState(data.shared);
const hasCredentials = data.rest.apiKey !== null && data.rest.apiSecret !== null;
const fetcher = new Fetcher({
  shared,
  rest: hasCredentials ? restClient(data.rest, { routine: true }) : null,
  log,
  alert,
  coinFeePairId: data.coinFeePairId,
  stableFeePairId: data.stableFeePairId,
  fallbackFees: data.fallbackFees,
  notionalBalances: data.notionalBalances,
  balanceIntervalMs: data.balanceIntervalMs,
  feeIntervalMs: data.feeIntervalMs,
  // The listeners' timebase (their receive stamps), which they judge the balances' age on; the wall
  // clock would put a step of the system time (NTP) into that age.
  nowUs: epochMicros,
  onFailure: (endpoint, code) => post({ type: 'fetch-failure', endpoint, code }),
});
onShutdownMessage(() => {
  fetcher.stop();
  process.exit(0);
});
fetcher
  .start()
  .then(() => post({ type: 'ready' }))
  .catch((err: unknown) => log.error('fetcher start failed', { error: errorText(err) }));
