/**
 * The book diff both public feeds (v1 `book-N`, v2 `book`) publish: per (pair, depth) the server
 * keeps the levels it last sent, and each change walks them against the market's current top N.
 * A client that applies the entries in order (qty 0 deletes) and truncates to depth then holds
 * exactly the published levels, so the checksum always matches, even after a stall or a book change
 * the market did not report. Only the wire text of a level differs between versions.
 */
import type { BookLevel } from '../../contracts.js';

/** A level as last published. */
export interface PublishedLevel {
  readonly price: number;
  readonly qty: number;
  /** The level's update entry as sent. */
  readonly json: string;
}

/** A version's wire text for levels. */
export interface LevelFormat<L extends PublishedLevel> {
  /** A new or changed level, formatted once and kept while it stays published. */
  level(l: BookLevel): L;
  /** The entry that deletes the level at `price` (`ts`: the change's time, for versions that send it). */
  deleted(price: number, ts: number): string;
}

/**
 * One published book (pair, depth): the levels last sent on each side, and `update`, which takes
 * them to the market's current top N and keeps the entries a client needs for that in
 * `askEntries` / `bidEntries` (comma-joined; '' when the side did not change).
 */
export class PublishedBook<L extends PublishedLevel> {
  asks: L[] = [];
  bids: L[] = [];
  askEntries = '';
  bidEntries = '';
  /** Arrays the next update writes into (double buffering: no array allocated per change). */
  private spareAsks: L[] = [];
  private spareBids: L[] = [];

  constructor(
    readonly depth: number,
    private readonly fmt: LevelFormat<L>,
  ) {}

  /** Every published level of one side, comma-joined (snapshots). */
  sideJson(side: 'asks' | 'bids'): string {
    const levels = side === 'asks' ? this.asks : this.bids;
    let s = '';
    for (let i = 0; i < levels.length; i++) s += (i > 0 ? ',' : '') + (levels[i] as L).json;
    return s;
  }

  /** `ts`: the change's time (deletions carry it in v1); `emit` false: state only, no entries. */
  update(bids: readonly BookLevel[], asks: readonly BookLevel[], ts: number, emit = true): void {
    const oldAsks = this.asks;
    const oldBids = this.bids;
    this.askEntries = diffBookSide(oldAsks, this.spareAsks, asks, this.depth, true, ts, this.fmt, emit);
    this.bidEntries = diffBookSide(oldBids, this.spareBids, bids, this.depth, false, ts, this.fmt, emit);
    this.asks = this.spareAsks;
    this.bids = this.spareBids;
    this.spareAsks = oldAsks;
    this.spareBids = oldBids;
  }
}

/**
 * Fills `pub` (emptied first) with the market's top `depth` levels of one side (`lv`, best first)
 * and returns the comma-joined entries that take a client from `old` to `pub`: new and changed
 * levels with their values, vanished ones as deletions (`emit` false: no entries wanted). `old` is
 * read only.
 */
function diffBookSide<L extends PublishedLevel>(
  old: readonly L[],
  pub: L[],
  lv: readonly BookLevel[],
  depth: number,
  ascending: boolean,
  ts: number,
  fmt: LevelFormat<L>,
  emit: boolean,
): string {
  const n = lv.length < depth ? lv.length : depth;
  pub.length = 0;
  let out = '';
  let i = 0;
  let j = 0;
  // Merge walk over two sorted lists: at most old.length + n steps.
  while (i < old.length || j < n) {
    const o = old[i];
    const l = j < n ? lv[j] : undefined;
    if (l === undefined) {
      if (emit) out += (out === '' ? '' : ',') + fmt.deleted((o as L).price, ts);
      i++;
    } else if (o === undefined || (ascending ? l.price < o.price : l.price > o.price)) {
      const p = fmt.level(l);
      pub.push(p);
      if (emit) out += (out === '' ? '' : ',') + p.json;
      j++;
    } else if (l.price === o.price) {
      if (l.qty === o.qty) {
        pub.push(o);
      } else {
        const p = fmt.level(l);
        pub.push(p);
        if (emit) out += (out === '' ? '' : ',') + p.json;
      }
      i++;
      j++;
    } else {
      if (emit) out += (out === '' ? '' : ',') + fmt.deleted(o.price, ts);
      i++;
    }
  }
  return out;
}
