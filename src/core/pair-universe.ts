/**
 * The tradable universe, derived from AssetPairs (docs/design-decisions.md, defect 10: no hand-listed pairs), and its
 * split across listener threads.
 *
 * Universe: every base X with both X/USD and X/EUR `online`, plus USDT/USD and USDT/EUR (required).
 * Coins are sorted by base code so every thread and every restart sees the same numbering.
 * Global index layout (see pair-index.ts): 0 = USDT/USD, 1 = USDT/EUR, coin k at 2+2k (X/USD), 3+2k (X/EUR).
 */
import type { PairInfo } from './pair.js';
import { eurPairIndex, usdPairIndex } from './pair-index.js';
import { AppError } from './app-error.js';

/**
 * Bases that are never treated as coins: the two quote fiats, the stablecoin leg, other fiat
 * (an X/USD + X/EUR pair of a fiat is an FX pair, not a coin), in both v1 (`GBP`) and legacy (`ZGBP`) spelling.
 */
export const DEFAULT_EXCLUDED_BASES: ReadonlySet<string> = new Set([
  'USD',
  'EUR',
  'USDT',
  'GBP',
  'CAD',
  'JPY',
  'CHF',
  'AUD',
  'AED',
  'ZUSD',
  'ZEUR',
  'ZGBP',
  'ZCAD',
  'ZJPY',
  'ZCHF',
  'ZAUD',
]);

/**
 * Stablecoins Kraken lists against USD and EUR. Kraken charges stablecoin-base pairs its
 * stablecoin fee schedule (flat, lower), not the coin schedule the evaluation prices every coin
 * with, so they are left out of the universe. Names alone miss new stablecoins: a coin whose fee
 * schedule is not the coin schedule is left out too (selectUniverse).
 */
export const STABLECOIN_BASES: ReadonlySet<string> = new Set([
  'USDC',
  'DAI',
  'PYUSD',
  'EURC',
  'USDG',
  'RLUSD',
  'TUSD',
  'USDP',
  'USDS',
  'USDQ',
  'USDR',
  'USD1',
  'FDUSD',
  'EURQ',
  'EURR',
  'UST',
]);

/** A base with both legs online that the universe leaves out, and why (src/main/pair-discovery.ts logs it). */
export interface ExcludedCoin {
  readonly base: string;
  readonly reason: string;
}

export type PairUniverseErrorCode =
  | 'E_PAIR_MISSING_USDT_USD'
  | 'E_PAIR_MISSING_USDT_EUR'
  | 'E_PAIR_USDT_OFFLINE'
  | 'E_PAIR_NO_COINS'
  | 'E_PAIR_BAD_LISTENER_COUNT';

/** Start-up configuration error (not retryable without different input). */
export class PairUniverseError extends AppError {
  readonly kind = 'config';
  readonly code: PairUniverseErrorCode;
  constructor(code: PairUniverseErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'PairUniverseError';
    this.code = code;
  }
}

export interface CoinPairs {
  /** Base code as in wsname, e.g. `XBT`. */
  readonly base: string;
  readonly usd: PairInfo;
  readonly eur: PairInfo;
}

export interface PairUniverse {
  readonly usdtUsd: PairInfo;
  readonly usdtEur: PairInfo;
  /** Sorted by base; coin k has global pair indices 2+2k (usd) and 3+2k (eur). */
  readonly coins: readonly CoinPairs[];
  /** Every pair by GLOBAL index (length 2 + 2 × coins.length). */
  readonly pairs: readonly PairInfo[];
  /** Bases with both legs online that are not traded, with the reason. */
  readonly excluded: readonly ExcludedCoin[];
}

/** One listener's subset. Plain data: safe to pass to a worker via workerData (structured clone). */
export interface ListenerPairs {
  readonly listenerIndex: number;
  /** Global coin index of this subset's local coin 0 (subsets are contiguous runs of coins). */
  readonly firstCoin: number;
  readonly coinCount: number;
  /** Pairs by LOCAL index: 0 USDT/USD, 1 USDT/EUR, local coin k at 2+2k / 3+2k. */
  readonly pairs: readonly PairInfo[];
  /** localToGlobal[local] = global pair index. */
  readonly localToGlobal: readonly number[];
}

export interface SelectUniverseOptions {
  /** Bases never treated as coins; defaults to DEFAULT_EXCLUDED_BASES. */
  readonly excludedBases?: ReadonlySet<string>;
}

const DARK_POOL_SUFFIX = '.d';

function isDarkPool(p: PairInfo): boolean {
  return p.id.endsWith(DARK_POOL_SUFFIX) || p.altname.endsWith(DARK_POOL_SUFFIX);
}

/** Deterministic pick when Kraken lists two pairs with the same base/quote: the smallest id. */
function keepFirstById(map: Map<string, PairInfo>, key: string, p: PairInfo): void {
  const prev = map.get(key);
  if (prev === undefined || p.id < prev.id) map.set(key, p);
}

/**
 * Select the universe from all AssetPairs. Throws PairUniverseError when a USDT leg is missing or
 * not online (nothing could ever trade) or when no coin has both legs online.
 */
