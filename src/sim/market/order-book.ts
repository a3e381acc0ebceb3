/**
 * One pair's L2 book. Prices are kept as integer ticks (the pair's `tick_size`, 10^-pairDecimals
 * or a multiple of it: Kraken has pairs whose tick is coarser than their decimals) and quantities
 * as integer lots (10^-lotDecimals) next to the BookLevel objects callers read, so every level is
 * exactly on the grid and arithmetic never drifts. `ticks / priceScale` is the correctly rounded
 * double of the decimal (the same exact rational as units / 10^d), so formatting a level's price
 * or qty at the pair's decimals prints the intended digits.
 * Bids are kept descending and asks ascending (best first), the order `SimMarket.levels` promises.
 */
import type { BookLevel, Side } from '../contracts.js';

interface BookSide {
  /** Best first. Exposed read-only through `levels()`. */
  readonly levels: BookLevel[];
  readonly ticks: number[];
  readonly lots: number[];
  /** +1 for asks (ascending ticks), −1 for bids (descending). */
  readonly dir: 1 | -1;
}

export interface Fill {
  price: number;
  qty: number;
}

export class OrderBook {
  readonly priceScale: number;
  readonly lotScale: number;
  private readonly bid: BookSide = { levels: [], ticks: [], lots: [], dir: -1 };
  private readonly ask: BookSide = { levels: [], ticks: [], lots: [], dir: 1 };

  /** The tick in units of 10^-pairDecimals (1 when the tick is the decimals' step). */
  readonly tickUnits: number;

  constructor(
    readonly pairDecimals: number,
    readonly lotDecimals: number,
    tickSize = 10 ** -pairDecimals,
  ) {
    this.tickUnits = Math.max(1, Math.round(tickSize * 10 ** pairDecimals));
    // Ticks per unit of price: prices are ticks / priceScale, on the tick grid by construction.
    this.priceScale = 10 ** pairDecimals / this.tickUnits;
    this.lotScale = 10 ** lotDecimals;
  }

  levels(side: Side): readonly BookLevel[] {
    return this.sideOf(side).levels;
  }

  depth(side: Side): number {
    return this.sideOf(side).levels.length;
  }

  /** Ticks of the level at `index` (0 = best); NaN when absent. */
  ticksAt(side: Side, index: number): number {
    return this.sideOf(side).ticks[index] ?? NaN;
  }

  lotsAt(side: Side, index: number): number {
    return this.sideOf(side).lots[index] ?? 0;
  }

  bestTicks(side: Side): number {
    return this.ticksAt(side, 0);
  }

  worstTicks(side: Side): number {
    const s = this.sideOf(side);
    return s.ticks[s.ticks.length - 1] ?? NaN;
  }

  toPrice(ticks: number): number {
    return ticks / this.priceScale;
  }

  toQty(lots: number): number {
    return lots / this.lotScale;
  }

  /** Index of the level at `ticks`, or −(insertion point + 1) when there is none. */
  find(side: Side, ticks: number): number {
    const s = this.sideOf(side);
    let lo = 0;
    let hi = s.ticks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = s.ticks[mid] as number;
      if (t === ticks) return mid;
      // "Better" means closer to the touch: lower for asks, higher for bids.
      if ((t - ticks) * s.dir < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  /**
   * Set the level at `ticks` to `lots` (0 removes it). Appends a snapshot of the changed level to
   * `out` (qty 0 for a removal). Returns false when nothing changed.
   */
  set(side: Side, ticks: number, lots: number, ts: number, out: BookLevel[] | null): boolean {
    if (!(ticks > 0) || !Number.isInteger(ticks) || !(lots >= 0) || !Number.isInteger(lots)) {
      throw new RangeError(`E_SIM_BOOK: level off the grid (ticks ${String(ticks)}, lots ${String(lots)})`);
    }
    const s = this.sideOf(side);
    const i = this.find(side, ticks);
    if (i >= 0) {
      if (s.lots[i] === lots) return false;
      if (lots === 0) {
        s.levels.splice(i, 1);
        s.ticks.splice(i, 1);
        s.lots.splice(i, 1);
      } else {
        const level = s.levels[i] as BookLevel;
        level.qty = lots / this.lotScale;
        level.ts = ts;
        s.lots[i] = lots;
      }
    } else {
      if (lots === 0) return false;
      const at = -i - 1;
      s.levels.splice(at, 0, { price: ticks / this.priceScale, qty: lots / this.lotScale, ts });
      s.ticks.splice(at, 0, ticks);
      s.lots.splice(at, 0, lots);
    }
    out?.push({ price: ticks / this.priceScale, qty: lots / this.lotScale, ts });
    return true;
  }

  /** Remove every level strictly better than `ticks` (e.g. asks below a new best ask). */
  removeBetterThan(side: Side, ticks: number, ts: number, out: BookLevel[] | null): void {
    const s = this.sideOf(side);
    while (s.ticks.length > 0 && ((s.ticks[0] as number) - ticks) * s.dir < 0) {
      this.set(side, s.ticks[0] as number, 0, ts, out);
    }
  }

  /** Remove levels from the far end until at most `maxDepth` remain. */
  trim(side: Side, maxDepth: number, ts: number, out: BookLevel[] | null): void {
    const s = this.sideOf(side);
    while (s.ticks.length > maxDepth) this.set(side, s.ticks[s.ticks.length - 1] as number, 0, ts, out);
  }

  /**
   * Consume up to `lots` from `side`, best level first, at prices no worse than `limitTicks`
   * (asks: ≤ limit, bids: ≥ limit). Fills go to `fills`, changed levels to `out`. Returns lots filled.
   */
  take(side: Side, lots: number, limitTicks: number, ts: number, fills: Fill[], out: BookLevel[]): number {
    const s = this.sideOf(side);
    let remaining = lots;
    while (remaining > 0 && s.ticks.length > 0) {
      const t = s.ticks[0] as number;
      if ((t - limitTicks) * s.dir > 0) break;
      const have = s.lots[0] as number;
      const got = have < remaining ? have : remaining;
      fills.push({ price: t / this.priceScale, qty: got / this.lotScale });
      remaining -= got;
      this.set(side, t, have - got, ts, out);
    }
    return lots - remaining;
  }

  private sideOf(side: Side): BookSide {
    return side === 'bid' ? this.bid : this.ask;
  }
}
