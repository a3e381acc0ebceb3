/**
 * The listener counter columns that count dropped updates and opportunities, each with its
 * `reason` tag in `arbitrage_opportunity_dropped`: the engine's own drops (slot full, trader busy,
 * trading disabled, balances unavailable) and every evaluation code but "none" and "opportunity".
 * Updates, publishes and reconnects are counts of work, not drops, and are not here.
 */
import { EVAL_CODE_COUNT, EVAL_NONE, EVAL_OPPORTUNITY, evalCodeName } from '../../core/eval-codes.js';
import {
  CTR_DROP_BALANCE_UNAVAILABLE,
  CTR_DROP_SLOT_FULL,
  CTR_DROP_TRADER_BUSY,
  CTR_DROP_TRADING_DISABLED,
  type SharedCounters,
} from '../../engine/shared/shared-counters.js';

export interface DropColumns {
  readonly names: readonly string[];
  readonly columns: readonly number[];
}

export function dropColumns(counters: SharedCounters): DropColumns {
  const names = ['slot_full', 'trader_busy', 'trading_disabled', 'balance_unavailable'];
  const columns = [
    CTR_DROP_SLOT_FULL,
    CTR_DROP_TRADER_BUSY,
    CTR_DROP_TRADING_DISABLED,
    CTR_DROP_BALANCE_UNAVAILABLE,
  ];
  for (let code = 0; code < Math.min(EVAL_CODE_COUNT, counters.evalCodes); code++) {
    if (code === EVAL_NONE || code === EVAL_OPPORTUNITY) continue;
    names.push(evalCodeName(code));
    columns.push(counters.evalCodeColumn(code));
  }
  return { names, columns };
}
