/**
 * The simulated venue (contracts.ts SimVenue): accounts per API key, order validation with
 * Kraken's exact error strings, matching against the market's book, fees from the pair's tier
 * schedule, holds, events and tokens.
 *
 * One call = one atomic step: addOrder validates, takes liquidity, settles every fill and only then
 * emits the order's events (pending → open → [trade, order delta]* → closed|canceled), so a listener
 * never sees a half-settled account.
 *
 * Simple by design (documented limits): resting GTC orders hold funds but are never matched later
 * by market moves; they rest until canceled. GTD and relative prices are refused as invalid.
 */
import type {
  OrderRequest,
  SimFaults,
  SimMarket,
  SimOrder,
  SimPair,
  SimTrade,
  SimVenue,
  SystemStatus,
  VenueEvent,
  VenueResult,
} from '../contracts.js';
import { Account, BALANCE_DECIMALS } from './accounts.js';
import { roundTo } from './decimal.js';
import { feeTier, isStableOrFxPair } from './fees.js';
import { createIdGenerator } from './ids.js';
import { estimateCost, planFundedBuy } from './matching.js';
import { CANCEL_REASON, describeOrder, settleFill, statusError, UNKNOWN_PAIR } from './order-rules.js';
import { cancelPenalty, DecayingCounter, TRADING_LIMITS, type Tier } from './rate-counter.js';
import { TokenStore } from './tokens.js';
import { parseOrder } from './validate-order.js';
import { usdRate } from './valuation.js';
import type { TimingRegistry } from '../timing.js';
import { epochMs } from '../../clock/clock.js';

/** Per key, orders and trades kept for the history endpoints; the oldest are dropped past this. */
const MAX_HISTORY = 50_000;

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
  stats(): {
    ordersAccepted: number;
    ordersRejected: number;
    trades: number;
    listenerErrors: number;
    rejectsByError: Record<string, number>;
  };
}

interface KeyState {
  account: Account;
  orders: Map<string, SimOrder>;
  open: Map<string, SimOrder>;
  closed: SimOrder[];
  trades: SimTrade[];
  counters: Map<number, DecayingCounter>;
  /** txid → held asset and amount. */
  holds: Map<string, { assetId: string; amount: number }>;
}

const err = <T>(error: string): VenueResult<T> => ({ ok: false, error });

/** The order's flags as Kraken reports them: the fee currency always named (fcib or fciq). */
function withFeeFlag(oflags: string, feeInBase: boolean): string {
  const flags = oflags.split(',').filter((f) => f !== '' && f !== 'fcib' && f !== 'fciq');
  flags.push(feeInBase ? 'fcib' : 'fciq');
  return flags.join(',');
}

/** Kraken's documented latest deadline: now + 60 s. */
const MAX_DEADLINE_AHEAD_MS = 60_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Kraken's `deadline` as the matching engine applies it: an order that reaches the engine after its
 * deadline is rejected, never executed (what lets a client settle an order whose ack it lost). A
 * malformed deadline, or one more than 60 s ahead, is an invalid argument.
 */
function deadlineError(deadline: string | undefined, nowMs: number): string | undefined {
  if (deadline === undefined) return undefined;
  const at = RFC3339.test(deadline) ? Date.parse(deadline) : Number.NaN;
  if (!Number.isFinite(at) || at - nowMs > MAX_DEADLINE_AHEAD_MS)
    return 'EGeneral:Invalid arguments:deadline';
  return nowMs > at ? 'EService:Deadline elapsed' : undefined;
}

