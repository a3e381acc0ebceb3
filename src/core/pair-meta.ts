/**
 * Per-pair order constraints as typed arrays indexed like the quote table, so evaluation reads
 * them without touching PairInfo objects (no property lookups through polymorphic objects, no allocation).
 */
import type { PairInfo } from './pair.js';

export interface PairMeta {
  readonly size: number;
  /** Price decimals (`pair_decimals`). */
  readonly pairDecimals: Int32Array;
  /** Volume decimals (`lot_decimals`). */
  readonly lotDecimals: Int32Array;
  /** Minimum volume, base units. */
  readonly ordermin: Float64Array;
  /** Minimum cost, quote units (0 = none). */
  readonly costmin: Float64Array;
  /** Global pair index of each local one (see pair-universe.ts). */
  readonly globalIndex: Int32Array;
}

/** `localToGlobal` defaults to the identity (a table holding the whole universe). */
export function buildPairMeta(pairs: readonly PairInfo[], localToGlobal?: readonly number[]): PairMeta {
  const size = pairs.length;
  const meta: PairMeta = {
    size,
    pairDecimals: new Int32Array(size),
    lotDecimals: new Int32Array(size),
    ordermin: new Float64Array(size),
    costmin: new Float64Array(size),
    globalIndex: new Int32Array(size),
  };
  for (let i = 0; i < size; i++) {
    const p = pairs[i] as PairInfo;
    meta.pairDecimals[i] = p.pairDecimals;
    meta.lotDecimals[i] = p.lotDecimals;
    meta.ordermin[i] = p.ordermin;
    meta.costmin[i] = p.costmin;
    meta.globalIndex[i] = localToGlobal === undefined ? i : (localToGlobal[i] ?? -1);
  }
  return meta;
}
