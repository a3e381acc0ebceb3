/**
 * The trader's hand-off log lines (Trader.logHandoff): an opportunity dropped stale at the trader,
 * and one traded after a hand-off over half the freshness budget. The bench finds them in the
 * program's log by these texts (bench/wire.ts, handoffLines).
 */
import type { Opportunity } from '../../core/opportunity.js';
import type { PairInfo } from '../../core/pair.js';

export const HANDOFF_LINES = {
  stale: 'opportunity stale at the trader: dropped',
  slowHandoff: 'slow hand-off to the trader: traded',
} as const;

/**
 * Where the opportunity's time went before the trader took it at `takenUs` (all µs): its stages,
 * the hand-off split at the listener's publish stamp (the publishing thread's part, then the
 * trader's), and how long the trader had been out of its park when it took (`unparkedUs`, 0 when
 * it does not park; long: it was busy with an event-loop turn when the opportunity came).
 */
export function handoffStages(
  opp: Opportunity,
  takenUs: number,
  unparkedUs: number,
  pairs: readonly PairInfo[],
  maxLocalAgeMs: number,
): Record<string, string | number> {
  return {
    // Which opportunity: matched to the venue's (or the bench simulator's) schedule by these.
    buy: pairs[opp.buyPair]?.wsname ?? opp.buyPair,
    sell: pairs[opp.sellPair]?.wsname ?? opp.sellPair,
    listener: opp.listener,
    receiptToEvaluatedUs: opp.evalDoneUs - opp.triggerRecvUs,
    evaluatedToTakenUs: takenUs - opp.evalDoneUs,
    ...(opp.publishedUs > 0 && {
      evaluatedToPublishedUs: opp.publishedUs - opp.evalDoneUs,
      publishedToTakenUs: takenUs - opp.publishedUs,
    }),
    ...(unparkedUs > 0 && { unparkedToTakenUs: takenUs - unparkedUs }),
    ageUs: takenUs - opp.triggerRecvUs,
    maxAgeUs: maxLocalAgeMs * 1000,
  };
}
