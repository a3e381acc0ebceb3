/**
 * Market options, their defaults, and the check that a "consistent" market (no dislocation) can
 * never show an arbitrage after fees. The no-arbitrage budget: a coin's X/USD and X/EUR books move
 * together, so what separates them from the USDT legs is EUR/USD staleness (≤ 2 × band), USDT
 * staleness (≤ 2 × band) and per-quote noise (≤ 2 × noise on the coin legs and on the USDT legs);
 * spreads only help. That sum must stay below the two taker fees with a safety margin.
 */
import { DEFAULT_TAKER_FEE_PCT, feeFactor } from './roi.js';

export interface MarketOptions {
  /** Everything random derives from this seed. */
  seed?: number;
  /** Coins (each with X/USD and X/EUR), majors included; default 520. */
  coins?: number;
  /** Also list USDC/USD and USDC/EUR, a stablecoin-base coin on the stablecoin fee schedule. */
  stablecoinCoin?: boolean;
  /** Generated book updates per second (BookChange events from the feed); default 2,000. */
  updatesPerSecond?: number;
  /** Poisson rate of dislocations; default 0 (none). */
  dislocationsPerMinute?: number;
  /** Edge of a dislocation: ROI after fees at open ≈ 1 + dislocationBps / 10,000; default 80. */
  dislocationBps?: number;
  /** How long an untaken dislocation stays in the book, sim ms; default 300. */
  dislocationLifetimeMs?: number;
  /**
   * Which leg a dislocation moves: `buy` lowers the ask of the pair to buy (the first order of the
   * trade hits the dislocated pair: clean wire-to-wire timing), `sell` raises the bid of the pair to
   * sell, `either` picks at random. Default `buy`.
   */
  dislocationLeg?: 'buy' | 'sell' | 'either';
  /** Zipf exponent of the update-rate skew over sources (USDT legs hottest); default 1.0. */
  skew?: number;
  /** Max per-quote noise around fair on coin pairs, bps; default 5. */
  noiseBps?: number;
  /** Taker fee used for the no-arbitrage budget and dislocation sizing, percent; default 0.40. */
  takerFeePct?: number;
  /**
   * Epoch ms that sim time 0 maps to (Kraken timestamps). Default: Date.now() at creation, and
   * re-anchored by start() so timestamps follow the wall clock while the timer drives the market.
   */
  epochMs?: number;
  /** Timer driver: at most this much sim time is caught up after a stall, ms; default 20. */
  maxCatchUpMs?: number;
  /** After a take, the book refills to its shape after this delay, sim ms; default 25. */
  refillDelayMs?: number;
  /** Monotonic ms clock for the timer driver; default performance.now. */
  clockMs?: () => number;
  /** Monotonic ns clock for dislocation stamps; default process.hrtime.bigint. */
  clockNs?: () => bigint;
  /** Called with every error a change/dislocation listener throws (they are also counted). */
  onListenerError?: (err: unknown) => void;
}

export interface MarketParams {
  seed: number;
  coins: number | undefined;
  stablecoinCoin: boolean;
  updatesPerSecond: number;
  dislocationsPerMinute: number;
  dislocationBps: number;
  dislocationLifetimeMs: number;
  dislocationLeg: 'buy' | 'sell' | 'either';
  skew: number;
  noiseBps: number;
  stableNoiseBps: number;
  eurUsdBandBps: number;
  usdtBandBps: number;
  coinStepBps: number;
  fxStepBps: number;
  takerFeePct: number;
  epochMs: number;
  maxCatchUpMs: number;
  refillDelayMs: number;
}

export const DEFAULT_UPDATES_PER_SECOND = 2_000;
/** The timer driver is meant to sustain this rate (100k/s) with headroom. */
export const MAX_UPDATES_PER_SECOND = 1_000_000;
const SAFETY_MARGIN_BPS = 10;

export class MarketOptionsError extends RangeError {
  readonly code = 'E_SIM_MARKET_OPTIONS';
  constructor(message: string) {
    super(`E_SIM_MARKET_OPTIONS: ${message}`);
    this.name = 'MarketOptionsError';
  }
}

export function resolveParams(o: MarketOptions): MarketParams {
  const p: MarketParams = {
    seed: o.seed ?? 1,
    coins: o.coins,
    stablecoinCoin: o.stablecoinCoin === true,
    updatesPerSecond: o.updatesPerSecond ?? DEFAULT_UPDATES_PER_SECOND,
    dislocationsPerMinute: o.dislocationsPerMinute ?? 0,
    dislocationBps: o.dislocationBps ?? 80,
    dislocationLifetimeMs: o.dislocationLifetimeMs ?? 300,
    dislocationLeg: o.dislocationLeg ?? 'buy',
    skew: o.skew ?? 1.0,
    noiseBps: o.noiseBps ?? 5,
    stableNoiseBps: 0.5,
    eurUsdBandBps: 15,
    usdtBandBps: 5,
    coinStepBps: 3,
    fxStepBps: 0.5,
    takerFeePct: o.takerFeePct ?? DEFAULT_TAKER_FEE_PCT,
    epochMs: o.epochMs ?? Date.now(),
    maxCatchUpMs: o.maxCatchUpMs ?? 20,
    refillDelayMs: o.refillDelayMs ?? 25,
  };
  const problems: string[] = [];
  const check = (ok: boolean, msg: string): void => {
    if (!ok) problems.push(msg);
  };
  check(Number.isInteger(p.seed), 'seed must be an integer');
  check(
    p.updatesPerSecond >= 0 && p.updatesPerSecond <= MAX_UPDATES_PER_SECOND,
    `updatesPerSecond must be in 0..${MAX_UPDATES_PER_SECOND}`,
  );
  check(
    p.dislocationsPerMinute >= 0 && Number.isFinite(p.dislocationsPerMinute),
    'dislocationsPerMinute must be ≥ 0',
  );
  check(p.dislocationBps > 0 && p.dislocationBps < 5_000, 'dislocationBps must be in (0, 5000)');
  check(
    p.dislocationLifetimeMs > 0 && Number.isFinite(p.dislocationLifetimeMs),
    'dislocationLifetimeMs must be > 0',
  );
  check(p.skew >= 0 && p.skew <= 5, 'skew must be in 0..5');
  check(p.noiseBps >= 0, 'noiseBps must be ≥ 0');
  check(p.takerFeePct >= 0 && p.takerFeePct < 10, 'takerFeePct must be in 0..10');
  check(p.maxCatchUpMs > 0 && p.refillDelayMs >= 0, 'maxCatchUpMs must be > 0 and refillDelayMs ≥ 0');
  const budgetBps = (1 - feeFactor(p.takerFeePct)) * 1e4 - SAFETY_MARGIN_BPS;
  const usedBps = 2 * (p.eurUsdBandBps + p.usdtBandBps + p.noiseBps + p.stableNoiseBps);
  check(
    usedBps < budgetBps,
    `noiseBps ${p.noiseBps} leaves no room: the consistent market would show arbitrage after a ${p.takerFeePct}% fee`,
  );
  if (problems.length > 0) throw new MarketOptionsError(problems.join('; '));
  return p;
}
