/**
 * Result codes of evaluate(): small integers so the hot path returns a number, and a metrics
 * sink can count them in an Int32Array/Float64Array indexed by code.
 */
export const EVAL_NONE = 0;
export const EVAL_OPPORTUNITY = 1;
/** Feed offline or one of the four legs not online. */
export const DROP_PAIR_OFFLINE = 2;
/** One of the four legs has no quote yet or its last quote was NaN/≤ 0/crossed. */
export const DROP_BAD_QUOTE = 3;
/** Triggering update received longer ago than maxLocalAgeUs. */
export const DROP_STALE_LOCAL = 4;
/** Trigger's Kraken timestamp more than maxExchangeAgeMs after the oldest other leg's. */
export const DROP_STALE_EXCHANGE = 5;
/** Spending balance ≤ 0/NaN, or balance-limited volume rounds to zero. */
export const DROP_BALANCE_TOO_SMALL = 6;
/** Volume rounds to zero for another reason (no depth shown, max order value). */
export const DROP_ZERO_VOLUME = 7;
export const DROP_BELOW_ORDERMIN_BUY = 8;
export const DROP_BELOW_ORDERMIN_SELL = 9;
export const DROP_BELOW_COSTMIN_BUY = 10;
export const DROP_BELOW_COSTMIN_SELL = 11;
/** Fee outside [0, 1), NaN limits, coin or trigger index outside the table. */
export const DROP_BAD_PARAMS = 12;
export const EVAL_CODE_COUNT = 13;

export type EvalCode = number;

const NAMES: readonly string[] = [
  'none',
  'opportunity',
  'pair_offline',
  'bad_quote',
  'stale_local',
  'stale_exchange',
  'balance_too_small',
  'zero_volume',
  'below_ordermin_buy',
  'below_ordermin_sell',
  'below_costmin_buy',
  'below_costmin_sell',
  'bad_params',
];

/** Stable snake_case name for logs and metric tags; 'unknown' for codes outside the table. */
export function evalCodeName(code: number): string {
  return NAMES[code] ?? 'unknown';
}
