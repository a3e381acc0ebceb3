/** The configured risk limits, each with what it means for the trader (the preflight's last rows). Pure. */
import type { Config } from '../config/config.js';
import { check, type CheckResult } from './check.js';

export function riskLimits(config: Config): CheckResult[] {
  const s = config.strategy;
  const r = config.risk;
  return [
    check(
      'MAX_ORDER_VALUE',
      'ok',
      String(s.maxOrderValue),
      'the largest buy, in the currency it is paid in (USD or EUR)',
    ),
    check(
      'MIN_ROI',
      'ok',
      String(s.minRoi),
      'a trade is taken only when its return after both fees is above this',
    ),
    check(
      'MAX_TRADES_PER_MINUTE',
      'ok',
      String(r.maxTradesPerMinute),
      'trading stops when more trades than this start within a minute',
    ),
    check(
      'MAX_DAILY_LOSS',
      'ok',
      `${r.maxDailyLoss} USD`,
      "trading stops when the UTC day's realised PnL falls below minus this",
    ),
    check(
      'MAX_CONSECUTIVE_FAILURES',
      'ok',
      String(r.maxConsecutiveFailures),
      'trading stops after this many failed or stranded trades in a row',
    ),
    check(
      'SELL_RETRIES',
      'ok',
      String(r.sellRetries),
      'retries of a failed sell before the coin is recorded as stranded',
    ),
  ];
}