export function selectUniverse(all: readonly PairInfo[], options: SelectUniverseOptions = {}): PairUniverse {
  const excluded = options.excludedBases ?? DEFAULT_EXCLUDED_BASES;
  const usdByBase = new Map<string, PairInfo>();
  const eurByBase = new Map<string, PairInfo>();
  let usdtUsd: PairInfo | undefined;
  let usdtEur: PairInfo | undefined;
  for (const p of all) {
    if (isDarkPool(p)) continue;
    if (p.base === 'USDT' && p.quote === 'USD') {
      if (usdtUsd === undefined || p.id < usdtUsd.id) usdtUsd = p;
      continue;
    }
    if (p.base === 'USDT' && p.quote === 'EUR') {
      if (usdtEur === undefined || p.id < usdtEur.id) usdtEur = p;
      continue;
    }
    if (p.status !== 'online' || excluded.has(p.base)) continue;
    if (p.quote === 'USD') keepFirstById(usdByBase, p.base, p);
    else if (p.quote === 'EUR') keepFirstById(eurByBase, p.base, p);
  }
  if (usdtUsd === undefined)
    throw new PairUniverseError('E_PAIR_MISSING_USDT_USD', 'AssetPairs has no USDT/USD pair');
  if (usdtEur === undefined)
    throw new PairUniverseError('E_PAIR_MISSING_USDT_EUR', 'AssetPairs has no USDT/EUR pair');
  for (const p of [usdtUsd, usdtEur]) {
    if (p.status !== 'online') {
      throw new PairUniverseError('E_PAIR_USDT_OFFLINE', `${p.wsname} status is ${p.status}, not online`);
    }
  }
  const both = [...usdByBase.keys()].filter((b) => eurByBase.has(b));
  // Plain code-unit order (not localeCompare): identical on every machine and locale.
  both.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reference = referenceSchedule(both, usdByBase);
  const left: ExcludedCoin[] = [];
  const bases = both.filter((base) => {
    const reason = exclusionReason(base, usdByBase.get(base), eurByBase.get(base), reference);
    if (reason !== undefined) left.push({ base, reason });
    return reason === undefined;
  });
  if (bases.length === 0)
    throw new PairUniverseError('E_PAIR_NO_COINS', 'no base has both X/USD and X/EUR online');
  const coins: CoinPairs[] = bases.map((base) => ({
    base,
    usd: usdByBase.get(base) as PairInfo,
    eur: eurByBase.get(base) as PairInfo,
  }));
  const pairs: PairInfo[] = [usdtUsd, usdtEur];
  for (const c of coins) pairs.push(c.usd, c.eur);
  return { usdtUsd, usdtEur, coins, pairs, excluded: left };
}

type Schedule = PairInfo['takerFees'];

/** The coin taker schedule the evaluation prices with: XBT/USD's (the fetcher's fee pair), else the commonest. */
function referenceSchedule(bases: readonly string[], usd: ReadonlyMap<string, PairInfo>): Schedule {
  const xbt = usd.get('XBT');
  if (xbt !== undefined) return xbt.takerFees;
  const counts = new Map<string, { n: number; s: Schedule }>();
  for (const b of bases) {
    const s = (usd.get(b) as PairInfo).takerFees;
    const k = JSON.stringify(s);
    const c = counts.get(k) ?? { n: 0, s };
    c.n++;
    counts.set(k, c);
  }
  let best: { n: number; s: Schedule } | undefined;
  for (const c of counts.values()) if (best === undefined || c.n > best.n) best = c;
  return best?.s ?? [];
}

function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.length === b.length && a.every((row, i) => row[0] === b[i]?.[0] && row[1] === b[i]?.[1]);
}

function exclusionReason(
  base: string,
  usd: PairInfo | undefined,
  eur: PairInfo | undefined,
  reference: Schedule,
): string | undefined {
  if (STABLECOIN_BASES.has(base))
    return 'stablecoin base: Kraken charges it the stablecoin fee schedule, the evaluation prices coins with the coin schedule';
  for (const p of [usd, eur]) {
    if (p !== undefined && !sameSchedule(p.takerFees, reference))
      return `${p.wsname} taker fee schedule (first tier ${p.takerFees[0]?.[1] ?? '?'} %) is not the coin schedule (first tier ${reference[0]?.[1] ?? '?'} %) the evaluation prices with`;
  }
  return undefined;
}

/**
 * Split the coins into contiguous runs, one per listener, sizes differing by at most 1 (the first
 * `coins % n` subsets get the extra coin). Every subset carries both USDT legs at local 0 and 1.
 * Choice for listenerCount > coin count: return only coinCount subsets (one coin each), never an
 * empty one, since a listener without coins would hold a socket and evaluate nothing.
 * The caller should start `result.length` listeners.
 */
export function splitUniverse(universe: PairUniverse, listenerCount: number): ListenerPairs[] {
  if (!Number.isInteger(listenerCount) || listenerCount < 1) {
    throw new PairUniverseError(
      'E_PAIR_BAD_LISTENER_COUNT',
      `listener count must be an integer ≥ 1, got ${String(listenerCount)}`,
    );
  }
  const coinTotal = universe.coins.length;
  const n = Math.min(listenerCount, coinTotal);
  const base = Math.floor(coinTotal / n);
  const extra = coinTotal % n;
  const out: ListenerPairs[] = [];
  let firstCoin = 0;
  for (let li = 0; li < n; li++) {
    const coinCount = base + (li < extra ? 1 : 0);
    const pairs: PairInfo[] = [universe.usdtUsd, universe.usdtEur];
    const localToGlobal: number[] = [0, 1];
    for (let k = 0; k < coinCount; k++) {
      const g = firstCoin + k;
      const c = universe.coins[g] as CoinPairs;
      pairs.push(c.usd, c.eur);
      localToGlobal.push(usdPairIndex(g), eurPairIndex(g));
    }
    out.push({ listenerIndex: li, firstCoin, coinCount, pairs, localToGlobal });
    firstCoin += coinCount;
  }
  return out;
}

/** Global pair index of a local one, by arithmetic (no table needed: subsets are contiguous). */
export function localToGlobalIndex(subset: Pick<ListenerPairs, 'firstCoin'>, localIndex: number): number {
  return localIndex < 2 ? localIndex : localIndex + 2 * subset.firstCoin;
}
