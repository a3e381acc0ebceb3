import { QUOTE_REJECT_NAMES, QuoteReject } from '../shared/quote-reject.js';
/**
 * Reject reason codes of the v2 ticker scanner. Codes 0–16 are the v1 spread scanner's own
 * (same number, same meaning), so counters, logs and `onRejectedFrame` handlers written for v1
 * read v2 codes correctly; 17+ are v2-only. TICKER_REJECT_NAMES is a superset of QUOTE_REJECT_NAMES.
 */

export const TickerReject = {
  ...QuoteReject,
  /** Top level is not a JSON object (v1 array frames land here). */
  NOT_OBJECT: 17,
  /** symbol / bid / ask / bid_qty / ask_qty / data missing. */
  MISSING_FIELD: 18,
  DUPLICATE_KEY: 19,
  /** `timestamp` not an RFC3339 UTC/offset time we accept. */
  BAD_TIMESTAMP: 20,
  /** Nesting deeper than MAX_SKIP_DEPTH inside a skipped value. */
  TOO_DEEP: 21,
  /** `type` present but not `snapshot` / `update`. */
  BAD_FRAME_TYPE: 22,
} as const;
export type TickerRejectCode = (typeof TickerReject)[keyof typeof TickerReject];

export const TICKER_REJECT_NAMES: readonly string[] = [
  ...QUOTE_REJECT_NAMES,
  'not-object',
  'missing-field',
  'duplicate-key',
  'bad-timestamp',
  'too-deep',
  'bad-frame-type',
];
