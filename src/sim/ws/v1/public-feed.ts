/**
 * The v1 public market-data fan-out: for each market change, builds each affected spread, ticker and
 * book frame once and writes the same string to every subscribed socket (docs/kraken-protocol.md §1.6, §1.7,
 * §1.9). Channel ids are stable per (pair, channel name) so one frame serves every subscriber.
 *
 * Book channels keep the levels last published for each (pair, depth) and diff the market's current
 * top-N against them: a client that applies the updates in order (and truncates to depth) holds
 * exactly the published book, so the checksum matches even after stalls or book changes the market
 * did not report.
 */
import type { BookChange, BookLevel, SimMarket, SimPair } from '../../contracts.js';
import { bookChecksum, checksumFragment } from './checksum.js';
import type { WsConn, WsOutput } from '../shared/ws-output.js';
import { PublicFeed } from '../shared/public-feed.js';
import { PublishedBook, type LevelFormat, type PublishedLevel } from '../shared/published-book.js';

export type V1PublicChannel = 'spread' | 'ticker' | 'book';
export const V1_BOOK_DEPTHS: readonly number[] = [10, 25, 100, 500, 1000];
export const V1_DEFAULT_BOOK_DEPTH = 10;

/** One (pair, channel) with its subscribers. */
export class V1Channel {
  readonly conns: WsConn[] = [];
  constructor(
    readonly id: number,
    readonly name: string,
    readonly pairIndex: number,
    readonly kind: V1PublicChannel,
    readonly depth: number,
  ) {}
}

interface PubLevel extends PublishedLevel {
  /** `["price","qty","ts"]` as sent. */
  readonly json: string;
  /** The level's part of the checksum string. */
  readonly ck: string;
}

interface BookView {
  ch: V1Channel;
  book: PublishedBook<PubLevel>;
}

interface PairFeed {
  readonly pair: SimPair;
  readonly pairJson: string;
  readonly levelFormat: LevelFormat<PubLevel>;
  spread: V1Channel | null;
  ticker: V1Channel | null;
  books: BookView[];
  /** Best bid/ask last sent on spread (NaN: none yet). */
  sBid: number;
  sBidQty: number;
  sAsk: number;
  sAskQty: number;
  tBid: number;
  tBidQty: number;
  tAsk: number;
  tAskQty: number;
  open: number;
  high: number;
  low: number;
}

const fmtTs = (ts: number): string => ts.toFixed(6);

export class V1PublicFeed extends PublicFeed<PairFeed> {
  private readonly channelIds = new Map<string, number>();
  private nextChannelId = 1;

  constructor(market: SimMarket, out: WsOutput, isStalled: () => boolean) {
    super(market, out, isStalled, (pair) => ({
      pair,
      pairJson: JSON.stringify(pair.wsname),
      levelFormat: v1LevelFormat(pair),
      spread: null,
      ticker: null,
      books: [],
      sBid: NaN,
      sBidQty: NaN,
      sAsk: NaN,
      sAskQty: NaN,
      tBid: NaN,
      tBidQty: NaN,
      tAsk: NaN,
      tAskQty: NaN,
      open: NaN,
      high: NaN,
      low: NaN,
    }));
  }

  static channelName(kind: V1PublicChannel, depth: number): string {
    return kind === 'book' ? `book-${depth}` : kind;
  }

  /** The subscribed channel, or null when `conn` is already in it. Sends the initial frame to `conn` after `beforeData`. */
  subscribe(
    conn: WsConn,
    pairIndex: number,
    kind: V1PublicChannel,
    depth: number,
    beforeData: (ch: V1Channel) => void,
  ): V1Channel | null {
    const f = this.feed(pairIndex);
    let ch = this.find(f, kind, depth);
    if (ch !== null && ch.conns.includes(conn)) return null;
    if (ch === null) ch = this.create(f, pairIndex, kind, depth);
    this.join(conn, ch.conns);
    beforeData(ch);
    this.sendInitial(f, ch, conn);
    return ch;
  }

  /** The channel `conn` left, or null when it was not subscribed. */
  unsubscribe(conn: WsConn, pairIndex: number, kind: V1PublicChannel, depth: number): V1Channel | null {
    const f = this.feeds[pairIndex];
    if (f === undefined) return null;
    const ch = this.find(f, kind, depth);
    if (ch === null || !this.leave(conn, ch.conns)) return null;
    this.dropIfEmpty(f, ch);
    return ch;
  }

