/**
 * What both public market-data feeds (v1, v2) share: one state object per pair, the subscriber
 * lists (counted in `subscriptions` and in each connection's `subCount`, which drives heartbeats),
 * and the per-change gate on the hot path: skip pairs nobody follows, count (never queue) changes
 * during a stall, and bracket the frames of one change for the dislocation timing.
 */
import type { BookChange, BookLevel, SimMarket, SimPair } from '../../contracts.js';
import type { WsConn, WsOutput } from './ws-output.js';

export abstract class PublicFeed<F> {
  protected readonly feeds: F[];
  subscriptions = 0;
  /** Changes not published because the feed was stalled. */
  stalledChanges = 0;

  constructor(
    protected readonly market: SimMarket,
    protected readonly out: WsOutput,
    protected readonly isStalled: () => boolean,
    newPairFeed: (pair: SimPair, pairIndex: number) => F,
  ) {
    this.feeds = market.pairs.map(newPairFeed);
  }

  /** True when some channel of the pair has subscribers. */
  protected abstract followed(f: F): boolean;
  /** Writes the frames of one change (each built once, the same string to every subscriber). */
  protected abstract publish(
    f: F,
    change: BookChange,
    bids: readonly BookLevel[],
    asks: readonly BookLevel[],
  ): void;

  /** Publishes one market change (the hot path). */
  onChange(change: BookChange): void {
    const f = this.feeds[change.pairIndex];
    if (f === undefined || !this.followed(f)) return;
    if (this.isStalled()) {
      this.stalledChanges++;
      return;
    }
    this.out.beginChange(change.dislocationId);
    const o = change.quoteOverride;
    const bids = o !== undefined ? [o.bid] : this.market.levels(change.pairIndex, 'bid');
    const asks = o !== undefined ? [o.ask] : this.market.levels(change.pairIndex, 'ask');
    this.publish(f, change, bids, asks);
    this.out.endChange();
  }

  protected feed(pairIndex: number): F {
    const f = this.feeds[pairIndex];
    if (f === undefined) throw new RangeError(`pair index out of range: ${pairIndex}`);
    return f;
  }

  protected join(conn: WsConn, list: WsConn[]): void {
    list.push(conn);
    conn.subCount++;
    this.subscriptions++;
  }

  /** Removes `conn` from `list` (order is not kept); false when it was not there. */
  protected leave(conn: WsConn, list: WsConn[]): boolean {
    const i = list.indexOf(conn);
    if (i === -1) return false;
    list[i] = list[list.length - 1] as WsConn;
    list.pop();
    conn.subCount--;
    this.subscriptions--;
    return true;
  }
}
