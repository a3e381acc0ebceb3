/**
 * The venue's shared state — keys, listeners, totals, system status — and the three things every
 * venue operation does with it: read the clock, count a reject, emit events.
 */
import type { SimFaults, SimMarket, SystemStatus, VenueEvent, VenueResult } from '../contracts.js';
import type { TimingRegistry } from '../timing.js';
import { roundTo } from './decimal.js';
import type { IdGenerator } from './ids.js';
import type { KeyState } from './key-state.js';
import type { Tier } from './rate-counter.js';

export interface VenueAccountSpec {
  apiKey: string;
  /** Asset id → starting balance, e.g. { ZUSD: 250000, ZEUR: 250000, USDT: 10000 }. */
  balances: Readonly<Record<string, number>>;
  /** Starting 30-day volume in USD (fee tier). */
  volumeUsd?: number;
}

export interface VenueOptions {
  market: SimMarket;
  accounts: readonly VenueAccountSpec[];
  seed?: number;
  /** `rejectNextOrder` is consumed here, so REST and WS orders share the fault. */
  faults?: SimFaults & { takeRejectNextOrder?: () => string | null };
  timing?: TimingRegistry;
  /** Trading-limit tier (docs/kraken-protocol.md §5.2); default starter. */
  tier?: Tier;
  /** Epoch ms; injectable for tests. */
  nowMs?: () => number;
}

export interface VenueStats {
  ordersAccepted: number;
  ordersRejected: number;
  trades: number;
  listenerErrors: number;
  rejectsByError: Record<string, number>;
}

export interface VenueCore {
  readonly market: SimMarket;
  readonly faults: VenueOptions['faults'];
  readonly timing: TimingRegistry | undefined;
  readonly nowMs: () => number;
  readonly limits: { threshold: number; decayPerSec: number; maxOpenOrders: number };
  readonly ids: IdGenerator;
  readonly keys: Map<string, KeyState>;
  readonly listeners: Set<(e: VenueEvent) => void>;
  readonly stats: VenueStats;
  status: SystemStatus;
}

export const err = <T>(error: string): VenueResult<T> => ({ ok: false, error });

/** Epoch seconds with µs, as Kraken stamps opentm/closetm/trade times. */
export const nowSec = (core: VenueCore): number => roundTo(core.nowMs() / 1000, 6);

/** A refused order: counted in total and by error string for the control API. */
export function reject<T>(core: VenueCore, error: string): VenueResult<T> {
  core.stats.ordersRejected++;
  core.stats.rejectsByError[error] = (core.stats.rejectsByError[error] ?? 0) + 1;
  return err(error);
}

/**
 * The order is already settled when events go out: a throwing listener must not turn a placed
 * order into an error for the caller, nor starve the other listeners. Counted and reported.
 */
export function emitAll(core: VenueCore, events: readonly VenueEvent[]): void {
  for (const e of events) {
    for (const l of core.listeners) {
      try {
        l(e);
      } catch (error) {
        core.stats.listenerErrors++;
        process.stderr.write(
          `sim venue: event listener failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  }
}
