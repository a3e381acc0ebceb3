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
  const pairs = buildPairs(rec);
  const byName = new Map<string, number>();
  pairs.forEach((p, i) => {
    for (const n of [p.wsname, p.symbol, p.id, p.altname]) if (!byName.has(n)) byName.set(n, i);
  });
  const bids: BookLevel[][] = pairs.map(() => []);
  const asks: BookLevel[][] = pairs.map(() => []);
  const listeners = new Set<(c: BookChange) => void>();
  const now = options.nowMs ?? (() => performance.now());
  let next = 0;
  let startMs = 0;
  let timer: NodeJS.Timeout | null = null;
  const t0 = rec.spreads[0]?.t ?? 0;

  const emit = (change: BookChange): void => {
    for (const l of listeners) l(change);
  };

  const apply = (i: number): void => {
    const s = rec.spreads[i];
    if (s === undefined) return;
    const p = byName.get(s.pair);
    if (p === undefined) return;
    const ts = Number(s.ts);
    const bid: BookLevel = { price: Number(s.bid), qty: Number(s.bidVol), ts };
    const ask: BookLevel = { price: Number(s.ask), qty: Number(s.askVol), ts };
    const oldBid = bids[p]?.[0];
    const oldAsk = asks[p]?.[0];
    bids[p] = [bid];
    asks[p] = [ask];
    const changedBids = oldBid && oldBid.price !== bid.price ? [{ ...oldBid, qty: 0 }, bid] : [bid];
    const changedAsks = oldAsk && oldAsk.price !== ask.price ? [{ ...oldAsk, qty: 0 }, ask] : [ask];
    emit({ pairIndex: p, bids: changedBids, asks: changedAsks, ts });
  };

  const tick = (): void => {
    timer = null;
    const elapsedUs = (now() - startMs) * 1000 * options.speed;
    while (next < rec.spreads.length && (rec.spreads[next]?.t ?? 0) - t0 <= elapsedUs) apply(next++);
    if (next >= rec.spreads.length) {
      if (!options.loop) return;
      next = 0;
      startMs = now();
    }
    timer = setTimeout(tick, TICK_MS);
  };

  return {
    pairs,
    pairIndex: (name) => byName.get(name) ?? -1,
    levels: (i, side: Side) => (side === 'bid' ? bids[i] : asks[i]) ?? [],
    take(i, side, qty, limit) {
      const book = side === 'bid' ? bids[i] : asks[i];
      const top = book?.[0];
      if (top === undefined || !(qty > 0)) return [];
      const crosses = side === 'ask' ? top.price <= limit : top.price >= limit;
      if (!crosses || top.qty <= 0) return [];
      const q = Math.min(qty, top.qty);
      top.qty -= q;
      emit({
        pairIndex: i,
        bids: side === 'bid' ? [top] : [],
        asks: side === 'ask' ? [top] : [],
        ts: Date.now() / 1000,
      });
      return [{ price: top.price, qty: q }];
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    start() {
      if (timer !== null) return;
      startMs = now();
      timer = setTimeout(tick, 0);
    },
    stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    replayed: () => next,
  };
}
