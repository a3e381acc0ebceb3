/** Shared assertions on one book: sorted best first, uncrossed, every level on the grid. */
import assert from 'node:assert/strict';
import type { BookLevel } from '../../../src/sim/contracts.js';

export function onGrid(x: number, decimals: number): boolean {
  // The grid value n / 10^d is the double the decimal string parses to; x must be exactly that.
  return Math.round(x * 10 ** decimals) / 10 ** decimals === x;
}

export function assertBook(
  bids: readonly BookLevel[],
  asks: readonly BookLevel[],
  pairDecimals: number,
  lotDecimals: number,
  label = '',
): void {
  for (let i = 1; i < bids.length; i++)
    assert.ok(bids[i]!.price < bids[i - 1]!.price, `${label} bids not strictly descending at ${i}`);
  for (let i = 1; i < asks.length; i++)
    assert.ok(asks[i]!.price > asks[i - 1]!.price, `${label} asks not strictly ascending at ${i}`);
  if (bids.length > 0 && asks.length > 0)
    assert.ok(bids[0]!.price < asks[0]!.price, `${label} crossed: ${bids[0]!.price} ≥ ${asks[0]!.price}`);
  for (const l of [...bids, ...asks]) {
    assert.ok(l.price > 0 && l.qty > 0, `${label} empty or non-positive level ${JSON.stringify(l)}`);
    assert.ok(
      onGrid(l.price, pairDecimals),
      `${label} price ${l.price} off the ${pairDecimals}-decimal grid`,
    );
    assert.ok(onGrid(l.qty, lotDecimals), `${label} qty ${l.qty} off the ${lotDecimals}-decimal grid`);
  }
}
