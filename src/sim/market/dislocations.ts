/**
 * Dislocations: for a while, one leg of a coin lags and a real arbitrage exists after fees. Opening
 * one moves a single touch (by default the ask of the pair to buy, down; optionally the bid of the
 * pair to sell, up) to the price where ROI after fees = 1 + dislocationBps / 10,000, rounded on the
 * grid in the client's favour, with a level large enough for ordermin and costmin on both legs.
 * The coin's books are frozen while it is open. It closes when its level is fully taken or its
 * lifetime ends; closing re-quotes the pair around fair (which removes what is left of the level).
 */
import type { BookLevel, Side } from '../contracts.js';
import { BOOK_DEPTH_MIN, randomLots } from './liquidity.js';
import type { Feed } from './feed.js';
import { type MarketState, krakenTs } from './market-state.js';
import { type ArbDirection, coinRoi, feeFactor } from './roi.js';

export type DislocationState = 'open' | 'taken' | 'expired';

export interface Dislocation {
  readonly id: number;
  readonly coin: number;
  readonly direction: ArbDirection;
  /** The pair and side that were moved, and the moved level (what the timing registry watches). */
  readonly pairIndex: number;
  readonly side: Side;
  readonly price: number;
  readonly qty: number;
  readonly buyPairIndex: number;
  readonly sellPairIndex: number;
  /** ROI after fees (the original system's formula, docs/design-decisions.md §1; `takerFeePct` per coin leg) right after opening. */
  readonly roi: number;
  readonly openedAtMs: number;
  readonly openedAtNs: bigint;
  /** Sim ms; moved to the take time when the level is fully consumed. */
  expiresAtMs: number;
  /** `taken` from the first fill on the dislocated level, `expired` if it closes untouched. */
  state: DislocationState;
  takenQty: number;
  takenAtMs: number | null;
  closedAtMs: number | null;
}

export type DislocationPhase = 'open' | 'taken' | 'closed';
export type DislocationListener = (d: Readonly<Dislocation>, phase: DislocationPhase) => void;

export interface DislocationRequest {
  coin?: number;
  direction?: ArbDirection;
  leg?: 'buy' | 'sell';
}

/** What opening a dislocation decided before touching any book. */
interface DislocationPlan {
  coin: number;
  direction: ArbDirection;
  leg: 'buy' | 'sell';
  buyPair: number;
  sellPair: number;
  /** The moved pair and side, and the moved touch's new price in ticks. */
  pairIndex: number;
  side: Side;
  book: MarketState['books'][number];
  ticks: number;
}

/** Picks of a busy coin are redrawn at most this many times. */
const MAX_COIN_DRAWS = 8;

export class Dislocations {
  readonly open: Dislocation[] = [];
  private nextId = 1;

  constructor(
    private readonly s: MarketState,
    private readonly feed: Feed,
    private readonly notify: DislocationListener,
    private readonly clockNs: () => bigint,
  ) {}

  nextExpiryMs(): number {
    let t = Infinity;
    for (const d of this.open) if (d.expiresAtMs < t) t = d.expiresAtMs;
    return t;
  }

  /** Close every dislocation due at `nowMs`. */
  expireDue(nowMs: number): void {
    for (let i = this.open.length - 1; i >= 0; i--) {
      const d = this.open[i]!;
      if (d.expiresAtMs <= nowMs) this.close(i);
    }
  }

  closeAll(): void {
    for (let i = this.open.length - 1; i >= 0; i--) this.close(i);
  }

