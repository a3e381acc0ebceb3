/**
 * The fundamental model every book is quoted around: a EUR/USD rate, the USDT peg (USD per USDT)
 * and each coin's USD value. All three are mean-reverting random walks in log space; the FX rate
 * and the peg are also clamped to narrow bands. The bands are what keeps a consistent market free
 * of arbitrage after fees: a quiet X/EUR book quoted at an older EUR/USD differs from the hot USDT
 * legs by at most twice the band (see market-params.ts for the budget).
 */
import type { Prng } from './prng.js';
import type { SimUniverse } from './universe.js';

export interface FundamentalParams {
  /** Std-dev of one coin move, bps. */
  coinStepBps: number;
  /** Std-dev of one EUR/USD or USDT move, bps. */
  fxStepBps: number;
  /** EUR/USD stays within ± this many bps of its start. */
  eurUsdBandBps: number;
  /** USDT stays within ± this many bps of 1 USD. */
  usdtBandBps: number;
}

/** Pull back toward the start per move: weak, so prices wander but never drift off their decimals. */
const MEAN_REVERSION = 0.002;
const BPS = 1e-4;

export class Fundamentals {
  private logEurUsd = 0;
  private logUsdt = 0;
  private readonly coinLog: Float64Array;
  private readonly coinBase: Float64Array;

  constructor(
    private readonly universe: SimUniverse,
    private readonly params: FundamentalParams,
  ) {
    this.coinLog = new Float64Array(universe.coins.length);
    this.coinBase = Float64Array.from(universe.coins, (c) => c.priceUsd);
  }

  get eurUsd(): number {
    return this.universe.eurUsd * Math.exp(this.logEurUsd);
  }

  get usdtUsd(): number {
    return Math.exp(this.logUsdt);
  }

  coinUsd(coin: number): number {
    return (this.coinBase[coin] as number) * Math.exp(this.coinLog[coin] as number);
  }

  stepCoin(coin: number, rng: Prng): void {
    const x = this.coinLog[coin] as number;
    this.coinLog[coin] = x * (1 - MEAN_REVERSION) + rng.normal() * this.params.coinStepBps * BPS;
  }

  stepEurUsd(rng: Prng): void {
    this.logEurUsd = clampedStep(this.logEurUsd, rng, this.params.fxStepBps, this.params.eurUsdBandBps);
  }

  stepUsdt(rng: Prng): void {
    this.logUsdt = clampedStep(this.logUsdt, rng, this.params.fxStepBps, this.params.usdtBandBps);
  }

  /** Fair mid of a pair before per-quote noise: USDT/USD = peg, USDT/EUR = peg / FX, X/EUR = X/USD / FX. */
  fair(pairIndex: number, coin: number): number {
    const u = this.universe;
    if (pairIndex === u.usdtUsdIndex) return this.usdtUsd;
    if (pairIndex === u.usdtEurIndex) return this.usdtUsd / this.eurUsd;
    if (pairIndex === u.eurUsdIndex) return this.eurUsd;
    const usd = this.coinUsd(coin);
    return pairIndex === u.coins[coin]?.usdIndex ? usd : usd / this.eurUsd;
  }
}

function clampedStep(x: number, rng: Prng, stepBps: number, bandBps: number): number {
  const band = bandBps * BPS;
  const next = x * (1 - MEAN_REVERSION) + rng.normal() * stepBps * BPS;
  return next > band ? band : next < -band ? -band : next;
}
