/**
 * The state one market shares between its feed, its dislocations and its take/refill logic, and
 * its construction from a universe: one book per pair, shaped around the fair value at time 0.
 */
import type { BookChange, BookLevel } from '../contracts.js';
import { Fundamentals } from './fundamentals.js';
import { type PairShape, makeShape, retarget } from './liquidity.js';
import type { MarketParams } from './market-params.js';
import { OrderBook } from './order-book.js';
import { Prng } from './prng.js';
import type { SimUniverse } from './universe.js';

/** Stable legs are deep and tight; their levels are worth this many units of quote. */
const STABLE_LEVEL_QUOTE = 250_000;
const STABLE_HALF_SPREAD = 0.00005;
/** The top majors quote 1 bp half spreads; generated coins 1–4 bps. */
const MAJOR_HALF_SPREAD = 0.0001;
const FEED_STREAM = 0x5eed0002;
const DISLOCATION_STREAM = 0x5eed0003;
const BOOK_STREAM = 0x5eed0004;

export interface MarketCounters {
  updates: number;
  skippedUpdates: number;
  takes: number;
  refills: number;
  dislocationsOpened: number;
  dislocationsTaken: number;
  dislocationsExpired: number;
  dislocationsFailed: number;
  listenerErrors: number;
  badTakes: number;
}

export interface MarketState {
  readonly params: MarketParams;
  readonly universe: SimUniverse;
  readonly books: OrderBook[];
  readonly shapes: PairShape[];
  /** Coin index of each pair, −1 for the stable/FX pairs. */
  readonly coinOfPair: Int32Array;
  /** Open dislocation id per coin (0 = none): the coin's books are frozen while it is open. */
  readonly frozen: Int32Array;
  readonly fundamentals: Fundamentals;
  readonly feedRng: Prng;
  readonly dislocationRng: Prng;
  /** Used for book shapes and liquidity (kept apart so take() does not shift the feed stream). */
  readonly bookRng: Prng;
  readonly counters: MarketCounters;
  /** Sim time of the event being processed, ms since creation. */
  nowMs: number;
  emit(change: BookChange): void;
}

export function newCounters(): MarketCounters {
  return {
    updates: 0,
    skippedUpdates: 0,
    takes: 0,
    refills: 0,
    dislocationsOpened: 0,
    dislocationsTaken: 0,
    dislocationsExpired: 0,
    dislocationsFailed: 0,
    listenerErrors: 0,
    badTakes: 0,
  };
}

/** Kraken timestamp (epoch seconds with µs) of a sim time. */
export function krakenTs(params: MarketParams, simMs: number): number {
  return Math.round((params.epochMs + simMs) * 1000) / 1e6;
}

/** pairIndex → coin index for each coin's USD and EUR pairs; -1 for the stable/FX pairs. */
function coinOfPairs(universe: SimUniverse): Int32Array {
  const coinOfPair = new Int32Array(universe.pairs.length).fill(-1);
  universe.coins.forEach((c, k) => {
    coinOfPair[c.usdIndex] = k;
    coinOfPair[c.eurIndex] = k;
  });
  return coinOfPair;
}

/**
 * A pair's book shape at start: stable/FX pairs tight and deep; the five majors at their fixed
 * spread, other coins at a drawn 1–4 bp half-spread, levels sized from the coin's USD level size.
 */
function initialShape(
  universe: SimUniverse,
  fundamentals: Fundamentals,
  bookRng: Prng,
  book: OrderBook,
  pairIndex: number,
  coin: number,
  fair: number,
): PairShape {
  const pair = universe.pairs[pairIndex]!;
  if (coin < 0)
    return makeShape(book, fair, STABLE_LEVEL_QUOTE, STABLE_HALF_SPREAD, pair.ordermin, pair.costmin);
  const c = universe.coins[coin]!;
  const half = coin < 5 ? MAJOR_HALF_SPREAD : bookRng.range(1, 4) * 1e-4;
  return makeShape(
    book,
    fair,
    (c.levelUsd * fair) / fundamentals.coinUsd(coin),
    half,
    pair.ordermin,
    pair.costmin,
  );
}

export function buildState(
  params: MarketParams,
  universe: SimUniverse,
  emit: (c: BookChange) => void,
): MarketState {
  const n = universe.pairs.length;
  const coinOfPair = coinOfPairs(universe);
  const fundamentals = new Fundamentals(universe, {
    coinStepBps: params.coinStepBps,
    fxStepBps: params.fxStepBps,
    eurUsdBandBps: params.eurUsdBandBps,
    usdtBandBps: params.usdtBandBps,
  });
  const bookRng = new Prng((params.seed ^ BOOK_STREAM) >>> 0);
  const books: OrderBook[] = [];
  const shapes: PairShape[] = [];
  const ts = krakenTs(params, 0);
  const scratch: BookLevel[] = [];
  for (let i = 0; i < n; i++) {
    const pair = universe.pairs[i]!;
    const coin = coinOfPair[i]!;
    const book = new OrderBook(pair.pairDecimals, pair.lotDecimals, pair.tickSize);
    const fair = fundamentals.fair(i, coin);
    const shape = initialShape(universe, fundamentals, bookRng, book, i, coin, fair);
    retarget(book, shape, fair, bookRng, ts, scratch, scratch);
    scratch.length = 0;
    books.push(book);
    shapes.push(shape);
  }
  return {
    params,
    universe,
    books,
    shapes,
    coinOfPair,
    frozen: new Int32Array(universe.coins.length),
    fundamentals,
    feedRng: new Prng((params.seed ^ FEED_STREAM) >>> 0),
    dislocationRng: new Prng((params.seed ^ DISLOCATION_STREAM) >>> 0),
    bookRng,
    counters: newCounters(),
    nowMs: 0,
    emit,
  };
}
