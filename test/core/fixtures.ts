// Test fixtures for the pure core: PairInfo builders and a ready-made four-leg market.
import type { PairInfo, PairStatus } from '../../src/core/pair.js';
import { QuoteTable } from '../../src/core/quote-table.js';
import { buildPairMeta, type PairMeta } from '../../src/core/pair-meta.js';

export function pair(base: string, quote: string, over: Partial<PairInfo> = {}): PairInfo {
  const status: PairStatus = 'online';
  return {
    id: `${base}${quote}`,
    altname: `${base}${quote}`,
    wsname: `${base}/${quote}`,
    symbol: `${base}/${quote}`,
    base,
    quote,
    baseId: base,
    quoteId: quote,
    pairDecimals: 5,
    lotDecimals: 8,
    costDecimals: 5,
    ordermin: 0.0001,
    costmin: 0.5,
    tickSize: 0.00001,
    status,
    takerFees: [[0, 0.4]],
    makerFees: [[0, 0.25]],
    ...over,
  };
}

export interface Leg {
  bid: number;
  ask: number;
  bidVol?: number;
  askVol?: number;
  ts?: number;
  recvUs?: number;
}

export interface Market {
  table: QuoteTable;
  meta: PairMeta;
}

export const NOW_US = 1_700_000_000_000_000;
export const TS = 1_700_000_000.5;

/** One coin (local coin 0): [USDT/USD, USDT/EUR, X/USD, X/EUR], all online with good quotes. */
export function market(legs: { uu: Leg; ue: Leg; xu: Leg; xe: Leg }, pairs?: PairInfo[]): Market {
  const ps = pairs ?? [
    pair('USDT', 'USD', { pairDecimals: 4, lotDecimals: 2, ordermin: 5, costmin: 5 }),
    pair('USDT', 'EUR', { pairDecimals: 4, lotDecimals: 2, ordermin: 5, costmin: 5 }),
    pair('ABC', 'USD', { pairDecimals: 3, lotDecimals: 8, ordermin: 0.01, costmin: 0.5 }),
    pair('ABC', 'EUR', { pairDecimals: 3, lotDecimals: 6, ordermin: 0.01, costmin: 0.5 }),
  ];
  const table = new QuoteTable(ps.length);
  table.feedOnline = true;
  table.setAllOnline(true);
  const order = [legs.uu, legs.ue, legs.xu, legs.xe];
  order.forEach((l, i) => {
    table.update(i, l.bid, l.ask, l.ts ?? TS, l.bidVol ?? 1000, l.askVol ?? 1000, l.recvUs ?? NOW_US);
  });
  return { table, meta: buildPairMeta(ps) };
}

/** A market with a clear USD→EUR dislocation (X/EUR bid well above fair). */
export function dislocatedUsdToEur(): Market {
  return market({
    uu: { bid: 1.0, ask: 1.0001 },
    ue: { bid: 0.9199, ask: 0.92 },
    xu: { bid: 99.9, ask: 100.0 },
    xe: { bid: 94.0, ask: 94.1 },
  });
}
