/**
 * Fee tiers: Kraken's `fees` / `fees_maker` schedules are [[30-day USD volume, percent], ...]
 * sorted by volume; the tier is the last row whose volume is ≤ the account's 30-day volume.
 */

export type FeeSchedule = ReadonlyArray<readonly [number, number]>;

export interface FeeTier {
  /** Percent, e.g. 0.4 for 0.40 %. */
  pct: number;
  /** Volume where the current tier starts. */
  tierVolume: number;
  /** Next tier's percent and volume; null at the top. */
  nextPct: number | null;
  nextVolume: number | null;
  minPct: number;
  maxPct: number;
}

export function feeTier(schedule: FeeSchedule, volumeUsd: number): FeeTier {
  if (schedule.length === 0)
    return { pct: 0, tierVolume: 0, nextPct: null, nextVolume: null, minPct: 0, maxPct: 0 };
  let idx = 0;
  for (let i = 0; i < schedule.length; i++) {
    const row = schedule[i];
    if (row !== undefined && row[0] <= volumeUsd) idx = i;
  }
  const cur = schedule[idx] ?? [0, 0];
  const next = schedule[idx + 1];
  let minPct = Infinity;
  let maxPct = -Infinity;
  for (const [, pct] of schedule) {
    if (pct < minPct) minPct = pct;
    if (pct > maxPct) maxPct = pct;
  }
  return {
    pct: cur[1],
    tierVolume: cur[0],
    nextPct: next === undefined ? null : next[1],
    nextVolume: next === undefined ? null : next[0],
    minPct,
    maxPct,
  };
}

/** Stablecoin and FX pairs use a flat schedule and do not count toward 30-day volume (docs/kraken-protocol.md §6). */
const FLAT_FEE_BASES = new Set(['USDT', 'USDC', 'DAI', 'PYUSD', 'EUR', 'ZEUR', 'USD', 'ZUSD', 'GBP', 'ZGBP']);

export function isStableOrFxPair(baseCode: string): boolean {
  return FLAT_FEE_BASES.has(baseCode);
}
