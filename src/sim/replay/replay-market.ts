/**
 * A SimMarket that replays a recording instead of generating prices: every recorded spread frame
 * becomes the pair's top of book at its original pace (or `speed` times faster), so the whole
 * simulator — REST AssetPairs, the WebSocket feeds, order matching — serves recorded data.
 * Pair metadata is inferred from the recording (decimals from the strings; ordermin one lot;
 * costmin 0.5; Kraken's base fee schedules), which is enough to replay, not a copy of Kraken's.
 */
import { v2Symbol } from '../../kraken/asset-pairs.js';
import type { BookChange, BookLevel, Side, SimMarket, SimPair } from '../contracts.js';
import type { Recording } from './recording.js';

const COIN_TAKER: ReadonlyArray<readonly [number, number]> = [
  [0, 0.4],
  [10_000, 0.35],
  [50_000, 0.24],
  [100_000, 0.22],
];
const COIN_MAKER: ReadonlyArray<readonly [number, number]> = [
  [0, 0.25],
  [10_000, 0.2],
  [50_000, 0.14],
  [100_000, 0.12],
];
const FLAT: ReadonlyArray<readonly [number, number]> = [
  [0, 0.2],
  [50_000, 0.16],
  [100_000, 0.12],
];
const FIAT_IDS: Readonly<Record<string, string>> = { USD: 'ZUSD', EUR: 'ZEUR', GBP: 'ZGBP' };
const STABLE = new Set(['USDT', 'USDC', 'DAI', 'EUR', 'USD', 'GBP']);
/** Timer slice: frames due within it are emitted together. */
const TICK_MS = 1;

export interface ReplayOptions {
  /** 1 = original pace; 10 = ten times faster. */
  speed: number;
  /** Start over at the end instead of stopping. */
  loop?: boolean;
  nowMs?: () => number;
}

function decimalsOf(s: string): number {
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function buildPairs(rec: Recording): SimPair[] {
  const seen = new Map<string, { pairDecimals: number; lotDecimals: number }>();
  for (const s of rec.spreads) {
    const prev = seen.get(s.pair) ?? { pairDecimals: 0, lotDecimals: 0 };
    seen.set(s.pair, {
      pairDecimals: Math.max(prev.pairDecimals, decimalsOf(s.bid), decimalsOf(s.ask)),
      lotDecimals: Math.max(prev.lotDecimals, decimalsOf(s.bidVol), decimalsOf(s.askVol)),
    });
  }
  const pairs: SimPair[] = [];
  for (const [wsname, d] of [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [base = '', quote = ''] = wsname.split('/');
    if (base === '' || quote === '') continue;
    const flat = STABLE.has(base);
    pairs.push({
      id: `${base}${quote}`,
      altname: `${base}${quote}`,
      wsname,
      symbol: v2Symbol(wsname),
      base,
      quote,
      pairDecimals: d.pairDecimals,
      lotDecimals: d.lotDecimals,
      costDecimals: 5,
      ordermin: 10 ** -d.lotDecimals,
      costmin: 0.5,
      tickSize: 10 ** -d.pairDecimals,
      status: 'online',
      takerFees: flat ? FLAT : COIN_TAKER,
      makerFees: flat ? [] : COIN_MAKER,
      baseId: FIAT_IDS[base] ?? base,
      quoteId: FIAT_IDS[quote] ?? quote,
    });
  }
  return pairs;
}

export function createReplayMarket(
  rec: Recording,
  options: ReplayOptions,
): SimMarket & { replayed(): number } {
  if (!(options.speed > 0)) throw new RangeError('replay speed must be > 0');
  return new ReplayMarket(rec, options);
}

/** A one-level book per pair, set by each recorded spread in turn on the recorded pace. */
class ReplayMarket implements SimMarket {
  readonly pairs: SimPair[];
  private readonly byName = new Map<string, number>();
  private readonly bids: BookLevel[][];
  private readonly asks: BookLevel[][];
  private readonly listeners = new Set<(c: BookChange) => void>();
  private readonly now: () => number;
  /** Index of the next spread to apply. */
  private next = 0;
  private startMs = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Receive time of the first spread, µs: the recording's zero. */
  private readonly t0: number;

  constructor(
    private readonly rec: Recording,
    private readonly options: ReplayOptions,
  ) {
    this.pairs = buildPairs(rec);
    this.pairs.forEach((p, i) => {
      for (const n of [p.wsname, p.symbol, p.id, p.altname]) if (!this.byName.has(n)) this.byName.set(n, i);
    });
    this.bids = this.pairs.map(() => []);
    this.asks = this.pairs.map(() => []);
    this.now = options.nowMs ?? (() => performance.now());
    this.t0 = rec.spreads[0]?.t ?? 0;
  }

  private emit(change: BookChange): void {
    for (const l of this.listeners) l(change);
  }

  private apply(i: number): void {
    const s = this.rec.spreads[i];
    if (s === undefined) return;
    const p = this.byName.get(s.pair);
    if (p === undefined) return;
    const ts = Number(s.ts);
    const bid: BookLevel = { price: Number(s.bid), qty: Number(s.bidVol), ts };
    const ask: BookLevel = { price: Number(s.ask), qty: Number(s.askVol), ts };
    const oldBid = this.bids[p]?.[0];
    const oldAsk = this.asks[p]?.[0];
    this.bids[p] = [bid];
    this.asks[p] = [ask];
    const changedBids = oldBid && oldBid.price !== bid.price ? [{ ...oldBid, qty: 0 }, bid] : [bid];
    const changedAsks = oldAsk && oldAsk.price !== ask.price ? [{ ...oldAsk, qty: 0 }, ask] : [ask];
    this.emit({ pairIndex: p, bids: changedBids, asks: changedAsks, ts });
  }

  private readonly tick = (): void => {
    const { rec, options } = this;
    this.timer = null;
    const elapsedUs = (this.now() - this.startMs) * 1000 * options.speed;
    while (this.next < rec.spreads.length && (rec.spreads[this.next]?.t ?? 0) - this.t0 <= elapsedUs)
      this.apply(this.next++);
    if (this.next >= rec.spreads.length) {
      if (!options.loop) return;
      this.next = 0;
      this.startMs = this.now();
    }
    this.timer = setTimeout(this.tick, TICK_MS);
  };

  pairIndex(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  levels(i: number, side: Side): readonly BookLevel[] {
    return (side === 'bid' ? this.bids[i] : this.asks[i]) ?? [];
  }

  /** Takes from the one top level only; the next recorded spread replaces it whatever was taken. */
  take(i: number, side: Side, qty: number, limit: number): Array<{ price: number; qty: number }> {
    const book = side === 'bid' ? this.bids[i] : this.asks[i];
    const top = book?.[0];
    if (top === undefined || !(qty > 0)) return [];
    const crosses = side === 'ask' ? top.price <= limit : top.price >= limit;
    if (!crosses || top.qty <= 0) return [];
    const q = Math.min(qty, top.qty);
    top.qty -= q;
    this.emit({
      pairIndex: i,
      bids: side === 'bid' ? [top] : [],
      asks: side === 'ask' ? [top] : [],
      ts: Date.now() / 1000,
    });
    return [{ price: top.price, qty: q }];
  }

  onChange(l: (c: BookChange) => void): () => boolean {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  start(): void {
    if (this.timer !== null) return;
    this.startMs = this.now();
    this.timer = setTimeout(this.tick, 0);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  replayed(): number {
    return this.next;
  }
}
