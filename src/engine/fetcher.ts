/**
 * Fetcher: keeps balances (every 2 s) and fees (every 5 min) fresh in seqlocked shared memory.
 * Failures are retried on the next tick, logged and alerted, and never fatal: listeners see the last
 * good values and their age. Without credentials (evaluation mode) it publishes the notional
 * balances and the public first-tier fees once.
 */
import type { KrakenRestClient } from '../kraken/rest.js';
import { AppError } from '../core/app-error.js';
import type { Logger } from '../log/logger.js';
import type { AlertEvent } from './threads/messages.js';
import {
  BAL_EUR,
  BAL_ETH,
  BAL_USD,
  BAL_USDC,
  BAL_USDT,
  BAL_XBT,
  BAL_SPENT_EUR_AT_FETCH,
  BAL_SPENT_USD_AT_FETCH,
  BALANCE_FIELDS,
  SPENT_EUR,
  SPENT_FIELDS,
  SPENT_USD,
  FEE_COIN_TAKER,
  FEE_FIELDS,
  FEE_STABLE_TAKER,
  type SharedState,
} from './shared/shared-state.js';
import { SEQ_READ_OK } from './shared/seqlock.js';
import { errorText } from './threads/worker-context.js';
import {
  balanceFetchFailingAlert,
  balanceFetchRecoveredAlert,
  feeFetchFailingAlert,
  feeFetchRecoveredAlert,
} from '../notify/alerts.js';

export const BALANCE_INTERVAL_MS = 2_000;
export const FEE_INTERVAL_MS = 300_000;
const FEE_RETRY_MS = 30_000;
/** After this many failures in a row a fetch failure is alerted (one blip is normal). */
const ALERT_AFTER_FAILURES = 3;
/**
 * A fetch (its retries and its waits for the REST call counter included) gives up after this and
 * counts as failed, with Kraken's last answer as the reason: otherwise a poll kept waiting for room
 * (other callers refused and re-saturating the shared counter) would be silent, never logged nor
 * alerted, while the balances went stale.
 */
export const FETCH_DEADLINE_MS = 10_000;

/** Kraken asset ids (legacy and new) → shared balance slot. */
const ASSET_SLOTS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [BAL_USD, ['ZUSD', 'USD']],
  [BAL_EUR, ['ZEUR', 'EUR']],
  [BAL_USDT, ['USDT']],
  [BAL_USDC, ['USDC']],
  [BAL_XBT, ['XXBT', 'XBT']],
  [BAL_ETH, ['XETH', 'ETH']],
];

export interface FetcherOptions {
  shared: SharedState;
  rest: KrakenRestClient | null;
  log: Logger;
  alert: (a: AlertEvent) => void;
  /** Pair ids whose taker fee is the coin fee and the stablecoin fee (TradeVolume `pair`). */
  coinFeePairId: string;
  stableFeePairId: string;
  /** Fees to publish until TradeVolume answers (public AssetPairs first tier), as fractions. */
  fallbackFees: { coin: number; stable: number };
  /** Balances to publish when there are no credentials (evaluation mode). */
  notionalBalances: { USD: number; EUR: number };
  balanceIntervalMs?: number;
  feeIntervalMs?: number;
  nowUs: () => number;
  /** Every failed poll, with the endpoint and the error's code (`fetch_failure`). */
  onFailure?: (endpoint: string, code: string) => void;
}

export class Fetcher {
  private readonly balances = new Float64Array(BALANCE_FIELDS);
  private readonly fees = new Float64Array(FEE_FIELDS);
  private readonly spent = new Float64Array(SPENT_FIELDS);
  private balanceTimer: NodeJS.Timeout | null = null;
  private feeTimer: NodeJS.Timeout | null = null;
  private balanceFailures = 0;
  private feeFailures = 0;
  private stopped = false;
  balanceFetches = 0;
  feeFetches = 0;

  constructor(private readonly o: FetcherOptions) {}

  async start(): Promise<void> {
    this.fees[FEE_COIN_TAKER] = this.o.fallbackFees.coin;
    this.fees[FEE_STABLE_TAKER] = this.o.fallbackFees.stable;
    this.o.shared.fees.write(this.fees, this.o.nowUs());
    if (this.o.rest === null) {
      this.o.log.info('no credentials: notional balances and public fees', {
        balances: this.o.notionalBalances,
        fees: this.o.fallbackFees,
      });
      await this.fetchBalances();
      this.scheduleBalances();
      return;
    }
    await Promise.all([this.fetchBalances(), this.fetchFees()]);
    this.scheduleBalances();
    this.scheduleFees();
  }

  stop(): void {
    this.stopped = true;
    if (this.balanceTimer) clearTimeout(this.balanceTimer);
    if (this.feeTimer) clearTimeout(this.feeTimer);
  }

  private scheduleBalances(): void {
    if (this.stopped) return;
    this.balanceTimer = setTimeout(() => {
      void this.fetchBalances().finally(() => this.scheduleBalances());
    }, this.o.balanceIntervalMs ?? BALANCE_INTERVAL_MS);
  }

