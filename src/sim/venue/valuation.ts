/**
 * USD value of assets, for 30-day fee volume and TradeBalance. Uses the market's mid prices: an
 * asset with an X/USD pair is valued directly; EUR via USDT/USD ÷ USDT/EUR (or an EUR/USD pair);
 * anything else falls back to its EUR pair. Nothing tradable → 0.
 */
import type { SimMarket } from '../contracts.js';

/** Used only when the market offers no way to convert EUR (documented fallback). */
export const FALLBACK_USD_PER_EUR = 1.08;

const USD_IDS = new Set(['ZUSD', 'USD']);
const EUR_IDS = new Set(['ZEUR', 'EUR']);

function mid(market: SimMarket, pairIndex: number): number {
  const bid = market.levels(pairIndex, 'bid')[0];
  const ask = market.levels(pairIndex, 'ask')[0];
  if (bid !== undefined && ask !== undefined) return (bid.price + ask.price) / 2;
  return bid?.price ?? ask?.price ?? 0;
}

function pairPrice(market: SimMarket, baseId: string, quoteIds: Set<string>): number {
  for (let i = 0; i < market.pairs.length; i++) {
    const p = market.pairs[i];
    if (p !== undefined && p.baseId === baseId && quoteIds.has(p.quoteId)) {
      const m = mid(market, i);
      if (m > 0) return m;
    }
  }
  return 0;
}

export function usdPerEur(market: SimMarket): number {
  const direct = pairPrice(market, 'ZEUR', USD_IDS);
  if (direct > 0) return direct;
  const usdtUsd = pairPrice(market, 'USDT', USD_IDS);
  const usdtEur = pairPrice(market, 'USDT', EUR_IDS);
  if (usdtUsd > 0 && usdtEur > 0) return usdtUsd / usdtEur;
  return FALLBACK_USD_PER_EUR;
}

/** USD per one unit of `assetId`. */
export function usdRate(market: SimMarket, assetId: string): number {
  if (USD_IDS.has(assetId)) return 1;
  if (EUR_IDS.has(assetId)) return usdPerEur(market);
  const usd = pairPrice(market, assetId, USD_IDS);
  if (usd > 0) return usd;
  const eur = pairPrice(market, assetId, EUR_IDS);
  return eur > 0 ? eur * usdPerEur(market) : 0;
}