  /** Open one dislocation now; null when no coin is free or the book cannot express it. */
  openOne(req: DislocationRequest = {}): Dislocation | null {
    const s = this.s;
    const plan = this.plan(req);
    if (plan === null) return this.fail();
    const ts = krakenTs(s.params, s.nowMs);
    this.topUpOtherLeg(plan, ts);
    const { pairIndex, side, book, ticks } = plan;
    const shape = s.shapes[pairIndex]!;
    const lots = Math.max(shape.minLots, randomLots(shape, s.dislocationRng));
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    // The opposite side of the moved book must not cross the new level.
    if (side === 'ask') book.removeBetterThan('bid', ticks - 1, ts, bids);
    else book.removeBetterThan('ask', ticks + 1, ts, asks);
    book.set(side, ticks, lots, ts, side === 'ask' ? asks : bids);
    // Keep the thinned side's depth (levels behind the removed ones).
    refillBehind(s, pairIndex, side === 'ask' ? 'bid' : 'ask', ticks, ts, side === 'ask' ? bids : asks);
    const d = this.record(plan, lots);
    // Listeners hear of it before the frame exists, so the timing registry knows the id when a
    // server stamps the first frame written.
    this.notify(d, 'open');
    s.emit({ pairIndex, bids, asks, ts, dislocationId: d.id });
    return d;
  }

  /**
   * Which coin, direction and leg (drawn unless requested), and the moved touch's price in ticks:
   * where ROI after fees reaches the target, rounded on the grid in the client's favour.
   */
  private plan(req: DislocationRequest): DislocationPlan | null {
    const s = this.s;
    const rng = s.dislocationRng;
    const coins = s.universe.coins;
    let coin = req.coin ?? rng.int(coins.length);
    for (let i = 0; req.coin === undefined && i < MAX_COIN_DRAWS && s.frozen[coin] !== 0; i++)
      coin = rng.int(coins.length);
    const c = coins[coin];
    if (c === undefined || s.frozen[coin] !== 0) return null;
    const direction: ArbDirection = req.direction ?? (rng.next() < 0.5 ? 'usd-to-eur' : 'eur-to-usd');
    const legParam = s.params.dislocationLeg;
    const leg = req.leg ?? (legParam === 'either' ? (rng.next() < 0.5 ? 'buy' : 'sell') : legParam);
    const u = s.universe;
    const buyPair = direction === 'usd-to-eur' ? c.usdIndex : c.eurIndex;
    const sellPair = direction === 'usd-to-eur' ? c.eurIndex : c.usdIndex;
    const best = (i: number, side: Side): number => s.books[i]!.levels(side)[0]?.price ?? NaN;
    // In the original system's formula the USDT legs convert between the two quotes.
    const sellConv = direction === 'usd-to-eur' ? best(u.usdtUsdIndex, 'bid') : best(u.usdtEurIndex, 'bid');
    const buyConv = direction === 'usd-to-eur' ? best(u.usdtEurIndex, 'ask') : best(u.usdtUsdIndex, 'ask');
    const k = feeFactor(s.params.takerFeePct);
    const target = 1 + s.params.dislocationBps / 1e4;
    const pairIndex = leg === 'buy' ? buyPair : sellPair;
    const book = s.books[pairIndex]!;
    const raw =
      leg === 'buy'
        ? (best(sellPair, 'bid') * sellConv * k) / (buyConv * target)
        : (target * best(buyPair, 'ask') * buyConv) / (sellConv * k);
    const ticks = leg === 'buy' ? Math.floor(raw * book.priceScale) : Math.ceil(raw * book.priceScale);
    if (!(ticks >= 1) || !Number.isFinite(ticks)) return null;
    const side: Side = leg === 'buy' ? 'ask' : 'bid';
    return { coin, direction, leg, buyPair, sellPair, pairIndex, side, book, ticks };
  }

  /** The other leg's touch must carry enough for ordermin/costmin too; top it up if a take thinned it. */
  private topUpOtherLeg(plan: DislocationPlan, ts: number): void {
    const s = this.s;
    const otherPair = plan.leg === 'buy' ? plan.sellPair : plan.buyPair;
    const otherSide: Side = plan.leg === 'buy' ? 'bid' : 'ask';
    const other = s.books[otherPair]!;
    const otherShape = s.shapes[otherPair]!;
    if (other.lotsAt(otherSide, 0) >= otherShape.minLots) return;
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    other.set(
      otherSide,
      other.bestTicks(otherSide),
      randomLots(otherShape, s.bookRng),
      ts,
      otherSide === 'bid' ? bids : asks,
    );
    s.emit({ pairIndex: otherPair, bids, asks, ts });
  }

