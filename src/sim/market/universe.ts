/**
 * Deterministic pair universe sized like Kraken's: USDT/USD, USDT/EUR, then for every coin X its
 * X/USD and X/EUR pairs, then EUR/USD. The layout follows src/core/pair-index.ts (0 = USDT/USD,
 * 1 = USDT/EUR, coin k at 2 + 2k and 3 + 2k) so simulator and client agree on indices by default.
 * A handful of majors carry Kraken's legacy ids (XXBTZUSD, wsname XBT/USD, symbol BTC/USD); the rest
 * are generated coins with newer-style ids (`ABCUSD`, wsname `ABC/USD`). Metadata mirrors AssetPairs
 * (docs/kraken-protocol.md §4.5, §8): ~5 significant price digits, lot decimals 8 (fewer for cheap coins),
 * ordermin worth a few USD, costmin 0.5.
 */
import { ceilToDecimals } from '../../core/decimals.js';
import type { SimPair } from '../contracts.js';
import { COIN_MAKER_FEES, COIN_TAKER_FEES, STABLE_FEES } from './fee-schedules.js';
import { MAJORS, type MajorCoin } from './majors.js';
import { Prng } from './prng.js';

export const DEFAULT_COIN_COUNT = 520;
/** Generated coins' starting USD prices are log-uniform in this range. */
export const MIN_COIN_PRICE_USD = 0.0001;
export const MAX_COIN_PRICE_USD = 50_000;
/** Kraken's cost minimum for USD and EUR quoted pairs. */
export const COSTMIN_FIAT = 0.5;
const COST_DECIMALS_FIAT = 5;
/** Order minimums are worth this many USD (uniform) at the starting price. */
const ORDERMIN_USD_LO = 2;
const ORDERMIN_USD_HI = 6;
/** Typical size of one generated book level, in USD (log-uniform). */
const LEVEL_USD_LO = 150;
const LEVEL_USD_HI = 3_000;
const BASE_EURUSD = 1.08;
/** Seed mixing constant so the universe stream differs from the feed stream of the same seed. */
const UNIVERSE_STREAM = 0x5eed0001;

export interface SimCoin {
  /** Base code as in wsname (`XBT`, `ABC`). */
  readonly name: string;
  /** Base code as in the v2 symbol (`BTC`). */
  readonly symbolName: string;
  readonly usdIndex: number;
  readonly eurIndex: number;
  /** Starting fundamental value in USD. */
  readonly priceUsd: number;
  /** Typical USD value of one book level (liquidity). */
  readonly levelUsd: number;
}

export interface SimUniverse {
  readonly pairs: readonly SimPair[];
  readonly coins: readonly SimCoin[];
  readonly usdtUsdIndex: number;
  readonly usdtEurIndex: number;
  readonly eurUsdIndex: number;
  /** Starting EUR/USD rate (USD per EUR). */
  readonly eurUsd: number;
}

export interface UniverseOptions {
  seed: number;
  /** Total coins including the majors (each gets X/USD and X/EUR); default 520. */
  coins?: number;
  /**
   * Also list USDC/USD and USDC/EUR (after every other coin, so the rest is unchanged): a
   * stablecoin-base coin Kraken charges its stablecoin fee schedule, which a client must not
   * price with the coin schedule.
   */
  stablecoinCoin?: boolean;
}

/** Names a generated coin must never take (real codes, fiat, legacy ids). */
// prettier-ignore
const RESERVED = new Set([
  'USD', 'EUR', 'GBP', 'JPY', 'CAD', 'CHF', 'AUD', 'USDT', 'USDC', 'DAI', 'BTC', 'XBT', 'DOGE', 'XDG',
  'ZUSD', 'ZEUR', 'KFEE', 'NAN', 'INF',
]);

export function generateUniverse(options: UniverseOptions): SimUniverse {
  const total = options.coins ?? DEFAULT_COIN_COUNT;
  if (!Number.isInteger(total) || total < 1)
    throw new RangeError(`E_SIM_UNIVERSE: coins must be a positive integer, got ${String(total)}`);
  const rng = new Prng((options.seed ^ UNIVERSE_STREAM) >>> 0);
  const eurUsd = BASE_EURUSD * (1 + rng.range(-0.02, 0.02));
  const pairs: SimPair[] = [];
  const coins: SimCoin[] = [];

  pairs.push(stablePair('USDTZUSD', 'USDTUSD', 'USDT', 'USD', 'USDT', 'ZUSD', 4, 5));
  pairs.push(stablePair('USDTEUR', 'USDTEUR', 'USDT', 'EUR', 'USDT', 'ZEUR', 4, 5));

  const used = new Set<string>(RESERVED);
  for (const m of MAJORS) {
    used.add(m.name);
    used.add(m.symbolName);
  }
  const majors = MAJORS.slice(0, total);
  for (const m of majors) addCoin(pairs, coins, fromMajor(m));
  for (let k = majors.length; k < total; k++) {
    const name = freshName(rng, used);
    const priceUsd = rng.logRange(MIN_COIN_PRICE_USD, MAX_COIN_PRICE_USD);
    const lotDecimals = priceUsd >= 0.1 ? 8 : priceUsd >= 0.001 ? 5 : 2;
    addCoin(pairs, coins, {
      name,
      symbolName: name,
      legacyBaseId: null,
      priceUsd,
      pairDecimals: decimalsForPrice(priceUsd),
      lotDecimals,
      ordermin: orderminFor(rng.range(ORDERMIN_USD_LO, ORDERMIN_USD_HI) / priceUsd, lotDecimals),
      levelUsd: rng.logRange(LEVEL_USD_LO, LEVEL_USD_HI),
      tickUnits: coarseTickUnits(k),
    });
  }
  const eurUsdIndex = pairs.length;
  pairs.push(stablePair('ZEURZUSD', 'EURUSD', 'EUR', 'USD', 'ZEUR', 'ZUSD', 5, 5));
  if (options.stablecoinCoin === true) addStablecoinCoin(pairs, coins);
  return { pairs, coins, usdtUsdIndex: 0, usdtEurIndex: 1, eurUsdIndex, eurUsd };
}

