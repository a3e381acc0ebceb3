/**
 * USD value of assets, for 30-day fee volume and TradeBalance. Uses the market's mid prices: an
 * asset with an X/USD pair is valued directly; EUR via an EUR/USD pair or USDT/USD ÷ USDT/EUR;
 * anything else through its EUR pair. Nothing tradable → 0. Pair lookups are cached per market
 * (the pair list is fixed), so a fill costs a few map reads, not a scan of ~1000 pairs.
 */
import type { SimMarket } from '../contracts.js';

/** Used only when the market offers no way to convert EUR (documented fallback). */
export const FALLBACK_USD_PER_EUR = 1.08;

const USD_IDS = new Set(['ZUSD', 'USD']);
const EUR_IDS = new Set(['ZEUR', 'EUR']);

interface Index {
  /** baseId → pair index quoted in USD / in EUR. */
  usd: Map<string, number>;
  eur: Map<string, number>;
}

const indexes = new WeakMap<SimMarket, Index>();

function indexOf(market: SimMarket): Index {
  let ix = indexes.get(market);
  if (ix === undefined) {
    ix = { usd: new Map(), eur: new Map() };
    for (let i = 0; i < market.pairs.length; i++) {
      const p = market.pairs[i];
      if (p === undefined) continue;
      if (USD_IDS.has(p.quoteId) && !ix.usd.has(p.baseId)) ix.usd.set(p.baseId, i);
      if (EUR_IDS.has(p.quoteId) && !ix.eur.has(p.baseId)) ix.eur.set(p.baseId, i);
    }
    indexes.set(market, ix);
  }
  return ix;
}

function mid(market: SimMarket, pairIndex: number | undefined): number {
  if (pairIndex === undefined) return 0;
  const bid = market.levels(pairIndex, 'bid')[0];
  const ask = market.levels(pairIndex, 'ask')[0];
  if (bid !== undefined && ask !== undefined) return (bid.price + ask.price) / 2;
  return bid?.price ?? ask?.price ?? 0;
}

export function usdPerEur(market: SimMarket): number {
  const ix = indexOf(market);
  const direct = mid(market, ix.usd.get('ZEUR') ?? ix.usd.get('EUR'));
  if (direct > 0) return direct;
  const usdtUsd = mid(market, ix.usd.get('USDT'));
  const usdtEur = mid(market, ix.eur.get('USDT'));
  if (usdtUsd > 0 && usdtEur > 0) return usdtUsd / usdtEur;
  return FALLBACK_USD_PER_EUR;
}

/** USD per one unit of `assetId`. */
export function usdRate(market: SimMarket, assetId: string): number {
  if (USD_IDS.has(assetId)) return 1;
  if (EUR_IDS.has(assetId)) return usdPerEur(market);
  const ix = indexOf(market);
  const usd = mid(market, ix.usd.get(assetId));
  if (usd > 0) return usd;
  const eur = mid(market, ix.eur.get(assetId));
  return eur > 0 ? eur * usdPerEur(market) : 0;
}
