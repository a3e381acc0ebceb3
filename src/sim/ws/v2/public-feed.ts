/**
 * The v2 public market-data fan-out (docs/kraken-protocol.md §3.5 ticker, §3.6 book): for each market change
 * it builds each affected frame ONCE and writes the same string to every subscribed socket through
 * the shared WsOutput (bounded per-socket buffering, dislocation stamping on the first write).
 *
 * Channels per pair: ticker `bbo` (a frame whenever best bid/ask price or qty changes), ticker
 * `trades` (a frame on each venue fill on the pair, plus a refresh on the 1 s tick when the best
 * bid/ask moved since the last one: the market model has no public trade tape), and one book view
 * per subscribed depth.
 */
import type { BookChange, BookLevel, SimMarket, SimPair } from '../../contracts.js';
import { PublicFeed } from '../shared/public-feed.js';
import type { WsConn, WsOutput } from '../shared/ws-output.js';
import { V2BookView } from './book-view.js';
import { TickerStats, tickerFrame } from './ticker.js';
import { rfc3339, nowEpochSec } from './wire.js';

export type V2TickerTrigger = 'bbo' | 'trades';
export const V2_BOOK_DEPTHS: readonly number[] = [10, 25, 100, 500, 1000];
export const V2_DEFAULT_BOOK_DEPTH = 10;

interface BookChannel {
  readonly conns: WsConn[];
  readonly view: V2BookView;
}

interface PairFeed {
  readonly pairIndex: number;
  readonly pair: SimPair;
  readonly symbolJson: string;
  readonly stats: TickerStats;
  bbo: WsConn[] | null;
  trades: WsConn[] | null;
  books: BookChannel[];
}

export class V2PublicFeed extends PublicFeed<PairFeed> {
  constructor(market: SimMarket, out: WsOutput, isStalled: () => boolean) {
    super(market, out, isStalled, (pair, pairIndex) => ({
      pairIndex,
      pair,
      symbolJson: JSON.stringify(pair.symbol),
      stats: new TickerStats(),
      bbo: null,
      trades: null,
      books: [],
    }));
  }

  addTicker(conn: WsConn, pairIndex: number, trigger: V2TickerTrigger, snapshot: boolean): void {
    const f = this.feed(pairIndex);
    const list = trigger === 'bbo' ? (f.bbo ??= []) : (f.trades ??= []);
    const first = list.length === 0;
    this.join(conn, list);
    const bid = this.market.levels(pairIndex, 'bid')[0];
    const ask = this.market.levels(pairIndex, 'ask')[0];
    if (bid === undefined || ask === undefined) return;
    // The first subscriber sets the reference: later updates are relative to what it was shown.
    if (first && trigger === 'bbo') f.stats.rememberBbo(bid, ask);
    if (first && trigger === 'trades') f.stats.rememberTradesBbo(bid, ask);
    if (snapshot)
      this.out.send(conn, tickerFrame(f.pair, f.symbolJson, f.stats, bid, ask, 'snapshot', latest(bid, ask)));
  }

  removeTicker(conn: WsConn, pairIndex: number, trigger: V2TickerTrigger): void {
    const f = this.feed(pairIndex);
    const list = trigger === 'bbo' ? f.bbo : f.trades;
    if (list === null || !this.leave(conn, list)) return;
    if (list.length === 0) {
      if (trigger === 'bbo') f.bbo = null;
      else f.trades = null;
    }
  }