/** ≈5 significant digits: 90000 → 0, 2.2 → 4, 0.00015 → 8 (clamped to 0..10). */
export function decimalsForPrice(price: number): number {
  const d = 4 - Math.floor(Math.log10(price));
  return Math.max(0, Math.min(10, d));
}

interface CoinSpec extends MajorCoin {
  legacyBaseId: string | null;
  /** tick_size in units of 10^-pairDecimals (1 = the decimals' step). */
  tickUnits?: number;
}

/**
 * Some generated coins trade in ticks coarser than their decimals, as some Kraken pairs do (a pair
 * with 2 decimals and tick_size 0.05): every 4th from the second gets 5 units, every 4th from the
 * fourth 10. By index, so the seeded market draws the same numbers as before.
 */
export function coarseTickUnits(k: number): number {
  return k % 4 === 1 ? 5 : k % 4 === 3 ? 10 : 1;
}

function fromMajor(m: MajorCoin & { legacyBaseId?: string | null }): CoinSpec {
  return { ...m, legacyBaseId: m.legacyBaseId ?? null };
}

function addCoin(pairs: SimPair[], coins: SimCoin[], c: CoinSpec): void {
  const usdIndex = pairs.length;
  for (const quote of ['USD', 'EUR'] as const) {
    const quoteId = quote === 'USD' ? 'ZUSD' : 'ZEUR';
    const legacy = c.legacyBaseId !== null;
    const altname = `${c.name}${quote}`;
    pairs.push({
      id: legacy ? `${c.legacyBaseId}${quoteId}` : altname,
      altname,
      wsname: `${c.name}/${quote}`,
      symbol: `${c.symbolName}/${quote}`,
      base: c.name,
      quote,
      baseId: c.legacyBaseId ?? c.name,
      quoteId,
      pairDecimals: c.pairDecimals,
      lotDecimals: c.lotDecimals,
      costDecimals: COST_DECIMALS_FIAT,
      ordermin: c.ordermin,
      costmin: COSTMIN_FIAT,
      tickSize: (c.tickUnits ?? 1) / 10 ** c.pairDecimals,
      status: 'online',
      takerFees: COIN_TAKER_FEES,
      makerFees: COIN_MAKER_FEES,
    });
  }
  coins.push({
    name: c.name,
    symbolName: c.symbolName,
    usdIndex,
    eurIndex: usdIndex + 1,
    priceUsd: c.priceUsd,
    levelUsd: c.levelUsd,
  });
}

/** USDC/USD and USDC/EUR as a coin the market prices near 1 USD, on the stablecoin fee schedule. */
function addStablecoinCoin(pairs: SimPair[], coins: SimCoin[]): void {
  const usdIndex = pairs.length;
  pairs.push(stablePair('USDCUSD', 'USDCUSD', 'USDC', 'USD', 'USDC', 'ZUSD', 4, 5));
  pairs.push(stablePair('USDCEUR', 'USDCEUR', 'USDC', 'EUR', 'USDC', 'ZEUR', 4, 5));
  coins.push({
    name: 'USDC',
    symbolName: 'USDC',
    usdIndex,
    eurIndex: usdIndex + 1,
    priceUsd: 1,
    levelUsd: 50_000,
  });
}

function stablePair(
  id: string,
  altname: string,
  base: string,
  quote: string,
  baseId: string,
  quoteId: string,
  pairDecimals: number,
  ordermin: number,
): SimPair {
  return {
    id,
    altname,
    wsname: `${base}/${quote}`,
    symbol: `${base}/${quote}`,
    base,
    quote,
    baseId,
    quoteId,
    pairDecimals,
    lotDecimals: 8,
    costDecimals: COST_DECIMALS_FIAT,
    ordermin,
    costmin: COSTMIN_FIAT,
    tickSize: 1 / 10 ** pairDecimals,
    status: 'online',
    takerFees: STABLE_FEES,
    makerFees: [],
  };
}

/** Two significant digits, rounded up onto the lot grid (so it is always a valid volume). */
function orderminFor(baseUnits: number, lotDecimals: number): number {
  const e = Math.floor(Math.log10(baseUnits)) - 1;
  const twoSig =
    e >= 0 ? Math.round(baseUnits / 10 ** e) * 10 ** e : Math.round(baseUnits * 10 ** -e) / 10 ** -e;
  return ceilToDecimals(Math.max(twoSig, 1 / 10 ** lotDecimals), lotDecimals);
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 3–5 capital letters, never starting with X or Z (those look like legacy asset ids). */
function freshName(rng: Prng, used: Set<string>): string {
  for (;;) {
    const len = 3 + rng.int(3);
    let s = '';
    for (let i = 0; i < len; i++) {
      let ch = LETTERS.charAt(rng.int(26));
      while (i === 0 && (ch === 'X' || ch === 'Z')) ch = LETTERS.charAt(rng.int(26));
      s += ch;
    }
    if (!used.has(s)) {
      used.add(s);
      return s;
    }
  }
}
