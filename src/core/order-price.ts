/**
 * The limit price an order may carry: on the pair's tick grid (`tick_size`, which can be coarser
 * than `pair_decimals`: a pair with 2 decimals may trade in steps of 0.05) and never beyond the
 * price that was decided — down for a buy (never pay more), up for a sell (never take less) —
 * formatted to the pair's decimals. Kraken refuses an off-tick price (`EOrder:Tick size check
 * failed`); docs/kraken-protocol.md.
 */
import { ceilToDecimals, floorToDecimals, formatDecimal } from './decimals.js';
import type { PairInfo } from './pair.js';

/** `price` moved onto the tick grid toward the safe side; NaN for a price or grid it cannot use. */
export function onTickPrice(price: number, tickSize: number, decimals: number, side: 'buy' | 'sell'): number {
  const onDecimals = side === 'buy' ? floorToDecimals(price, decimals) : ceilToDecimals(price, decimals);
  const scale = 10 ** decimals;
  // The tick in units of 10^-decimals; a tick finer than the decimals means the decimals rule.
  const tickUnits = Math.max(1, Math.round(tickSize * scale));
  if (!(onDecimals > 0) || !Number.isFinite(tickUnits)) return onDecimals;
  const units = Math.round(onDecimals * scale);
  const rem = units % tickUnits;
  if (rem === 0) return onDecimals;
  return (side === 'buy' ? units - rem : units + tickUnits - rem) / scale;
}

/** The order's price text: on the tick, toward the safe side, at pair_decimals. */
export function formatOrderPrice(price: number, pair: PairInfo, side: 'buy' | 'sell'): string {
  return formatDecimal(onTickPrice(price, pair.tickSize, pair.pairDecimals, side), pair.pairDecimals);
}
