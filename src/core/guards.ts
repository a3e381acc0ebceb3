/**
 * Staleness guards. Both compare timestamps from ONE clock each (ORIGINAL defect 4 compared the
 * local clock with Kraken's, so clock skew decided whether it traded):
 *  - local age: our receive time of the triggering update vs our `now` (same local epoch-µs clock);
 *  - exchange age: Kraken's timestamp of the triggering update vs the oldest Kraken timestamp of
 *    the other three legs (same Kraken clock): how far apart in market time the four quotes are.
 */

/**
 * True when `nowUs − recvUs ≤ maxAgeUs`. NaN anywhere → false. A negative age (receive stamped by
 * another thread a hair "after" now) counts as fresh: both come from the same epoch-µs clock source.
 */
export function isFresh(recvUs: number, nowUs: number, maxAgeUs: number): boolean {
  return nowUs - recvUs <= maxAgeUs;
}

/**
 * True when the triggering update's Kraken timestamp is no more than `maxExchangeAgeMs` after the
 * oldest other leg's (both epoch seconds). NaN → false. A leg newer than the trigger is fine.
 */
export function legsInSync(
  triggerExchTs: number,
  oldestOtherExchTs: number,
  maxExchangeAgeMs: number,
): boolean {
  return (triggerExchTs - oldestOtherExchTs) * 1000 <= maxExchangeAgeMs;
}
