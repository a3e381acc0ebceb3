/**
 * Every reason an update or an opportunity goes no further, with the name an operator reads in the
 * run summary and on the dashboard and a one-line explanation. Keyed by the counters' own names:
 * evaluation codes (src/core/eval-codes.ts), the listeners' drop columns (shared-counters.ts) and
 * the trader's counters (trader.ts). Three stages, in the order an update meets them.
 */
import type { RunTotals } from './run-summary.js';

export type DropStage = 'not-evaluated' | 'failed-check' | 'not-taken' | 'at-trader';

export interface DropReason {
  /** The counter's name, as in the summary JSON and the metrics' `reason` tag. */
  readonly key: string;
  readonly stage: DropStage;
  /** What an operator reads. */
  readonly label: string;
  readonly explanation: string;
}

export const DROP_STAGE_TITLES: Readonly<Record<DropStage, string>> = {
  'not-evaluated': 'Updates not evaluated (a leg not ready)',
  'failed-check': 'Opportunities above MIN_ROI that failed a check',
  'not-taken': 'Tradable opportunities the trader did not get',
  'at-trader': 'Opportunities the trader took and did not trade',
};

export const DROP_REASONS: readonly DropReason[] = [
  {
    key: 'pair_offline',
    stage: 'not-evaluated',
    label: 'pair offline',
    explanation:
      'a leg, or the whole feed, was not online: subscribing at start-up, reconnecting, maintenance',
  },
  {
    key: 'bad_quote',
    stage: 'not-evaluated',
    label: 'no usable quote',
    explanation: 'a leg had no quote yet, or its last one was unusable (zero, NaN, bid at or above ask)',
  },
  {
    key: 'bad_params',
    stage: 'not-evaluated',
    label: 'bad parameters',
    explanation:
      'the fee or a limit was unusable, so nothing was evaluated: check the configuration and the log',
  },
  {
    key: 'stale_local',
    stage: 'failed-check',
    label: 'stale (our clock)',
    explanation: 'the update was older than MAX_LOCAL_AGE_MS when it was evaluated: the machine is behind',
  },
  {
    key: 'stale_exchange',
    stage: 'failed-check',
    label: 'legs out of sync',
    explanation: "another leg's quote was more than MAX_EXCHANGE_AGE_MS older (Kraken time) than the trigger",
  },
  {
    key: 'balance_too_small',
    stage: 'failed-check',
    label: 'balance too small',
    explanation: 'the USD or EUR available does not buy one lot',
  },
  {
    key: 'zero_volume',
    stage: 'failed-check',
    label: 'no volume',
    explanation: "the books' shown volume or MAX_ORDER_VALUE rounds the order down to nothing",
  },
  {
    key: 'below_ordermin_buy',
    stage: 'failed-check',
    label: 'below minimum (buy)',
    explanation: "the volume is below the buy pair's minimum order volume (ordermin)",
  },
  {
    key: 'below_ordermin_sell',
    stage: 'failed-check',
    label: 'below minimum (sell)',
    explanation: "the volume is below the sell pair's minimum order volume (ordermin)",
  },
  {
    key: 'below_costmin_buy',
    stage: 'failed-check',
    label: 'below minimum cost (buy)',
    explanation: "the buy is worth less than the pair's minimum order cost (costmin)",
  },
  {
    key: 'below_costmin_sell',
    stage: 'failed-check',
    label: 'below minimum cost (sell)',
    explanation: "the sell is worth less than the pair's minimum order cost (costmin)",
  },
  {
    key: 'dropTraderBusy',
    stage: 'not-taken',
    label: 'trader busy',
    explanation:
      'the trader was in a trade or its post-trade pause (POST_TRADE_PAUSE_MS), or not yet taking (start-up)',
  },
  {
    key: 'dropSlotFull',
    stage: 'not-taken',
    label: 'hand-off slot full',
    explanation: "another listener's opportunity was waiting for the trader at that instant",
  },
  {
    key: 'dropTradingDisabled',
    stage: 'not-taken',
    label: 'trading stopped',
    explanation: 'trading was off: a risk limit, an operator stop, or shutdown',
  },
  {
    key: 'dropPairNotOnline',
    stage: 'not-taken',
    label: 'pair not online',
    explanation: "a leg's pair is no longer online at Kraken (AssetPairs status: cancel_only, limit_only...)",
  },
  {
    key: 'dropBalanceUnavailable',
    stage: 'not-taken',
    label: 'balances unknown',
    explanation: 'balances or fees not fetched yet, or older than 30 s (see fetch failures in the log)',
  },
  {
    key: 'staleAtTrader',
    stage: 'at-trader',
    label: 'stale at the trader',
    explanation: 'older than MAX_LOCAL_AGE_MS when the trader took it: no order was sent',
  },
  {
    key: 'tradingDisabled',
    stage: 'at-trader',
    label: 'trading stopped',
    explanation: 'trading was stopped between the listener publishing it and the trader taking it',
  },
  {
    key: 'privateNotReady',
    stage: 'at-trader',
    label: 'order socket not ready',
    explanation: 'the private WebSocket was not connected and subscribed (start-up or reconnect)',
  },
  {
    key: 'riskRefused',
    stage: 'at-trader',
    label: 'refused by a risk limit',
    explanation: 'a risk limit was reached; trading stopped',
  },
  {
    key: 'pairNotOnline',
    stage: 'at-trader',
    label: 'pair not online',
    explanation: "a leg's pair left online at Kraken after the listener published it: no order was sent",
  },
  {
    key: 'insufficientBalance',
    stage: 'at-trader',
    label: 'cannot pay',
    explanation: 'the balance minus what trades spent since it was fetched does not cover the buy',
  },
  {
    key: 'journalBacklog',
    stage: 'at-trader',
    label: 'journal not writing',
    explanation: 'the journal holds records it could not write (disk full?): no new trade until it writes',
  },
];