  private scheduleFees(): void {
    if (this.stopped) return;
    this.feeTimer = setTimeout(
      () => {
        void this.fetchFees().finally(() => this.scheduleFees());
        // A failed fee fetch is retried sooner than the 5-minute cadence.
      },
      this.feeFailures > 0 ? FEE_RETRY_MS : (this.o.feeIntervalMs ?? FEE_INTERVAL_MS),
    );
  }

  /** Available = balance − hold (BalanceEx), so money held by open orders is never spent twice. */
  async fetchBalances(): Promise<boolean> {
    const rest = this.o.rest;
    if (!rest) {
      // Re-written on the same cadence so readers' freshness checks hold in evaluation mode too.
      this.balances.fill(0);
      this.balances[BAL_USD] = this.o.notionalBalances.USD;
      this.balances[BAL_EUR] = this.o.notionalBalances.EUR;
      this.o.shared.balances.write(this.balances, this.o.nowUs());
      return true;
    }
    try {
      // What the trader had spent when we asked: anything spent later may be missing from the answer.
      if (this.o.shared.spent.read(this.spent) !== SEQ_READ_OK) this.spent.fill(0);
      const ex = await withDeadline((signal) => rest.balanceEx(signal));
      this.balances.fill(0);
      this.balances[BAL_SPENT_USD_AT_FETCH] = this.spent[SPENT_USD] as number;
      this.balances[BAL_SPENT_EUR_AT_FETCH] = this.spent[SPENT_EUR] as number;
      for (const [slot, ids] of ASSET_SLOTS) {
        let total = 0;
        for (const id of ids) total += ex[id]?.available ?? 0;
        this.balances[slot] = total;
      }
      this.o.shared.balances.write(this.balances, this.o.nowUs());
      this.balanceFetches++;
      if (this.balanceFailures >= ALERT_AFTER_FAILURES) {
        this.o.alert(balanceFetchRecoveredAlert());
      }
      this.balanceFailures = 0;
      return true;
    } catch (err) {
      this.balanceFailures++;
      this.o.onFailure?.('BalanceEx', errorCode(err));
      this.o.log.warn('balance fetch failed', { error: errorText(err), failures: this.balanceFailures });
      if (this.balanceFailures === ALERT_AFTER_FAILURES) {
        this.o.alert(balanceFetchFailingAlert(errorText(err)));
      }
      return false;
    }
  }

  async fetchFees(): Promise<boolean> {
    const rest = this.o.rest;
    if (!rest) return false;
    try {
      const pairs = [this.o.coinFeePairId, this.o.stableFeePairId];
      const tv = await withDeadline((signal) => rest.tradeVolume(pairs, signal));
      const coin = tv.fees[this.o.coinFeePairId]?.fee;
      const stable = tv.fees[this.o.stableFeePairId]?.fee;
      if (coin === undefined || !Number.isFinite(coin) || coin < 0 || coin >= 0.1) {
        throw new Error(`TradeVolume gave no usable taker fee for ${this.o.coinFeePairId}`);
      }
      this.fees[FEE_COIN_TAKER] = coin;
      this.fees[FEE_STABLE_TAKER] =
        stable !== undefined && Number.isFinite(stable) && stable >= 0 ? stable : coin;
      this.o.shared.fees.write(this.fees, this.o.nowUs());
      this.feeFetches++;
      if (this.feeFailures >= ALERT_AFTER_FAILURES) this.o.alert(feeFetchRecoveredAlert());
      this.feeFailures = 0;
      this.o.log.info('fees updated', {
        coinTaker: this.fees[FEE_COIN_TAKER],
        stableTaker: this.fees[FEE_STABLE_TAKER],
      });
      return true;
    } catch (err) {
      this.feeFailures++;
      this.o.onFailure?.('TradeVolume', errorCode(err));
      this.o.log.warn('fee fetch failed; keeping the last fees', {
        error: errorText(err),
        failures: this.feeFailures,
      });
      if (this.feeFailures === ALERT_AFTER_FAILURES) {
        this.o.alert(feeFetchFailingAlert(errorText(err)));
      }
      return false;
    }
  }
}

/** The reason a fetch is aborted at FETCH_DEADLINE_MS (shown as such when Kraken had not answered at all). */
export class FetchDeadlineError extends AppError {
  readonly code = 'FETCH_DEADLINE';
  readonly kind = 'io';
  constructor() {
    super(`no answer within ${FETCH_DEADLINE_MS} ms (retries and waits for the REST call counter included)`);
    this.name = 'FetchDeadlineError';
  }
}

/** Runs `fetch` with a signal that aborts at FETCH_DEADLINE_MS; the transport then throws Kraken's last answer. */
async function withDeadline<T>(fetch: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new FetchDeadlineError()), FETCH_DEADLINE_MS);
  try {
    return await fetch(deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** A Kraken or transport error's code (`EAPI:Rate limit exceeded`, `KRAKEN_TIMEOUT`…), else its class name. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  // Unknown Kraken errors keep their raw text as the code: bounded, as it becomes a metric tag.
  if (typeof code === 'string' && code !== '') return code.slice(0, 64);
  return err instanceof Error ? err.name : 'unknown';
}
