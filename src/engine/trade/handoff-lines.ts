/**
 * The texts of the trader's hand-off log lines (Trader.logHandoff): an opportunity dropped stale at
 * the trader, and one traded after a hand-off over half the freshness budget. The bench finds them
 * in the program's log by these texts (bench/wire.ts, handoffLines).
 */
export const HANDOFF_LINES = {
  stale: 'opportunity stale at the trader: dropped',
  slowHandoff: 'slow hand-off to the trader: traded',
} as const;