  /** Drops `conn` from every channel (connection closed). */
  removeConn(conn: WsConn): void {
    if (conn.subCount === 0) return;
    for (const f of this.feeds) {
      for (const ch of [f.spread, f.ticker, ...f.books.map((b) => b.ch)]) {
        if (ch !== null && this.leave(conn, ch.conns)) this.dropIfEmpty(f, ch);
      }
    }
  }

  protected followed(f: PairFeed): boolean {
    return f.spread !== null || f.ticker !== null || f.books.length > 0;
  }

  protected publish(
    f: PairFeed,
    change: BookChange,
    bids: readonly BookLevel[],
    asks: readonly BookLevel[],
  ): void {
    const ts = change.ts;
    if (f.spread !== null) this.publishSpread(f, f.spread, bids[0], asks[0], ts);
    if (f.ticker !== null) this.publishTicker(f, f.ticker, bids[0], asks[0]);
    for (let i = 0; i < f.books.length; i++) this.publishBook(f, f.books[i] as BookView, bids, asks, ts);
  }

  private find(f: PairFeed, kind: V1PublicChannel, depth: number): V1Channel | null {
    if (kind === 'spread') return f.spread;
    if (kind === 'ticker') return f.ticker;
    for (const b of f.books) if (b.ch.depth === depth) return b.ch;
    return null;
  }

  private create(f: PairFeed, pairIndex: number, kind: V1PublicChannel, depth: number): V1Channel {
    const name = V1PublicFeed.channelName(kind, depth);
    const key = `${pairIndex}:${name}`;
    let id = this.channelIds.get(key);
    if (id === undefined) {
      id = this.nextChannelId++;
      this.channelIds.set(key, id);
    }
    const ch = new V1Channel(id, name, pairIndex, kind, kind === 'book' ? depth : 0);
    if (kind === 'spread') {
      f.spread = ch;
    } else if (kind === 'ticker') {
      f.ticker = ch;
    } else {
      const book = new PublishedBook(depth, f.levelFormat);
      book.update(this.market.levels(pairIndex, 'bid'), this.market.levels(pairIndex, 'ask'), 0, false);
      f.books.push({ ch, book });
    }
    return ch;
  }

  /** A channel nobody follows any more stops being published. */
  private dropIfEmpty(f: PairFeed, ch: V1Channel): void {
    if (ch.conns.length > 0) return;
    if (ch === f.spread) f.spread = null;
    else if (ch === f.ticker) f.ticker = null;
    else f.books = f.books.filter((b) => b.ch !== ch);
  }

  private sendInitial(f: PairFeed, ch: V1Channel, conn: WsConn): void {
    const bid = this.market.levels(ch.pairIndex, 'bid')[0];
    const ask = this.market.levels(ch.pairIndex, 'ask')[0];
    if (ch.kind === 'spread') {
      if (bid === undefined || ask === undefined) return;
      const ts = bid.ts > ask.ts ? bid.ts : ask.ts;
      if (ch.conns.length === 1) this.rememberSpread(f, bid, ask);
      this.out.send(conn, this.spreadFrame(f, ch, bid, ask, ts));
    } else if (ch.kind === 'ticker') {
      if (bid === undefined || ask === undefined) return;
      this.out.send(conn, this.tickerFrame(f, ch, bid, ask));
    } else {
      const view = f.books.find((b) => b.ch === ch);
      if (view === undefined) return;
      const s = `[${ch.id},{"as":[${view.book.sideJson('asks')}],"bs":[${view.book.sideJson('bids')}]},"${ch.name}",${f.pairJson}]`;
      this.out.send(conn, s);
    }
  }

  private rememberSpread(f: PairFeed, bid: BookLevel, ask: BookLevel): void {
    f.sBid = bid.price;
    f.sBidQty = bid.qty;
    f.sAsk = ask.price;
    f.sAskQty = ask.qty;
  }

  private spreadFrame(f: PairFeed, ch: V1Channel, bid: BookLevel, ask: BookLevel, ts: number): string {
    const pd = f.pair.pairDecimals;
    const ld = f.pair.lotDecimals;
    return `[${ch.id},["${bid.price.toFixed(pd)}","${ask.price.toFixed(pd)}","${fmtTs(ts)}","${bid.qty.toFixed(ld)}","${ask.qty.toFixed(ld)}"],"spread",${f.pairJson}]`;
  }