/** Other listener counts shown beside the drops: bad input, not opportunities. */
export const INPUT_PROBLEMS: readonly DropReason[] = [
  {
    key: 'malformed',
    stage: 'not-evaluated',
    label: 'malformed frames',
    explanation: 'frames that failed to parse: counted and skipped',
  },
  {
    key: 'outOfOrder',
    stage: 'not-evaluated',
    label: 'out-of-order updates',
    explanation: 'updates older (Kraken time) than the quote already stored: ignored',
  },
  {
    key: 'futureTimestamp',
    stage: 'not-evaluated',
    label: 'future-dated updates',
    explanation:
      "Kraken's timestamp more than 1 s ahead of this machine's clock: refused (bad data, or check NTP)",
  },
];

const BY_KEY = new Map([...DROP_REASONS, ...INPUT_PROBLEMS].map((r) => [r.key, r]));

/** The operator's name and explanation of a counter; an unknown key explains itself as unknown. */
export function dropReason(key: string): DropReason {
  return (
    BY_KEY.get(key) ?? { key, stage: 'not-evaluated', label: key, explanation: '(no explanation recorded)' }
  );
}

export interface DropCount {
  readonly reason: DropReason;
  /** The start-up share; null where there is none (the trader's own counts, or no split known). */
  readonly startup: number | null;
  /** After start-up (all of it where there is no split). */
  readonly after: number;
}

function countOf(t: RunTotals | null, key: string): number {
  if (t === null) return 0;
  return t.evaluationDrops[key] ?? t.listenerCounters[key] ?? 0;
}

/** Every non-zero count of `reasons`, split into start-up and after where the split is known. */
export function dropCounts(
  reasons: readonly DropReason[],
  totals: RunTotals,
  startup: RunTotals | null,
  traderCounters: Readonly<Record<string, number>>,
): DropCount[] {
  const out: DropCount[] = [];
  for (const reason of reasons) {
    const atTrader = reason.stage === 'at-trader';
    const total = atTrader ? (traderCounters[reason.key] ?? 0) : countOf(totals, reason.key);
    if (total <= 0) continue;
    const early = atTrader || startup === null ? null : Math.min(total, countOf(startup, reason.key));
    out.push({ reason, startup: early, after: early === null ? total : total - early });
  }
  return out;
}