  /** The opened dislocation, with the coin's ROI after the move; the coin is frozen until it closes. */
  private record(plan: DislocationPlan, lots: number): Dislocation {
    const s = this.s;
    const u = s.universe;
    const c = u.coins[plan.coin]!;
    const { coin, direction, pairIndex, book } = plan;
    const id = this.nextId++;
    const roi = coinRoi(
      (i, sd) => s.books[i]!.levels(sd),
      {
        usdIndex: c.usdIndex,
        eurIndex: c.eurIndex,
        usdtUsdIndex: u.usdtUsdIndex,
        usdtEurIndex: u.usdtEurIndex,
      },
      s.params.takerFeePct,
    );
    const d: Dislocation = {
      id,
      coin,
      direction,
      pairIndex,
      side: plan.side,
      price: plan.ticks / book.priceScale,
      qty: lots / book.lotScale,
      buyPairIndex: plan.buyPair,
      sellPairIndex: plan.sellPair,
      roi: direction === 'usd-to-eur' ? roi.usdToEur : roi.eurToUsd,
      openedAtMs: s.nowMs,
      openedAtNs: this.clockNs(),
      expiresAtMs: s.nowMs + s.params.dislocationLifetimeMs,
      state: 'open',
      takenQty: 0,
      takenAtMs: null,
      closedAtMs: null,
    };
    s.frozen[coin] = id;
    this.open.push(d);
    s.counters.dislocationsOpened++;
    return d;
  }

  /** Called by take() with the fills it made on `pairIndex`/`side` at `nowMs`. */
  onFills(
    pairIndex: number,
    side: Side,
    fills: ReadonlyArray<{ price: number; qty: number }>,
    nowMs: number,
  ): void {
    for (const d of this.open) {
      if (d.pairIndex !== pairIndex || d.side !== side) continue;
      let got = 0;
      for (const f of fills) if (f.price === d.price) got += f.qty;
      if (got === 0) continue;
      d.takenQty += got;
      if (d.state === 'open') {
        d.state = 'taken';
        d.takenAtMs = nowMs;
        this.s.counters.dislocationsTaken++;
        this.notify(d, 'taken');
      }
      const book = this.s.books[pairIndex]!;
      // Fully consumed: restore at the next step (not inside take(), which the venue is running).
      if (book.find(side, Math.round(d.price * book.priceScale)) < 0)
        d.expiresAtMs = Math.min(d.expiresAtMs, nowMs);
    }
  }

  private close(index: number): void {
    const d = this.open[index]!;
    this.open.splice(index, 1);
    this.s.frozen[d.coin] = 0;
    d.closedAtMs = this.s.nowMs;
    if (d.state === 'open') {
      d.state = 'expired';
      this.s.counters.dislocationsExpired++;
    }
    this.feed.requote(d.pairIndex);
    this.notify(d, 'closed');
  }

  private fail(): null {
    this.s.counters.dislocationsFailed++;
    return null;
  }
}

/** After removing levels to make room for a dislocated level, pad the other side behind it. */
function refillBehind(
  s: MarketState,
  pairIndex: number,
  side: Side,
  dislocatedTicks: number,
  ts: number,
  out: BookLevel[],
): void {
  const book = s.books[pairIndex]!;
  const shape = s.shapes[pairIndex]!;
  if (book.depth(side) === 0) {
    const start = side === 'bid' ? dislocatedTicks - 1 : dislocatedTicks + 1;
    if (start >= 1) book.set(side, start, randomLots(shape, s.bookRng), ts, out);
  }
  const dir = side === 'bid' ? -1 : 1;
  for (let guard = 0; book.depth(side) < BOOK_DEPTH_MIN && guard < 1000; guard++) {
    const next = book.worstTicks(side) + dir * (1 + s.bookRng.int(2 * shape.meanGapTicks - 1));
    if (!(next >= 1)) break;
    book.set(side, next, randomLots(shape, s.bookRng), ts, out);
  }
}
