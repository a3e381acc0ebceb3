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
  return new MarketModel(options);
}

/** The market's clock, its event schedule (updates, dislocations, expiries, refills) and the SimMarket seam. */
class MarketModel implements SimMarketModel {
  readonly pairs: readonly SimPair[];
  readonly universe: SimUniverse;
  readonly coins: readonly SimCoin[];
  private readonly params: ReturnType<typeof resolveParams>;
  private readonly clockMs: () => number;
  private readonly state: MarketState;
  private readonly feed: Feed;
  private readonly dislocationBook: Dislocations;
  private readonly changeListeners = new Set<(c: BookChange) => void>();
  private readonly dislocationListeners = new Set<DislocationListener>();
  private readonly history: Dislocation[] = [];
  private readonly intervalMs: number;
  private readonly meanGapMs: number;
  private updateSeq = 0;
  private nextUpdateAtMs: number;
  private nextDislocationAtMs: number;
  /** pairIndex → sim time its book is re-quoted after a take. */
  private readonly refillDue = new Map<number, number>();
  /** Every name a pair goes by (wsname, symbol, id, altname) → its index; the first pair wins. */
  private readonly names = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private anchorMs = 0;

  constructor(private readonly options: MarketOptions) {
    const params = resolveParams(options);
    this.params = params;
    this.universe = generateUniverse({
      seed: params.seed,
      coins: params.coins,
      stablecoinCoin: params.stablecoinCoin,
    });
    this.pairs = this.universe.pairs as readonly SimPair[];
    this.coins = this.universe.coins;
    this.clockMs = options.clockMs ?? (() => performance.now());
    const clockNs = options.clockNs ?? (() => process.hrtime.bigint());
    this.state = buildState(params, this.universe, this.emit);
    this.feed = new Feed(this.state);
    this.dislocationBook = new Dislocations(this.state, this.feed, this.notify, clockNs);
    this.intervalMs = params.updatesPerSecond > 0 ? 1000 / params.updatesPerSecond : Infinity;
    this.meanGapMs = params.dislocationsPerMinute > 0 ? 60_000 / params.dislocationsPerMinute : Infinity;
    this.nextUpdateAtMs = this.intervalMs;
    this.nextDislocationAtMs = this.state.dislocationRng.exponential(this.meanGapMs);
    this.universe.pairs.forEach((p, i) => {
      for (const n of [p.wsname, p.symbol, p.id, p.altname]) if (!this.names.has(n)) this.names.set(n, i);
    });
  }

  private reportError(err: unknown): void {
    this.state.counters.listenerErrors++;
    this.options.onListenerError?.(err);
  }

  // A listener's exception is counted and reported, never allowed to stop the feed mid-event.
  private readonly emit = (change: BookChange): void => {
    for (const l of this.changeListeners) {
      try {
        l(change);
      } catch (err) {
        this.reportError(err);
      }
    }
  };

  private readonly notify: DislocationListener = (d, phase) => {
    if (phase === 'closed') {
      this.history.push(d as Dislocation);
      if (this.history.length > MAX_DISLOCATION_HISTORY) this.history.shift();
    }
    for (const l of this.dislocationListeners) {
      try {
        l(d, phase);
      } catch (err) {
        this.reportError(err);
      }
    }
  };

  private nextRefill(): number {
    let t = Infinity;
    for (const due of this.refillDue.values()) if (due < t) t = due;
    return t;
  }

  private runRefills(nowMs: number): void {
    const { state, params } = this;
    for (const [pairIndex, due] of this.refillDue) {
      if (due > nowMs) continue;
      this.refillDue.delete(pairIndex);
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
      if (bids.length > 0 || asks.length > 0) this.emit({ pairIndex, bids, asks, ts });
    }
  }

  step(nowMs: number): void {
    const { state } = this;
    if (!(nowMs >= state.nowMs)) return;
    // Bounded: each pass runs one event and every kind of event moves its own next time forward.
    for (;;) {
      const tU = this.nextUpdateAtMs;
      const tD = this.nextDislocationAtMs;
      const tE = this.dislocationBook.nextExpiryMs();
      const tR = this.refillDue.size > 0 ? this.nextRefill() : Infinity;
      const t = Math.min(tU, tD, tE, tR);
      if (!(t <= nowMs)) break;
      if (t > state.nowMs) state.nowMs = t;
      if (t === tE) this.dislocationBook.expireDue(state.nowMs);
      else if (t === tR) this.runRefills(state.nowMs);
      else if (t === tD) {
        this.dislocationBook.openOne();
        this.nextDislocationAtMs += state.dislocationRng.exponential(this.meanGapMs);
      } else {
        const n = this.feed.runUpdate();
        state.counters.updates += n;
        this.updateSeq += n;
        this.nextUpdateAtMs = (this.updateSeq + 1) * this.intervalMs;
      }
    }
    state.nowMs = nowMs;
  }

