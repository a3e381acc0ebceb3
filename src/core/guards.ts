/**
 * Staleness guards. Both compare timestamps from ONE clock each (the original system compared the
 * local clock with Kraken's, so clock skew decided whether it traded: docs/design-decisions.md,
 * defect 4):
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
 * True when the four quotes are within `maxExchangeAgeMs` of each other in Kraken's time (epoch
 * seconds): the trigger no more than that after the oldest other leg, and no other leg more than
 * that after the trigger (a trigger whose own quote is that far behind the market is stale too, and
 * a leg far in the future is bad data). NaN → false.
 */
export function legsInSync(
  triggerExchTs: number,
  oldestOtherExchTs: number,
  newestOtherExchTs: number,
  maxExchangeAgeMs: number,
): boolean {
  return (
    (triggerExchTs - oldestOtherExchTs) * 1000 <= maxExchangeAgeMs &&
    (newestOtherExchTs - triggerExchTs) * 1000 <= maxExchangeAgeMs
  );
}
