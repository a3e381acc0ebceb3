/**
 * One published v2 book (pair, depth): the levels last sent to its subscribers, and the diff that
 * takes them to the market's current top-N (kraken-api.md §3.6). A client that applies the updates
 * in order (qty 0 deletes, then truncates to depth) holds exactly these levels, so the checksum we
 * send (bookChecksumV2 over the top 10, re-padded with price_precision / qty_precision) is the one
 * it computes, even after stalls or book changes the market did not report.
 */
import { bookChecksumV2 } from '../../kraken/book-checksum.js';
import type { BookLevel, SimPair } from '../contracts.js';
import { v2Num } from './v2-wire.js';

export interface PubLevel {
  price: number;
  qty: number;
  /** Epoch seconds of the level's last change. */
  ts: number;
  /** `{"price":p,"qty":q}` as sent. */
  json: string;
}

export class V2BookView {
  asks: PubLevel[] = [];
  bids: PubLevel[] = [];

  constructor(
    readonly pair: SimPair,
    readonly depth: number,
  ) {}

  /** Rewrites the view to the market's top levels; returns `{"price":..,"qty":..}` entries (comma-joined) for each side. */
  update(bids: readonly BookLevel[], asks: readonly BookLevel[]): { bids: string; asks: string } {
    return { asks: this.diffSide(this.asks, asks, true), bids: this.diffSide(this.bids, bids, false) };
  }

  checksum(): number {
    return bookChecksumV2(this.asks, this.bids, this.pair.pairDecimals, this.pair.lotDecimals);
  }

  /** Newest level timestamp in the view (0 when empty). */
  newestTs(): number {
    let ts = 0;
    for (const l of this.asks) if (l.ts > ts) ts = l.ts;
    for (const l of this.bids) if (l.ts > ts) ts = l.ts;
    return ts;
  }

  sideJson(side: 'bids' | 'asks'): string {
    const levels = side === 'bids' ? this.bids : this.asks;
    let s = '';
    for (let i = 0; i < levels.length; i++) s += (i > 0 ? ',' : '') + (levels[i] as PubLevel).json;
    return s;
  }

  /**
   * Merge walk over the published list and the market's sorted levels (at most old + depth steps):
   * new or changed levels are emitted with their values, vanished ones with qty 0.
   */
  private diffSide(pub: PubLevel[], lv: readonly BookLevel[], ascending: boolean): string {
    const n = lv.length < this.depth ? lv.length : this.depth;
    const old = pub.splice(0, pub.length);
    let out = '';
    let i = 0;
    let j = 0;
    while (i < old.length || j < n) {
      const o = old[i];
      const l = j < n ? lv[j] : undefined;
      if (l === undefined) {
        out += (out === '' ? '' : ',') + this.deleteJson((o as PubLevel).price);
        i++;
      } else if (o === undefined || (ascending ? l.price < o.price : l.price > o.price)) {
        const p = this.level(l);
        pub.push(p);
        out += (out === '' ? '' : ',') + p.json;
        j++;
      } else if (l.price === o.price) {
        if (l.qty === o.qty) {
          pub.push(o);
        } else {
          const p = this.level(l);
          pub.push(p);
          out += (out === '' ? '' : ',') + p.json;
        }
        i++;
        j++;
      } else {
        out += (out === '' ? '' : ',') + this.deleteJson(o.price);
        i++;
      }
    }
    return out;
  }

  private level(l: BookLevel): PubLevel {
    const json = `{"price":${v2Num(l.price, this.pair.pairDecimals)},"qty":${v2Num(l.qty, this.pair.lotDecimals)}}`;
    return { price: l.price, qty: l.qty, ts: l.ts, json };
  }

  private deleteJson(price: number): string {
    return `{"price":${v2Num(price, this.pair.pairDecimals)},"qty":0}`;
  }
}
