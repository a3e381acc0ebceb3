/**
 * The generated feed: one call to `runUpdate` performs one market event and emits its BookChanges.
 * Which pair moves is skewed like a real feed (Zipf over sources: USDT/USD and USDT/EUR hottest,
 * then the majors and EUR/USD, then a long quiet tail of generated coins). An event is mostly a
 * size change at the touch, sometimes a price move (the coin's fundamental steps and BOTH its books
 * are re-quoted, so X/USD and X/EUR never drift apart), sometimes a change deeper in the book.
 */
import type { BookLevel, Side } from '../contracts.js';
import { randomLots, retarget } from './liquidity.js';
import type { MarketState } from './market-state.js';
import { krakenTs } from './market-state.js';

/** Source codes below 0 are the stable/FX pairs. */
const SRC_USDT_USD = -1;
const SRC_USDT_EUR = -2;
const SRC_EUR_USD = -3;
/** EUR/USD is about as busy as the fifth major. */
const EUR_USD_RANK = 7;
const P_TOUCH_SIZE = 0.55;
const P_PRICE_MOVE = 0.3;
/** A frozen (dislocated) coin drawn by the sampler is redrawn at most this many times. */
const MAX_REDRAWS = 4;

export class Feed {
  private readonly sources: Int32Array;
  private readonly cumulative: Float64Array;

  constructor(private readonly s: MarketState) {
    const coins = s.universe.coins.length;
    const order: number[] = [SRC_USDT_USD, SRC_USDT_EUR];
    for (let k = 0; k < coins; k++) {
      if (order.length === EUR_USD_RANK) order.push(SRC_EUR_USD);
      order.push(k);
    }
    if (!order.includes(SRC_EUR_USD)) order.push(SRC_EUR_USD);
    this.sources = Int32Array.from(order);
    this.cumulative = new Float64Array(order.length);
    let acc = 0;
    for (let r = 0; r < order.length; r++) {
      acc += 1 / (r + 1) ** s.params.skew;
      this.cumulative[r] = acc;
    }
  }

  /** Relative update weight of a source rank (for tests and docs): weight / total. */
  shareOfRank(rank: number): number {
    const c = this.cumulative;
    const total = c[c.length - 1] as number;
    return ((c[rank] as number) - (rank > 0 ? (c[rank - 1] as number) : 0)) / total;
  }

  /** Perform one event; returns the number of BookChanges emitted (≥ 1). */
  runUpdate(): number {
    const s = this.s;
    const rng = s.feedRng;
    let src = this.draw();
    for (let i = 0; i < MAX_REDRAWS && src >= 0 && s.frozen[src] !== 0; i++) src = this.draw();
    if (src >= 0 && s.frozen[src] !== 0) src = SRC_USDT_USD;
    const u = s.universe;
    const r = rng.next();
    if (src >= 0) {
      const coin = u.coins[src]!;
      if (r < P_TOUCH_SIZE) return this.touchSize(rng.next() < 0.6 ? coin.usdIndex : coin.eurIndex);
      if (r < P_TOUCH_SIZE + P_PRICE_MOVE) {
        s.fundamentals.stepCoin(src, rng);
        return this.requote(coin.usdIndex) + this.requote(coin.eurIndex);
      }
      return this.deepChange(rng.next() < 0.6 ? coin.usdIndex : coin.eurIndex);
    }
    const pair =
      src === SRC_USDT_USD ? u.usdtUsdIndex : src === SRC_USDT_EUR ? u.usdtEurIndex : u.eurUsdIndex;
    if (r < P_TOUCH_SIZE) return this.touchSize(pair);
    if (r < P_TOUCH_SIZE + P_PRICE_MOVE) {
      // The peg moves both USDT legs; the FX rate moves EUR/USD and USDT/EUR; USDT/EUR alone re-quotes its noise.
      if (src === SRC_USDT_USD) {
        s.fundamentals.stepUsdt(rng);
        return this.requote(u.usdtUsdIndex) + this.requote(u.usdtEurIndex);
      }
      if (src === SRC_EUR_USD) {
        s.fundamentals.stepEurUsd(rng);
        return this.requote(u.eurUsdIndex) + this.requote(u.usdtEurIndex);
      }
      return this.requote(u.usdtEurIndex);
    }
    return this.deepChange(pair);
  }

  /** Re-quote a pair around its fair value with fresh noise; always emits one change. */
  requote(pairIndex: number): number {
    const s = this.s;
    const coin = s.coinOfPair[pairIndex]!;
    const noise = (coin < 0 ? s.params.stableNoiseBps : s.params.noiseBps) * 1e-4;
    const fair = s.fundamentals.fair(pairIndex, coin) * (1 + noise * s.feedRng.range(-1, 1));
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    const ts = krakenTs(s.params, s.nowMs);
    retarget(s.books[pairIndex]!, s.shapes[pairIndex]!, fair, s.feedRng, ts, bids, asks);
    if (bids.length === 0 && asks.length === 0)
      this.resizeLevel(pairIndex, s.feedRng.next() < 0.5 ? 'bid' : 'ask', 0, ts, bids, asks);
    s.emit({ pairIndex, bids, asks, ts });
    return 1;
  }

  private touchSize(pairIndex: number): number {
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    const ts = krakenTs(this.s.params, this.s.nowMs);
    this.resizeLevel(pairIndex, this.s.feedRng.next() < 0.5 ? 'bid' : 'ask', 0, ts, bids, asks);
    this.s.emit({ pairIndex, bids, asks, ts });
    return 1;
  }

  private deepChange(pairIndex: number): number {
    const book = this.s.books[pairIndex]!;
    const side: Side = this.s.feedRng.next() < 0.5 ? 'bid' : 'ask';
    const depth = book.depth(side);
    // Nearer levels change more often than far ones.
    const x = this.s.feedRng.next();
    const index = depth > 1 ? 1 + Math.floor(x * x * (depth - 1)) : 0;
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    const ts = krakenTs(this.s.params, this.s.nowMs);
    this.resizeLevel(pairIndex, side, index, ts, bids, asks);
    this.s.emit({ pairIndex, bids, asks, ts });
    return 1;
  }

  /** New random size for one level (always different from the old one, so the change is real). */
  private resizeLevel(
    pairIndex: number,
    side: Side,
    index: number,
    ts: number,
    bids: BookLevel[],
    asks: BookLevel[],
  ): void {
    const book = this.s.books[pairIndex]!;
    const shape = this.s.shapes[pairIndex]!;
    const ticks = book.ticksAt(side, index);
    if (ticks !== ticks) return;
    let lots = randomLots(shape, this.s.feedRng);
    if (lots === book.lotsAt(side, index)) lots += 1;
    book.set(side, ticks, lots, ts, side === 'bid' ? bids : asks);
  }

  private draw(): number {
    const c = this.cumulative;
    const x = this.s.feedRng.next() * (c[c.length - 1] as number);
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((c[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.sources[lo] as number;
  }
}
