/**
 * createMarket: the simulator's market model behind the SimMarket seam. Deterministic from a seed:
 * `step(nowMs)` advances sim time synchronously (tests), and `start()` drives the same step from a
 * ~1 ms timer on a monotonic clock, computing how many updates are due from elapsed time so the
 * rate holds whatever the timer granularity (with a cap on catch-up after a stall).
 * Updates are spaced exactly 1000 / updatesPerSecond ms apart in sim time, so after T ms of sim
 * time `stats().updates` is ⌊T × rate / 1000⌋ (+1 when a two-book event straddles T).
 */
import { performance } from 'node:perf_hooks';
import type { BookChange, BookLevel, SimMarket, SimPair, Side } from '../contracts.js';
import type { PairStatus } from '../../core/pair.js';
import {
  type Dislocation,
  type DislocationListener,
  type DislocationRequest,
  Dislocations,
} from './dislocations.js';
import { Feed } from './feed.js';
import { retarget } from './liquidity.js';
import { type MarketOptions, resolveParams } from './market-params.js';
import { type MarketCounters, type MarketState, buildState, krakenTs } from './market-state.js';
import type { Fill } from './order-book.js';
import { type SimCoin, type SimUniverse, generateUniverse } from './universe.js';

/** Timer period of the driver, ms (Node's minimum). */
const TICK_MS = 1;
/** Closed dislocations kept for inspection (oldest dropped first). */
const MAX_DISLOCATION_HISTORY = 10_000;

export interface MarketStats extends MarketCounters {
  /** Sim time, ms since creation. */
  nowMs: number;
  openDislocations: number;
}

export interface SimMarketModel extends SimMarket {
  readonly universe: SimUniverse;
  readonly coins: readonly SimCoin[];
  /** Advance sim time to `nowMs` (ms since creation, non-decreasing), running every event due. */
  step(nowMs: number): void;
  /** Current sim time, ms since creation. */
  now(): number;
  stats(): MarketStats;
  /** Open dislocations. */
  dislocations(): readonly Readonly<Dislocation>[];
  /** Recently closed dislocations, oldest first (bounded). */
  dislocationHistory(): readonly Readonly<Dislocation>[];
  /** Subscribe to dislocation open/taken/closed; returns an unsubscribe function. */
  onDislocation(listener: DislocationListener): () => void;
  /** Open a dislocation now (control API, tests); null when impossible (coin busy). */
  dislocate(req?: DislocationRequest): Readonly<Dislocation> | null;
  /** Fair mid of a pair (before quote noise), in its quote currency. */
  fairPrice(pairIndex: number): number;
  /**
   * Fault: publishes one quote for `pairIndex` that is not the book's — its top moved by `pricePct`
   * percent and Kraken's timestamp `aheadMs` in the future — as bad venue data would. The book and
   * matching are untouched. False when the pair has no book top.
   */
  injectQuote(pairIndex: number, pricePct: number, aheadMs: number): boolean;
  /** Fault/drill: a pair's trading status changes (AssetPairs and order checks follow it). */
  setPairStatus(pairIndex: number, status: PairStatus): boolean;
  readonly running: boolean;
}