  private publishSpread(
    f: PairFeed,
    ch: V1Channel,
    bid: BookLevel | undefined,
    ask: BookLevel | undefined,
    ts: number,
  ): void {
    if (bid === undefined || ask === undefined) return;
    if (bid.price === f.sBid && bid.qty === f.sBidQty && ask.price === f.sAsk && ask.qty === f.sAskQty)
      return;
    this.rememberSpread(f, bid, ask);
    this.out.broadcast(ch.conns, this.spreadFrame(f, ch, bid, ask, ts));
  }

  private publishTicker(
    f: PairFeed,
    ch: V1Channel,
    bid: BookLevel | undefined,
    ask: BookLevel | undefined,
  ): void {
    if (bid === undefined || ask === undefined) return;
    if (bid.price === f.tBid && bid.qty === f.tBidQty && ask.price === f.tAsk && ask.qty === f.tAskQty)
      return;
    this.out.broadcast(ch.conns, this.tickerFrame(f, ch, bid, ask));
  }

  /**
   * docs/kraken-protocol.md §1.7 ticker. The simulator has no public trade tape, so the statistics are approximations from
   * the mid price seen since the first ticker subscription: open/high/low of the mid, last = mid,
   * volume and trade counts zero.
   */
  private tickerFrame(f: PairFeed, ch: V1Channel, bid: BookLevel, ask: BookLevel): string {
    f.tBid = bid.price;
    f.tBidQty = bid.qty;
    f.tAsk = ask.price;
    f.tAskQty = ask.qty;
    const mid = (bid.price + ask.price) / 2;
    if (Number.isNaN(f.open)) f.open = f.high = f.low = mid;
    if (mid > f.high) f.high = mid;
    if (mid < f.low) f.low = mid;
    const pd = f.pair.pairDecimals;
    const ld = f.pair.lotDecimals;
    const m = mid.toFixed(pd);
    const o = f.open.toFixed(pd);
    const h = f.high.toFixed(pd);
    const l = f.low.toFixed(pd);
    const zero = (0).toFixed(ld);
    return (
      `[${ch.id},{"a":["${ask.price.toFixed(pd)}",${Math.floor(ask.qty)},"${ask.qty.toFixed(ld)}"],` +
      `"b":["${bid.price.toFixed(pd)}",${Math.floor(bid.qty)},"${bid.qty.toFixed(ld)}"],` +
      `"c":["${m}","${zero}"],"v":["${zero}","${zero}"],"p":["${m}","${m}"],"t":[0,0],` +
      `"l":["${l}","${l}"],"h":["${h}","${h}"],"o":["${o}","${o}"]},"ticker",${f.pairJson}]`
    );
  }

  private publishBook(
    f: PairFeed,
    view: BookView,
    bids: readonly BookLevel[],
    asks: readonly BookLevel[],
    ts: number,
  ): void {
    const book = view.book;
    book.update(bids, asks, ts);
    const a = book.askEntries;
    const b = book.bidEntries;
    if (a === '' && b === '') return;
    const c = bookChecksum(book.asks, book.bids);
    let s = `[${view.ch.id},`;
    if (a !== '' && b !== '') s += `{"a":[${a}]},{"b":[${b}],"c":"${c}"}`;
    else if (a !== '') s += `{"a":[${a}],"c":"${c}"}`;
    else s += `{"b":[${b}],"c":"${c}"}`;
    s += `,"${view.ch.name}",${f.pairJson}]`;
    this.out.broadcast(view.ch.conns, s);
  }
}

/** v1 book levels: `["price","volume","timestamp"]` strings at the pair's decimals. */
function v1LevelFormat(pair: SimPair): LevelFormat<PubLevel> {
  const zero = (0).toFixed(pair.lotDecimals);
  return {
    level(l) {
      const p = l.price.toFixed(pair.pairDecimals);
      const q = l.qty.toFixed(pair.lotDecimals);
      const json = `["${p}","${q}","${fmtTs(l.ts)}"]`;
      return { price: l.price, qty: l.qty, json, ck: checksumFragment(p) + checksumFragment(q) };
    },
    deleted: (price, ts) => `["${price.toFixed(pair.pairDecimals)}","${zero}","${fmtTs(ts)}"]`,
  };
}
