/**
 * A tiny SimMarket for venue and REST tests: four pairs with fixed, hand-written books. `take`
 * consumes levels like a real book so fills, partial fills and book walking are observable.
 */
import type { BookChange, BookLevel, SimMarket, SimPair, Side } from '../../../src/sim/contracts.js';

const FEES: ReadonlyArray<readonly [number, number]> = [
  [0, 0.4],
  [10000, 0.35],
  [50000, 0.24],
  [100000, 0.22],
  [250000, 0.2],
  [500000, 0.18],
  [1000000, 0.16],
  [2500000, 0.14],
  [5000000, 0.12],
  [10000000, 0.1],
];
const FEES_MAKER: ReadonlyArray<readonly [number, number]> = [
  [0, 0.25],
  [10000, 0.2],
  [50000, 0.14],
  [100000, 0.12],
  [250000, 0.1],
  [500000, 0.08],
  [1000000, 0.06],
  [2500000, 0.04],
  [5000000, 0.02],
  [10000000, 0],
];
const FLAT: ReadonlyArray<readonly [number, number]> = [
  [0, 0.2],
  [50000, 0.16],
  [100000, 0.12],
];

function pair(
  p: Partial<SimPair> &
    Pick<SimPair, 'id' | 'altname' | 'wsname' | 'symbol' | 'base' | 'quote' | 'baseId' | 'quoteId'>,
): SimPair {
  return {
    pairDecimals: 1,
    lotDecimals: 8,
    costDecimals: 5,
    ordermin: 0.0001,
    costmin: 0.5,
    tickSize: 0.1,
    status: 'online',
    takerFees: FEES,
    makerFees: FEES_MAKER,
    ...p,
  };
}

export const FAKE_PAIRS: readonly SimPair[] = [
  pair({
    id: 'XXBTZUSD',
    altname: 'XBTUSD',
    wsname: 'XBT/USD',
    symbol: 'BTC/USD',
    base: 'XBT',
    quote: 'USD',
    baseId: 'XXBT',
    quoteId: 'ZUSD',
  }),
  pair({
    id: 'XXBTZEUR',
    altname: 'XBTEUR',
    wsname: 'XBT/EUR',
    symbol: 'BTC/EUR',
    base: 'XBT',
    quote: 'EUR',
    baseId: 'XXBT',
    quoteId: 'ZEUR',
  }),
  pair({
    id: 'USDTZUSD',
    altname: 'USDTUSD',
    wsname: 'USDT/USD',
    symbol: 'USDT/USD',
    base: 'USDT',
    quote: 'USD',
    baseId: 'USDT',
    quoteId: 'ZUSD',
    pairDecimals: 5,
    lotDecimals: 8,
    costDecimals: 5,
    ordermin: 5,
    costmin: 5,
    tickSize: 0.00001,
    takerFees: FLAT,
    makerFees: [],
  }),
  pair({
    id: 'USDTEUR',
    altname: 'USDTEUR',
    wsname: 'USDT/EUR',
    symbol: 'USDT/EUR',
    base: 'USDT',
    quote: 'EUR',
    baseId: 'USDT',
    quoteId: 'ZEUR',
    pairDecimals: 4,
    lotDecimals: 8,
    costDecimals: 5,
    ordermin: 5,
    costmin: 5,
    tickSize: 0.0001,
    takerFees: FLAT,
    makerFees: [],
  }),
];

const TS = 1700000000.123456;
const lv = (price: number, qty: number): BookLevel => ({ price, qty, ts: TS });

function initialBooks(): Array<{ bid: BookLevel[]; ask: BookLevel[] }> {
  return [
    {
      bid: [lv(50000.0, 1), lv(49990.0, 2), lv(49980.0, 5)],
      ask: [lv(50010.0, 0.5), lv(50020.0, 1), lv(50050.0, 3)],
    },
    { bid: [lv(46000.0, 1), lv(45990.0, 2)], ask: [lv(46010.0, 1), lv(46020.0, 2)] },
    { bid: [lv(0.9999, 100000), lv(0.9998, 200000)], ask: [lv(1.0001, 100000), lv(1.0002, 200000)] },
    { bid: [lv(0.9199, 100000)], ask: [lv(0.9201, 100000)] },
  ];
}

export interface FakeMarket extends SimMarket {
  /** Replace a side's levels (tests set up specific books). */
  setLevels(pairIndex: number, side: Side, levels: BookLevel[]): void;
  takes: Array<{ pairIndex: number; side: Side; qty: number; limit: number }>;
}

export function createFakeMarket(): FakeMarket {
  const books = initialBooks();
  const listeners = new Set<(c: BookChange) => void>();
  const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;
  const m: FakeMarket = {
    pairs: FAKE_PAIRS,
    takes: [],
    pairIndex(name) {
      return FAKE_PAIRS.findIndex(
        (p) => p.id === name || p.altname === name || p.wsname === name || p.symbol === name,
      );
    },
    levels(pairIndex, side) {
      return books[pairIndex]?.[side] ?? [];
    },
    take(pairIndex, side, qty, limit) {
      m.takes.push({ pairIndex, side, qty, limit });
      const book = books[pairIndex];
      if (book === undefined) return [];
      const levels = book[side];
      const fills: Array<{ price: number; qty: number }> = [];
      let remaining = qty;
      while (remaining > 0 && levels.length > 0) {
        const top = levels[0];
        if (top === undefined) break;
        if (side === 'ask' ? top.price > limit : top.price < limit) break;
        const q = Math.min(top.qty, remaining);
        fills.push({ price: top.price, qty: q });
        remaining = round8(remaining - q);
        top.qty = round8(top.qty - q);
        if (top.qty <= 0) levels.shift();
      }
      return fills;
    },
    onChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    setLevels(pairIndex, side, levels) {
      const book = books[pairIndex];
      if (book !== undefined) book[side] = levels;
    },
    start() {},
    stop() {},
  };
  return m;
}
