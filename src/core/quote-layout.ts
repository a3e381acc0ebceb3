/**
 * One top-of-book update as numbers: what the feed scanners (v1 spread, v2 ticker) write into a
 * preallocated Float64Array and what the quote table reads from it (QuoteTable.updateFrom), so
 * the hot path passes one array instead of six doubles. Defined once, here.
 */
export const QUOTE_BID = 0;
export const QUOTE_ASK = 1;
/** Kraken's timestamp of the update, epoch seconds with µs (NaN when a v2 ticker carried none). */
export const QUOTE_EXCH_TS = 2;
/** NaN when the frame carried no volumes (old v1 spread frames). */
export const QUOTE_BID_VOL = 3;
export const QUOTE_ASK_VOL = 4;
/** Local receive time, epoch µs: written by the feed client, not by the scanner. */
export const QUOTE_RECV_US = 5;
export const QUOTE_FIELDS = 6;
