/**
 * One published v2 book (pair, depth), docs/kraken-protocol.md §3.6: the shared published book
 * (src/sim/ws/shared/published-book.ts) with v2 levels `{"price":p,"qty":q}`, and the checksum we send
 * (bookChecksumV2 over the top 10, re-padded with price_precision / qty_precision), which is the
 * one a client holding the published levels computes.
 */
import { bookChecksumV2 } from '../../../kraken/book-checksum.js';
import type { SimPair } from '../../contracts.js';
import { PublishedBook, type LevelFormat, type PublishedLevel } from '../shared/published-book.js';
import { v2Num } from './wire.js';

export interface PubLevel extends PublishedLevel {
  /** Epoch seconds of the level's last change. */
  readonly ts: number;
}

function v2LevelFormat(pair: SimPair): LevelFormat<PubLevel> {
  return {
    level: (l) => ({
      price: l.price,
      qty: l.qty,
      ts: l.ts,
      json: `{"price":${v2Num(l.price, pair.pairDecimals)},"qty":${v2Num(l.qty, pair.lotDecimals)}}`,
    }),
    deleted: (price) => `{"price":${v2Num(price, pair.pairDecimals)},"qty":0}`,
  };
}

export class V2BookView extends PublishedBook<PubLevel> {
  constructor(
    readonly pair: SimPair,
    depth: number,
  ) {
    super(depth, v2LevelFormat(pair));
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
}