export function createVenue(options: VenueOptions): VenueImpl {
  const { market } = options;
  // Epoch ms with µs resolution: opentm/closetm/trade times carry microseconds like Kraken's.
  const nowMs = options.nowMs ?? epochMs;
  const limits = TRADING_LIMITS[options.tier ?? 'starter'];
  const ids = createIdGenerator(options.seed ?? 1);
  const tokens = new TokenStore(ids.token);
  const keys = new Map<string, KeyState>();
  const listeners = new Set<(e: VenueEvent) => void>();
  const statusListeners = new Set<(s: SystemStatus) => void>();
  let status: SystemStatus = 'online';
  const stats = {
    ordersAccepted: 0,
    ordersRejected: 0,
    trades: 0,
    listenerErrors: 0,
    rejectsByError: {} as Record<string, number>,
  };

  const nowSec = (): number => roundTo(nowMs() / 1000, 6);
  const reject = <T>(error: string): VenueResult<T> => {
    stats.ordersRejected++;
    stats.rejectsByError[error] = (stats.rejectsByError[error] ?? 0) + 1;
    return err(error);
  };
  const counter = (ks: KeyState, pairIndex: number): DecayingCounter => {
    let c = ks.counters.get(pairIndex);
    if (c === undefined) {
      c = new DecayingCounter(limits.threshold, limits.decayPerSec);
      ks.counters.set(pairIndex, c);
    }
    return c;
  };
  const fees = (ks: KeyState, pair: SimPair): { takerPct: number; makerPct: number } => {
    const takerPct = feeTier(pair.takerFees, ks.account.volumeUsd).pct;
    const makerPct = pair.makerFees.length > 0 ? feeTier(pair.makerFees, ks.account.volumeUsd).pct : takerPct;
    return { takerPct, makerPct };
  };
  // The order is already settled when events go out: a throwing listener must not turn a placed
  // order into an error for the caller, nor starve the other listeners. Counted and reported.
  const emitAll = (events: VenueEvent[]): void => {
    for (const e of events) {
      for (const l of listeners) {
        try {
          l(e);
        } catch (error) {
          stats.listenerErrors++;
          process.stderr.write(
            `sim venue: event listener failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
      }
    }
  };
  const snapshot = (o: SimOrder): SimOrder => ({ ...o });
  const archive = (ks: KeyState, o: SimOrder): void => {
    ks.open.delete(o.txid);
    ks.closed.push(o);
    if (ks.closed.length > MAX_HISTORY) {
      const old = ks.closed.shift();
      if (old !== undefined) ks.orders.delete(old.txid);
    }
  };
  const releaseHold = (ks: KeyState, txid: string): void => {
    const h = ks.holds.get(txid);
    if (h === undefined) return;
    ks.account.releaseHold(h.assetId, h.amount);
    ks.holds.delete(txid);
  };

  function addOrder(apiKey: string, req: OrderRequest): VenueResult<{ txid: string; descr: string }> {
    const arrivedNs = process.hrtime.bigint();
    const forced = options.faults?.takeRejectNextOrder?.() ?? null;
    if (forced !== null) return reject(forced);
    const ks = keys.get(apiKey);
    if (ks === undefined) return reject('EAPI:Invalid key');
    const pairIndex = typeof req.pair === 'string' ? market.pairIndex(req.pair) : -1;
    const pair = market.pairs[pairIndex];
    if (pair === undefined) return reject(UNKNOWN_PAIR);
    if (options.timing !== undefined && (req.type === 'buy' || req.type === 'sell')) {
      const limit = req.ordertype === 'limit' ? Number(req.price) : req.type === 'buy' ? Infinity : 0;
      options.timing.orderArrived(pairIndex, req.type, limit, arrivedNs);
    }
    const stErr = statusError(status, pair, req);
    if (stErr !== undefined) return reject(stErr);
    const now = nowMs();
    const deadlineErr = deadlineError(req.deadline, now);
    if (deadlineErr !== undefined) return reject(deadlineErr);
    // docs/kraken-protocol.md §5.2: the fixed +1 applies even when validation then fails.
    if (!counter(ks, pairIndex).tryAdd(1, now)) return reject('EOrder:Rate limit exceeded');

    const parsed = parseOrder(req, pair);
    if (!parsed.ok) return reject(parsed.error);
    const o = parsed.order;
    if (o.volume < pair.ordermin) return reject('EOrder:Order minimum not met');
    const takeSide = o.type === 'buy' ? 'ask' : 'bid';
    const book = market.levels(pairIndex, takeSide);
    const refPrice = o.ordertype === 'limit' ? o.price : (book[0]?.price ?? 0);
    if (pair.costmin > 0 && refPrice > 0 && refPrice * o.volume < pair.costmin)
      return reject('EOrder:Cost minimum not met');
    let openOnPair = 0;
    for (const x of ks.open.values()) if (x.pairIndex === pairIndex) openOnPair++;
    if (openOnPair >= limits.maxOpenOrders) return reject('EOrder:Orders limit exceeded');

    const { takerPct } = fees(ks, pair);
    const feeFactor = 1 + takerPct / 100;
    // The fee's currency pays it: quote for fciq, base for fcib (validate-order.ts).
    const quoteFactor = o.feeInBase ? 1 : feeFactor;
    const baseFactor = o.feeInBase ? feeFactor : 1;
    const acct = ks.account;
    if (o.type === 'buy') {
      const need =
        o.ordertype === 'limit'
          ? o.price * o.volume * quoteFactor
          : estimateCost(book, o.volume) * quoteFactor;
      if (acct.available(pair.quoteId) < roundTo(need, BALANCE_DECIMALS))
        return reject('EOrder:Insufficient funds');
    } else if (acct.available(pair.baseId) < roundTo(o.volume * baseFactor, BALANCE_DECIMALS)) {
      return reject('EOrder:Insufficient funds');
    }
    const descr = describeOrder(pair, o.type, o.ordertype, o.volume, o.price);
    if (req.validate === true) return { ok: true, value: { txid: '', descr } };

    // ---- accepted: create, match, settle; events go out at the end.
    stats.ordersAccepted++;
    const events: VenueEvent[] = [];
    const opentm = nowSec();
    const order: SimOrder = {
      txid: ids.orderId(),
      userref: o.userref,
      pairIndex,
      type: o.type,
      ordertype: o.ordertype,
      price: o.price,
      volume: o.volume,
      volExec: 0,
      cost: 0,
      fee: 0,
      avgPrice: 0,
      status: 'pending',
      timeinforce: o.ordertype === 'market' ? 'IOC' : o.timeinforce,
      oflags: withFeeFlag(o.oflags, o.feeInBase),
      opentm,
      closetm: 0,
      descr,
    };
    if (o.clOrdId !== undefined) order.clOrdId = o.clOrdId;
    ks.orders.set(order.txid, order);
    ks.open.set(order.txid, order);
    events.push({
      kind: 'order',
      apiKey,
      order: snapshot(order),
      fields: Object.keys(order) as Array<keyof SimOrder>,
    });
    order.status = 'open';
    events.push({ kind: 'order', apiKey, order: snapshot(order), fields: ['status'] });

    let reason: string | undefined;
    const best = book[0];
    const crosses =
      best !== undefined &&
      (o.ordertype === 'market' || (o.type === 'buy' ? best.price <= o.price : best.price >= o.price));
    if (o.post && crosses) {
      reason = CANCEL_REASON.postOnly;
    } else if (crosses) {
      const cap = options.faults?.fillCapNextOrder ?? null;
      if (cap !== null && options.faults !== undefined) options.faults.fillCapNextOrder = null;
      let qty = cap !== null ? Math.min(o.volume, cap) : o.volume;
      let limit = o.ordertype === 'limit' ? o.price : o.type === 'buy' ? Infinity : 0;
      if (o.ordertype === 'market' && o.type === 'buy') {
        const plan = planFundedBuy(
          book,
          o.volume,
          acct.available(pair.quoteId),
          quoteFactor,
          pair.lotDecimals,
        );
        qty = plan.qty;
        limit = plan.worstPrice;
        if (qty < o.volume) reason = CANCEL_REASON.fundsExhausted;
      }
      const fills = qty > 0 ? market.take(pairIndex, takeSide, qty, limit) : [];
      for (const f of fills) {
        const remaining = roundTo(o.volume - order.volExec, pair.lotDecimals);
        const q = Math.min(roundTo(f.qty, pair.lotDecimals), remaining);
        if (!(q > 0) || !(f.price > 0) || !Number.isFinite(f.price)) continue;
        const { cost, fee } = settleFill(acct, pair, order, f.price, q, takerPct);
        if (!isStableOrFxPair(pair.base)) acct.volumeUsd += cost * usdRate(market, pair.quoteId);
        const trade: SimTrade = {
          tradeId: ids.tradeId(),
          ordertxid: order.txid,
          pairIndex,
          time: nowSec(),
          type: o.type,
          ordertype: o.ordertype,
          price: f.price,
          vol: q,
          cost,
          fee,
          userref: o.userref,
        };
        if (o.clOrdId !== undefined) trade.clOrdId = o.clOrdId;
        if (o.feeInBase) trade.feeInBase = true;
        ks.trades.push(trade);
        if (ks.trades.length > MAX_HISTORY) ks.trades.shift();
        stats.trades++;
        events.push({ kind: 'trade', apiKey, trade });
        events.push({
          kind: 'order',
          apiKey,
          order: snapshot(order),
          fields: ['volExec', 'cost', 'fee', 'avgPrice'],
        });
      }
    }

    const remaining = roundTo(o.volume - order.volExec, pair.lotDecimals);
    if (remaining <= 0) {
      order.status = 'closed';
    } else if (reason !== undefined || o.ordertype === 'market' || o.timeinforce === 'IOC') {
      order.status = 'canceled';
      order.reason =
        reason ?? (o.ordertype === 'market' ? CANCEL_REASON.noLiquidity : CANCEL_REASON.iocRemainder);
    } else {
      // Rests: hold what the remainder could cost (quote incl. taker fee for buys, base for sells).
      const h =
        o.type === 'buy'
          ? { assetId: pair.quoteId, amount: roundTo(remaining * o.price * quoteFactor, BALANCE_DECIMALS) }
          : { assetId: pair.baseId, amount: roundTo(remaining * baseFactor, BALANCE_DECIMALS) };
      acct.addHold(h.assetId, h.amount);
      ks.holds.set(order.txid, h);
    }
    if (order.status !== 'open') {
      order.closetm = nowSec();
      archive(ks, order);
      const fields: Array<keyof SimOrder> =
        order.reason === undefined ? ['status', 'closetm'] : ['status', 'closetm', 'reason'];
      events.push({ kind: 'order', apiKey, order: snapshot(order), fields });
    }
    emitAll(events);
    return { ok: true, value: { txid: order.txid, descr } };
  }

  function cancelOrder(apiKey: string, ref: string): VenueResult<{ count: number }> {
    const ks = keys.get(apiKey);
    if (ks === undefined) return err('EAPI:Invalid key');
    if (status === 'maintenance') return err('EService:Unavailable');
    if (typeof ref !== 'string' || ref.length === 0) return err('EGeneral:Invalid arguments:txid');
    const isUserref = /^-?\d+$/.test(ref);
    const targets: SimOrder[] = [];
    for (const o of ks.open.values()) {
      if (o.txid === ref || o.clOrdId === ref || (isUserref && String(o.userref) === ref)) targets.push(o);
    }
    if (targets.length === 0) return err('EOrder:Unknown order');
    const events: VenueEvent[] = [];
    const now = nowMs();
    for (const o of targets) {
      counter(ks, o.pairIndex).add(cancelPenalty(now / 1000 - o.opentm), now);
      releaseHold(ks, o.txid);
      o.status = 'canceled';
      o.reason = CANCEL_REASON.user;
      o.closetm = nowSec();
      archive(ks, o);
      events.push({ kind: 'order', apiKey, order: snapshot(o), fields: ['status', 'closetm', 'reason'] });
    }
    emitAll(events);
    return { ok: true, value: { count: targets.length } };
  }

  const venue: VenueImpl = {
    market,
    tradingLimits: limits,
    systemStatus: () => status,
    setSystemStatus(s) {
      if (s === status) return;
      status = s;
      for (const l of [...statusListeners]) l(s);
    },
    onSystemStatus(l) {
      statusListeners.add(l);
      return () => {
        statusListeners.delete(l);
      };
    },
    addOrder,
    cancelOrder,
    balances: (apiKey) => keys.get(apiKey)?.account.assets ?? new Map(),
    openOrders: (apiKey) => [...(keys.get(apiKey)?.open.values() ?? [])],
    closedOrders: (apiKey) => keys.get(apiKey)?.closed ?? [],
    order: (apiKey, txid) => keys.get(apiKey)?.orders.get(txid),
    trades: (apiKey) => keys.get(apiKey)?.trades ?? [],
    feeFor(apiKey, pairIndex) {
      const ks = keys.get(apiKey);
      const pair = market.pairs[pairIndex];
      if (ks === undefined || pair === undefined) return { volumeUsd: 0, takerPct: 0, makerPct: 0 };
      return { volumeUsd: ks.account.volumeUsd, ...fees(ks, pair) };
    },
    onEvent(l) {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
    issueToken: (apiKey) => tokens.issue(apiKey, nowMs()),
    apiKeyForToken: (token) => tokens.apiKeyFor(token, nowMs()),
    expireTokens: () => tokens.expireAll(),
    hasKey: (apiKey) => keys.has(apiKey),
    addAccount(spec) {
      keys.set(spec.apiKey, {
        account: new Account(spec.balances, spec.volumeUsd ?? 0),
        orders: new Map(),
        open: new Map(),
        closed: [],
        trades: [],
        counters: new Map(),
        holds: new Map(),
      });
    },
    rateCount(apiKey, pairIndex) {
      const ks = keys.get(apiKey);
      return ks === undefined ? 0 : counter(ks, pairIndex).current(nowMs());
    },
    stats: () => ({ ...stats, rejectsByError: { ...stats.rejectsByError } }),
  };
  for (const a of options.accounts) venue.addAccount(a);
  return venue;
}
