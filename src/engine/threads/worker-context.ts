/**
 * What every worker needs from the main thread: the shared state, a forwarding logger and alert
 * channel, the REST credentials with the shared nonce, call-gate and rate-limiter buffers (one key, one
 * nonce sequence, one call in flight and one call counter across all threads).
 */
import { parentPort } from 'node:worker_threads';
import { ForwardingLogger, type LogLevel, type Logger } from '../../log/logger.js';
import type { AlertEvent, MainToWorker, WorkerToMain } from './messages.js';
import { KrakenRestClient } from '../../kraken/rest.js';
import { NonceGenerator } from '../../kraken/nonce.js';
import { KRAKEN_REST_TIERS, type KrakenTier } from '../../kraken/rate-limiter.js';
import { ConnectionBudget } from '../../kraken/ws/shared/connection-budget.js';

export interface RestAccess {
  readonly url: string;
  readonly apiKey: string | null;
  readonly apiSecret: string | null;
  readonly tier: KrakenTier;
  readonly nonceBuffer: SharedArrayBuffer;
  /** One private call of the key in flight at a time, across threads (private-call-gate.ts). */
  readonly callGateBuffer: SharedArrayBuffer;
  readonly limiterBuffer: SharedArrayBuffer;
}

export function post(message: WorkerToMain): void {
  parentPort?.postMessage(message);
}

export function workerLogger(level: LogLevel, thread: string): Logger {
  return new ForwardingLogger(level, thread, (record) => post({ type: 'log', record }));
}

export function alert(alertEvent: AlertEvent): void {
  post({ type: 'alert', alert: alertEvent });
}

/**
 * Of the REST call counter, the share routine polling leaves free: settling an order in doubt
 * (QueryOrders 1 unit, OpenOrders 1 + ClosedOrders 2) and token requests go first.
 */
export const ROUTINE_RESERVE_SHARE = 1 / 3;

/**
 * A REST client on the shared key. `routine` (the fetcher's polls) leaves part of the call counter
 * to the others and yields the private call gate to them; a client given `log` logs each time it
 * takes the gate over from a routine call that hung (its nonce may then be refused).
 */
export function restClient(
  access: RestAccess,
  o: { timeoutMs?: number; routine?: boolean; log?: Logger } = {},
): KrakenRestClient {
  const routine = o.routine === true;
  const log = o.log;
  return new KrakenRestClient({
    baseUrl: access.url,
    apiKey: access.apiKey ?? undefined,
    apiSecret: access.apiSecret ?? undefined,
    tier: access.tier,
    nonce: new NonceGenerator(access.nonceBuffer),
    callGateBuffer: access.callGateBuffer,
    rateLimiterBuffer: access.limiterBuffer,
    rateLimiterReserve: routine
      ? Math.floor(KRAKEN_REST_TIERS[access.tier].maxCounter * ROUTINE_RESERVE_SHARE)
      : 0,
    timeoutMs: o.timeoutMs,
    routine,
    onCallGateTakeover:
      log === undefined
        ? undefined
        : (method, heldForMs) =>
            log.warn('private REST call went ahead of a balance or fee poll unanswered for seconds', {
              method,
              pollHeldMs: heldForMs,
              note: 'the poll, if it reaches Kraken after this call, is refused as an invalid nonce',
            }),
  });
}

/** This thread's view of the process-wide connection budget; each wait is logged as such. */
export function connectionBudget(buffer: SharedArrayBuffer, log: Logger): ConnectionBudget {
  return new ConnectionBudget(buffer, {
    onWait: (w) =>
      log.warn('waiting on the Kraken connection budget', {
        who: w.who,
        waitMs: w.waitMs,
        attemptsInLast10Min: w.used,
        budget: w.limit,
      }),
  });
}

/** Calls `onShutdown` once when main asks this worker to stop. */
export function onShutdownMessage(onShutdown: () => void): void {
  let done = false;
  parentPort?.on('message', (m: MainToWorker) => {
    if (m.type === 'shutdown' && !done) {
      done = true;
      onShutdown();
    }
  });
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
