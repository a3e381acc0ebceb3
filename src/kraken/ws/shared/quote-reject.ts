/**
 * Why a quote frame was refused: the codes both scanners share (the v1 spread scanner uses these,
 * the v2 ticker scanner adds its own from 17 on: ../v2/ticker-reject.ts), so counters, logs and
 * `onRejectedFrame` handlers read either version's codes the same way. Names in QUOTE_REJECT_NAMES.
 */
export const QuoteReject = {
  NONE: 0,
  EMPTY: 1,
  OVERSIZED: 2,
  NOT_ARRAY: 3,
  TRUNCATED: 4,
  BAD_CHANNEL_ID: 5,
  NOT_INNER_ARRAY: 6,
  WRONG_TYPE: 7,
  NON_NUMERIC: 8,
  NAN_INFINITY: 9,
  NEGATIVE: 10,
  TOO_FEW_ELEMENTS: 11,
  TOO_MANY_ELEMENTS: 12,
  NOT_SPREAD: 13,
  UNKNOWN_PAIR: 14,
  TRAILING_DATA: 15,
  BAD_SYNTAX: 16,
} as const;
export type QuoteRejectCode = (typeof QuoteReject)[keyof typeof QuoteReject];
export const QUOTE_REJECT_NAMES: readonly string[] = [
  'none',
  'empty',
  'oversized',
  'not-array',
  'truncated',
  'bad-channel-id',
  'not-inner-array',
  'wrong-type',
  'non-numeric',
  'nan-infinity',
  'negative',
  'too-few-elements',
  'too-many-elements',
  'not-spread',
  'unknown-pair',
  'trailing-data',
  'bad-syntax',
];