export function createMarket(options: MarketOptions = {}): SimMarketModel {
  const params = resolveParams(options);
  const universe = generateUniverse({ seed: params.seed, coins: params.coins });
  const clockMs = options.clockMs ?? (() => performance.now());
  const clockNs = options.clockNs ?? (() => process.hrtime.bigint());
  const changeListeners = new Set<(c: BookChange) => void>();
  const dislocationListeners = new Set<DislocationListener>();
  const history: Dislocation[] = [];

  const reportError = (err: unknown): void => {
    state.counters.listenerErrors++;
    options.onListenerError?.(err);
  };
  // A listener's exception is counted and reported, never allowed to stop the feed mid-event.
  const emit = (change: BookChange): void => {
    for (const l of changeListeners) {
      try {
        l(change);
      } catch (err) {
        reportError(err);
      }
    }
  };
  const notify: DislocationListener = (d, phase) => {
    if (phase === 'closed') {
      history.push(d as Dislocation);
      if (history.length > MAX_DISLOCATION_HISTORY) history.shift();
    }
    for (const l of dislocationListeners) {
      try {
        l(d, phase);
      } catch (err) {
        reportError(err);
      }
    }
  };

  const state: MarketState = buildState(params, universe, emit);
  const feed = new Feed(state);
  const dislocations = new Dislocations(state, feed, notify, clockNs);
  const intervalMs = params.updatesPerSecond > 0 ? 1000 / params.updatesPerSecond : Infinity;
  const meanGapMs = params.dislocationsPerMinute > 0 ? 60_000 / params.dislocationsPerMinute : Infinity;
  let updateSeq = 0;
  let nextUpdateAtMs = intervalMs;
  let nextDislocationAtMs = state.dislocationRng.exponential(meanGapMs);
  const refillDue = new Map<number, number>();
  const names = new Map<string, number>();
  universe.pairs.forEach((p, i) => {
    for (const n of [p.wsname, p.symbol, p.id, p.altname]) if (!names.has(n)) names.set(n, i);
  });

  let timer: NodeJS.Timeout | null = null;
  let anchorMs = 0;

  function nextRefill(): number {
    let t = Infinity;
    for (const due of refillDue.values()) if (due < t) t = due;
    return t;
  }

  function runRefills(nowMs: number): void {
    for (const [pairIndex, due] of refillDue) {
      if (due > nowMs) continue;
      refillDue.delete(pairIndex);
      const coin = state.coinOfPair[pairIndex]!;
      // A dislocated pair is re-quoted when the dislocation closes.
      if (coin >= 0 && state.frozen[coin] !== 0) continue;
      const bids: BookLevel[] = [];
      const asks: BookLevel[] = [];
      const ts = krakenTs(params, nowMs);
      retarget(
        state.books[pairIndex]!,
        state.shapes[pairIndex]!,
        state.fundamentals.fair(pairIndex, coin),
        state.bookRng,
        ts,
        bids,
        asks,
      );
      state.counters.refills++;
      if (bids.length > 0 || asks.length > 0) emit({ pairIndex, bids, asks, ts });
    }
  }

  function step(nowMs: number): void {
    if (!(nowMs >= state.nowMs)) return;
    // Bounded: each pass runs one event and every kind of event moves its own next time forward.
    for (;;) {
      const tU = nextUpdateAtMs;
      const tD = nextDislocationAtMs;
      const tE = dislocations.nextExpiryMs();
      const tR = refillDue.size > 0 ? nextRefill() : Infinity;
      const t = Math.min(tU, tD, tE, tR);
      if (!(t <= nowMs)) break;
      if (t > state.nowMs) state.nowMs = t;
      if (t === tE) dislocations.expireDue(state.nowMs);
      else if (t === tR) runRefills(state.nowMs);
      else if (t === tD) {
        dislocations.openOne();
        nextDislocationAtMs += state.dislocationRng.exponential(meanGapMs);
      } else {
        const n = feed.runUpdate();
        state.counters.updates += n;
        updateSeq += n;
        nextUpdateAtMs = (updateSeq + 1) * intervalMs;
      }
    }
    state.nowMs = nowMs;
  }

  function currentMs(): number {
    return timer !== null ? Math.max(state.nowMs, clockMs() - anchorMs) : state.nowMs;
  }

  function tick(): void {
    timer = setTimeout(tick, TICK_MS);
    const now = clockMs() - anchorMs;
    const floor = now - params.maxCatchUpMs;
    if (nextUpdateAtMs < floor) {
      // After a stall, drop what is older than the cap instead of bursting it all out.
      const skip = Math.floor((floor - nextUpdateAtMs) / intervalMs);
      updateSeq += skip;
      state.counters.skippedUpdates += skip;
      nextUpdateAtMs = (updateSeq + 1) * intervalMs;
    }
    if (nextDislocationAtMs < floor) nextDislocationAtMs = floor;
    step(now);
  }

  function take(pairIndex: number, side: Side, qty: number, limit: number): Fill[] {
    const book = state.books[pairIndex];
    if (
      book === undefined ||
      (side !== 'bid' && side !== 'ask') ||
      !(qty > 0) ||
      !Number.isFinite(qty) ||
      limit !== limit
    ) {
      state.counters.badTakes++;
      return [];
    }
    // Volumes arrive on the lot grid; the epsilon only absorbs the binary error of qty × 10^d.
    const lots = Math.floor(qty * book.lotScale + 1e-6);
    const limitTicks =
      limit === Infinity
        ? Infinity
        : side === 'ask'
          ? Math.floor(limit * book.priceScale + 1e-6)
          : Math.ceil(limit * book.priceScale - 1e-6);
    const fills: Fill[] = [];
    if (lots <= 0) return fills;
    const nowMs = currentMs();
    const ts = krakenTs(params, nowMs);
    const changed: BookLevel[] = [];
    book.take(side, lots, limitTicks, ts, fills, changed);
    if (fills.length === 0) return fills;
    state.counters.takes++;
    dislocations.onFills(pairIndex, side, fills, nowMs);
    if (!refillDue.has(pairIndex)) refillDue.set(pairIndex, nowMs + params.refillDelayMs);
    emit(
      side === 'bid'
        ? { pairIndex, bids: changed, asks: [], ts }
        : { pairIndex, bids: [], asks: changed, ts },
    );
    return fills;
  }

  return {
    pairs: universe.pairs as readonly SimPair[],
    universe,
    coins: universe.coins,
    pairIndex: (name) => names.get(name) ?? -1,
    levels: (pairIndex, side) => state.books[pairIndex]?.levels(side) ?? [],
    take,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onDislocation(listener) {
      dislocationListeners.add(listener);
      return () => dislocationListeners.delete(listener);
    },
    start() {
      if (timer !== null) return;
      anchorMs = clockMs() - state.nowMs;
      // Kraken timestamps follow the wall clock from here on, however long ago the market was built.
      if (options.epochMs === undefined) params.epochMs = Date.now() - state.nowMs;
      timer = setTimeout(tick, TICK_MS);
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    get running() {
      return timer !== null;
    },
    step,
    now: () => state.nowMs,
    stats: () => ({ ...state.counters, nowMs: state.nowMs, openDislocations: dislocations.open.length }),
    dislocations: () => dislocations.open,
    dislocationHistory: () => history,
    dislocate: (req) => dislocations.openOne(req),
    fairPrice: (pairIndex) => {
      const coin = state.coinOfPair[pairIndex];
      return coin === undefined ? NaN : state.fundamentals.fair(pairIndex, coin);
    },
    injectQuote(pairIndex, pricePct, aheadMs) {
      const bid = state.books[pairIndex]?.levels('bid')[0];
      const ask = state.books[pairIndex]?.levels('ask')[0];
      if (bid === undefined || ask === undefined) return false;
      const k = 1 + pricePct / 100;
      const ts = krakenTs(params, currentMs()) + aheadMs / 1000;
      emit({
        pairIndex,
        bids: [],
        asks: [],
        ts,
        quoteOverride: {
          bid: { price: bid.price * k, qty: bid.qty, ts },
          ask: { price: ask.price * k, qty: ask.qty, ts },
        },
      });
      return true;
    },
    setPairStatus(pairIndex, status) {
      const pair = universe.pairs[pairIndex] as { status: PairStatus } | undefined;
      if (pair === undefined) return false;
      pair.status = status;
      return true;
    },
  };
}