  addBook(conn: WsConn, pairIndex: number, depth: number, snapshot: boolean): void {
    const f = this.feed(pairIndex);
    let ch = f.books.find((b) => b.view.depth === depth);
    if (ch === undefined) {
      ch = { conns: [], view: new V2BookView(f.pair, depth) };
      ch.view.update(this.market.levels(pairIndex, 'bid'), this.market.levels(pairIndex, 'ask'), 0, false);
      f.books.push(ch);
    }
    this.join(conn, ch.conns);
    if (!snapshot) return;
    const v = ch.view;
    const ts = v.newestTs();
    this.out.send(
      conn,
      `{"channel":"book","type":"snapshot","data":[{"symbol":${f.symbolJson},"bids":[${v.sideJson('bids')}],` +
        `"asks":[${v.sideJson('asks')}],"checksum":${v.checksum()},"timestamp":"${rfc3339(ts > 0 ? ts : nowEpochSec())}"}]}`,
    );
  }

  removeBook(conn: WsConn, pairIndex: number, depth: number): void {
    const f = this.feed(pairIndex);
    const ch = f.books.find((b) => b.view.depth === depth);
    if (ch === undefined || !this.leave(conn, ch.conns)) return;
    if (ch.conns.length === 0) f.books = f.books.filter((b) => b !== ch);
  }

  protected followed(f: PairFeed): boolean {
    return f.bbo !== null || f.trades !== null || f.books.length > 0;
  }

  protected publish(
    f: PairFeed,
    change: BookChange,
    bids: readonly BookLevel[],
    asks: readonly BookLevel[],
  ): void {
    const bid = bids[0];
    const ask = asks[0];
    if (f.bbo !== null && bid !== undefined && ask !== undefined && f.stats.bboChanged(bid, ask)) {
      f.stats.rememberBbo(bid, ask);
      this.out.broadcast(f.bbo, tickerFrame(f.pair, f.symbolJson, f.stats, bid, ask, 'update', change.ts));
    }
    for (let i = 0; i < f.books.length; i++)
      this.publishBook(f, f.books[i] as BookChannel, bids, asks, change.ts);
  }

  /** A venue fill on the pair: stats move, and `trades` subscribers get a ticker update. */
  onTrade(pairIndex: number, price: number, qty: number, ts: number): void {
    const f = this.feeds[pairIndex];
    if (f === undefined) return;
    f.stats.trade(price, qty);
    if (f.trades === null || this.isStalled()) return;
    this.sendTrades(f, ts);
  }

  /** The 1 s tick: `trades` channels whose best bid/ask moved since their last frame get a refresh. */
  refreshTrades(): void {
    if (this.isStalled()) return;
    for (let i = 0; i < this.feeds.length; i++) {
      const f = this.feeds[i] as PairFeed;
      if (f.trades === null) continue;
      const bid = this.market.levels(i, 'bid')[0];
      const ask = this.market.levels(i, 'ask')[0];
      if (bid !== undefined && ask !== undefined && f.stats.tradesBboChanged(bid, ask))
        this.sendTrades(f, nowEpochSec());
    }
  }

  private sendTrades(f: PairFeed, ts: number): void {
    const bid = this.market.levels(f.pairIndex, 'bid')[0];
    const ask = this.market.levels(f.pairIndex, 'ask')[0];
    if (bid === undefined || ask === undefined || f.trades === null) return;
    f.stats.rememberTradesBbo(bid, ask);
    this.out.broadcast(f.trades, tickerFrame(f.pair, f.symbolJson, f.stats, bid, ask, 'update', ts));
  }

  private publishBook(
    f: PairFeed,
    ch: BookChannel,
    bids: readonly BookLevel[],
    asks: readonly BookLevel[],
    ts: number,
  ): void {
    const v = ch.view;
    v.update(bids, asks, ts);
    if (v.bidEntries === '' && v.askEntries === '') return;
    const frame =
      `{"channel":"book","type":"update","data":[{"symbol":${f.symbolJson},"bids":[${v.bidEntries}],"asks":[${v.askEntries}],` +
      `"checksum":${v.checksum()},"timestamp":"${rfc3339(ts)}"}]}`;
    this.out.broadcast(ch.conns, frame);
  }
}

const latest = (bid: BookLevel, ask: BookLevel): number => (bid.ts > ask.ts ? bid.ts : ask.ts);