  private currentMs(): number {
    return this.timer !== null
      ? Math.max(this.state.nowMs, this.clockMs() - this.anchorMs)
      : this.state.nowMs;
  }

  private readonly tick = (): void => {
    this.timer = setTimeout(this.tick, TICK_MS);
    const now = this.clockMs() - this.anchorMs;
    const floor = now - this.params.maxCatchUpMs;
    if (this.nextUpdateAtMs < floor) {
      // After a stall, drop what is older than the cap instead of bursting it all out.
      const skip = Math.floor((floor - this.nextUpdateAtMs) / this.intervalMs);
      this.updateSeq += skip;
      this.state.counters.skippedUpdates += skip;
      this.nextUpdateAtMs = (this.updateSeq + 1) * this.intervalMs;
    }
    if (this.nextDislocationAtMs < floor) this.nextDislocationAtMs = floor;
    this.step(now);
  };

  take(pairIndex: number, side: Side, qty: number, limit: number): Fill[] {
    const { state, params } = this;
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
    const nowMs = this.currentMs();
    const ts = krakenTs(params, nowMs);
    const changed: BookLevel[] = [];
    book.take(side, lots, limitTicks, ts, fills, changed);
    if (fills.length === 0) return fills;
    state.counters.takes++;
    this.dislocationBook.onFills(pairIndex, side, fills, nowMs);
    if (!this.refillDue.has(pairIndex)) this.refillDue.set(pairIndex, nowMs + params.refillDelayMs);
    this.emit(
      side === 'bid'
        ? { pairIndex, bids: changed, asks: [], ts }
        : { pairIndex, bids: [], asks: changed, ts },
    );
    return fills;
  }

  pairIndex(name: string): number {
    return this.names.get(name) ?? -1;
  }

  levels(pairIndex: number, side: Side): readonly BookLevel[] {
    return this.state.books[pairIndex]?.levels(side) ?? [];
  }

  onChange(listener: (c: BookChange) => void): () => boolean {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onDislocation(listener: DislocationListener): () => boolean {
    this.dislocationListeners.add(listener);
    return () => this.dislocationListeners.delete(listener);
  }

  start(): void {
    if (this.timer !== null) return;
    this.anchorMs = this.clockMs() - this.state.nowMs;
    // Kraken timestamps follow the wall clock from here on, however long ago the market was built.
    if (this.options.epochMs === undefined) this.params.epochMs = Date.now() - this.state.nowMs;
    this.timer = setTimeout(this.tick, TICK_MS);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  now(): number {
    return this.state.nowMs;
  }

  stats(): MarketStats {
    const { state } = this;
    return { ...state.counters, nowMs: state.nowMs, openDislocations: this.dislocationBook.open.length };
  }

  dislocations(): readonly Readonly<Dislocation>[] {
    return this.dislocationBook.open;
  }

  dislocationHistory(): readonly Readonly<Dislocation>[] {
    return this.history;
  }

  dislocate(req?: DislocationRequest): Readonly<Dislocation> | null {
    return this.dislocationBook.openOne(req);
  }

  fairPrice(pairIndex: number): number {
    const coin = this.state.coinOfPair[pairIndex];
    return coin === undefined ? NaN : this.state.fundamentals.fair(pairIndex, coin);
  }

  injectQuote(pairIndex: number, pricePct: number, aheadMs: number): boolean {
    const bid = this.state.books[pairIndex]?.levels('bid')[0];
    const ask = this.state.books[pairIndex]?.levels('ask')[0];
    if (bid === undefined || ask === undefined) return false;
    const k = 1 + pricePct / 100;
    const ts = krakenTs(this.params, this.currentMs()) + aheadMs / 1000;
    this.emit({
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
  }

  setPairStatus(pairIndex: number, status: PairStatus): boolean {
    const pair = this.universe.pairs[pairIndex] as { status: PairStatus } | undefined;
    if (pair === undefined) return false;
    pair.status = status;
    return true;
  }
}
