/**
 * How a pair's book is shaped around its fair price: the touch sits half a spread either side of
 * fair (rounded away from fair onto the tick grid, so rounding only ever widens the spread), levels
 * behind it are spaced a few ticks apart, sizes vary around a per-pair typical level, and each side
 * keeps between BOOK_DEPTH_MIN and BOOK_DEPTH_MAX levels. Re-targeting after a move or a take is
 * how liquidity replenishes: the touch comes back to fair and the depth is padded again.
 */
import type { BookLevel } from '../contracts.js';
import type { OrderBook } from './order-book.js';
import type { Prng } from './prng.js';

/** Levels each side always has after a re-target (Kraken serves book depths up to 1000; 100 is the REST default). */
export const BOOK_DEPTH_MIN = 100;
export const BOOK_DEPTH_MAX = 110;
/** The first BOOK_DEPTH_MIN levels span about this fraction of the price. */
const BOOK_SPAN_FRACTION = 0.005;

export interface PairShape {
  /** Half the quoted spread as a fraction of fair (e.g. 0.0002 = 2 bps). */
  halfSpread: number;
  /** Typical level size in lots. */
  levelLots: number;
  /** No level is generated smaller than this (ordermin and costmin with room to spare). */
  minLots: number;
  /** Mean distance between consecutive levels, in ticks (≥ 1). */
  meanGapTicks: number;
}

export function makeShape(
  book: OrderBook,
  price: number,
  levelValueQuote: number,
  halfSpread: number,
  ordermin: number,
  costmin: number,
): PairShape {
  const minLots = Math.max(1, Math.ceil(Math.max(ordermin, (2 * costmin) / price) * 1.5 * book.lotScale));
  const levelLots = Math.max(2 * minLots, Math.round((levelValueQuote / price) * book.lotScale));
  const meanGapTicks = Math.max(
    1,
    Math.round((BOOK_SPAN_FRACTION * price * book.priceScale) / BOOK_DEPTH_MIN),
  );
  return { halfSpread, levelLots, minLots, meanGapTicks };
}

export function randomLots(shape: PairShape, rng: Prng): number {
  return Math.max(shape.minLots, Math.round(shape.levelLots * rng.range(0.3, 1.7)));
}

function randomGap(shape: PairShape, rng: Prng): number {
  return 1 + rng.int(2 * shape.meanGapTicks - 1);
}

/** Touch prices (ticks) for a fair price: bid rounded down, ask rounded up, at least one tick apart. */
export function touchTicks(book: OrderBook, shape: PairShape, fair: number): { bid: number; ask: number } {
  const bid = Math.max(1, Math.floor(fair * (1 - shape.halfSpread) * book.priceScale));
  let ask = Math.ceil(fair * (1 + shape.halfSpread) * book.priceScale);
  if (ask <= bid) ask = bid + 1;
  return { bid, ask };
}

/**
 * Move the touch to `fair`: levels that would now be inside the spread are removed, a level is
 * added at the new touch when the side's best is behind it, then the depth is padded and trimmed.
 */
export function retarget(
  book: OrderBook,
  shape: PairShape,
  fair: number,
  rng: Prng,
  ts: number,
  bids: BookLevel[],
  asks: BookLevel[],
): void {
  const t = touchTicks(book, shape, fair);
  book.removeBetterThan('ask', t.ask, ts, asks);
  book.removeBetterThan('bid', t.bid, ts, bids);
  if (!(book.bestTicks('ask') <= t.ask)) book.set('ask', t.ask, randomLots(shape, rng), ts, asks);
  if (!(book.bestTicks('bid') >= t.bid)) book.set('bid', t.bid, randomLots(shape, rng), ts, bids);
  pad(book, shape, rng, ts, bids, asks);
}

/** Fill each side out to BOOK_DEPTH_MIN levels behind its worst level, then trim to BOOK_DEPTH_MAX. */
export function pad(
  book: OrderBook,
  shape: PairShape,
  rng: Prng,
  ts: number,
  bids: BookLevel[],
  asks: BookLevel[],
): void {
  while (book.depth('ask') < BOOK_DEPTH_MIN) {
    const worst = book.worstTicks('ask');
    const base = worst === worst ? worst : book.bestTicks('bid') + 1;
    book.set('ask', (base === base ? base : 1) + randomGap(shape, rng), randomLots(shape, rng), ts, asks);
  }
  while (book.depth('bid') < BOOK_DEPTH_MIN) {
    const worst = book.worstTicks('bid');
    const base = worst === worst ? worst : book.bestTicks('ask');
    const next = base - randomGap(shape, rng);
    // A very cheap pair can run out of grid above zero; a thinner bid side is then the truth.
    if (!(next >= 1)) break;
    book.set('bid', next, randomLots(shape, rng), ts, bids);
  }
  book.trim('ask', BOOK_DEPTH_MAX, ts, asks);
  book.trim('bid', BOOK_DEPTH_MAX, ts, bids);
}
