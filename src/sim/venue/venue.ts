/**
 * The simulated venue (contracts.ts SimVenue): accounts per API key, order validation with
 * Kraken's exact error strings, matching against the market's book, fees from the pair's tier
 * schedule, holds, events and tokens. Placing an order is place-order.ts; a key's state is
 * key-state.ts.
 *
 * Simple by design (documented limits): resting GTC orders hold funds but are never matched later
 * by market moves; they rest until canceled. GTD and relative prices are refused as invalid.
 */
import type { SimOrder, SimVenue, SystemStatus, VenueEvent, VenueResult } from '../contracts.js';
import { Account } from './accounts.js';
import { createIdGenerator } from './ids.js';
import { KeyState } from './key-state.js';
import { CANCEL_REASON } from './order-rules.js';
import { placeOrder } from './place-order.js';
import { cancelPenalty, TRADING_LIMITS } from './rate-counter.js';
import { TokenStore } from './tokens.js';
import { epochMs } from '../../clock/clock.js';
import {
  emitAll,
  err,
  nowSec,
  type VenueAccountSpec,
  type VenueCore,
  type VenueOptions,
  type VenueStats,
} from './venue-core.js';

export type { VenueAccountSpec, VenueOptions } from './venue-core.js';

/** SimVenue plus what the simulator's own servers need. */
export interface VenueImpl extends SimVenue {
  hasKey(apiKey: string): boolean;
  addAccount(spec: VenueAccountSpec): void;
  /** System status listeners (WS servers broadcast `systemStatus`). */
  onSystemStatus(listener: (status: SystemStatus) => void): () => void;
  /** Current docs/kraken-protocol.md §5.2 trading counter of a key on a pair (v1 openOrders `ratecount`). */
  rateCount(apiKey: string, pairIndex: number): number;
  readonly tradingLimits: { threshold: number; decayPerSec: number; maxOpenOrders: number };
  /** Totals for the control API. */
  stats(): VenueStats;
}

/** Removes `item` from `set` when called: what every `on…` subscription returns. */
function subscribe<T>(set: Set<T>, item: T): () => void {
  set.add(item);
  return () => {
    set.delete(item);
  };
}

export function createVenue(options: VenueOptions): VenueImpl {
  const core: VenueCore = {
    market: options.market,
    faults: options.faults,
    timing: options.timing,
    // Epoch ms with µs resolution: opentm/closetm/trade times carry microseconds like Kraken's.
    nowMs: options.nowMs ?? epochMs,
    limits: TRADING_LIMITS[options.tier ?? 'starter'],
    ids: createIdGenerator(options.seed ?? 1),
    keys: new Map(),
    listeners: new Set(),
    stats: { ordersAccepted: 0, ordersRejected: 0, trades: 0, listenerErrors: 0, rejectsByError: {} },
    status: 'online',
  };
  const venue: VenueImpl = { ...statusApi(core), ...accountApi(core), ...tokenApi(core) };
  for (const a of options.accounts) venue.addAccount(a);
  return venue;
}

/** The system status, its listeners, the event listeners and the totals. */
function statusApi(
  core: VenueCore,
): Pick<
  VenueImpl,
  'market' | 'tradingLimits' | 'systemStatus' | 'setSystemStatus' | 'onSystemStatus' | 'onEvent' | 'stats'
> {
  const statusListeners = new Set<(s: SystemStatus) => void>();
  return {
    market: core.market,
    tradingLimits: core.limits,
    systemStatus: () => core.status,
    setSystemStatus(s) {
      if (s === core.status) return;
      core.status = s;
      for (const l of [...statusListeners]) l(s);
    },
    onSystemStatus: (l) => subscribe(statusListeners, l),
    onEvent: (l) => subscribe(core.listeners, l),
    stats: () => ({ ...core.stats, rejectsByError: { ...core.stats.rejectsByError } }),
  };
}

/** Per-key accounts, their orders, trades, fees and counters. */
function accountApi(
  core: VenueCore,
): Omit<VenueImpl, keyof ReturnType<typeof statusApi> | keyof ReturnType<typeof tokenApi>> {
  const { keys, market } = core;
  return {
    addOrder: (apiKey, req) => placeOrder(core, apiKey, req),
    cancelOrder: (apiKey, ref) => cancelOrder(core, apiKey, ref),
    balances: (apiKey) => keys.get(apiKey)?.account.assets ?? new Map(),
    openOrders: (apiKey) => [...(keys.get(apiKey)?.open.values() ?? [])],
    closedOrders: (apiKey) => keys.get(apiKey)?.closed ?? [],
    order: (apiKey, txid) => keys.get(apiKey)?.orders.get(txid),
    trades: (apiKey) => keys.get(apiKey)?.trades ?? [],
    feeFor(apiKey, pairIndex) {
      const ks = keys.get(apiKey);
      const pair = market.pairs[pairIndex];
      if (ks === undefined || pair === undefined) return { volumeUsd: 0, takerPct: 0, makerPct: 0 };
      return { volumeUsd: ks.account.volumeUsd, ...ks.fees(pair) };
    },
    hasKey: (apiKey) => keys.has(apiKey),
    addAccount(spec) {
      keys.set(spec.apiKey, new KeyState(new Account(spec.balances, spec.volumeUsd ?? 0), core.limits));
    },
    rateCount(apiKey, pairIndex) {
      const ks = keys.get(apiKey);
      return ks === undefined ? 0 : ks.counter(pairIndex).current(core.nowMs());
    },
  };
}

/** WS tokens: issued per key, expiring, all expired on demand (a fault). */
function tokenApi(core: VenueCore): Pick<VenueImpl, 'issueToken' | 'apiKeyForToken' | 'expireTokens'> {
  const tokens = new TokenStore(core.ids.token);
  return {
    issueToken: (apiKey) => tokens.issue(apiKey, core.nowMs()),
    apiKeyForToken: (token) => tokens.apiKeyFor(token, core.nowMs()),
    expireTokens: () => tokens.expireAll(),
  };
}

/** Cancels by txid, clOrdId or userref (all of the key's open orders with that userref). */
function cancelOrder(core: VenueCore, apiKey: string, ref: string): VenueResult<{ count: number }> {
  const ks = core.keys.get(apiKey);
  if (ks === undefined) return err('EAPI:Invalid key');
  if (core.status === 'maintenance') return err('EService:Unavailable');
  if (typeof ref !== 'string' || ref.length === 0) return err('EGeneral:Invalid arguments:txid');
  const isUserref = /^-?\d+$/.test(ref);
  const targets: SimOrder[] = [];
  for (const o of ks.open.values()) {
    if (o.txid === ref || o.clOrdId === ref || (isUserref && String(o.userref) === ref)) targets.push(o);
  }
  if (targets.length === 0) return err('EOrder:Unknown order');
  const events: VenueEvent[] = [];
  const now = core.nowMs();
  for (const o of targets) {
    ks.counter(o.pairIndex).add(cancelPenalty(now / 1000 - o.opentm), now);
    ks.releaseHold(o.txid);
    o.status = 'canceled';
    o.reason = CANCEL_REASON.user;
    o.closetm = nowSec(core);
    ks.archive(o);
    events.push({ kind: 'order', apiKey, order: { ...o }, fields: ['status', 'closetm', 'reason'] });
  }
  emitAll(core, events);
  return { ok: true, value: { count: targets.length } };
}
