/**
 * The trade journal's record: one JSON object per line (JSONL). Every record carries when it was
 * written (`ts`, epoch µs), a sequence number unique and increasing across the journal (`seq`),
 * what happened (`kind`) and the trade it belongs to (`tradeId`, '' for records outside a trade
 * such as risk-stop), plus kind-specific fields.
 *
 * Fields summarize() reads (the trader writes them; other fields are kept and ignored):
 *   intent      buyPair, sellPair (v1 wsnames, e.g. 'XBT/USD', 'XBT/EUR'), base, volume, roi
 *   fill        (buy leg) and sell-fill: pair, base, quote, price, volume, fee (in the quote
 *               currency), optional cost (default price × volume), optional fillId (Kraken trade id:
 *               a fill journaled twice, e.g. seen on the socket and again by REST reconciliation,
 *               counts once)
 *   reject, sell-failed, unknown, stranded, risk-stop: reason
 *   reconciled  closes an `unknown` of the same trade (fills it found are journaled as fill/sell-fill)
 *   outcome     status: 'sold' | 'dust' | 'not-filled' | 'rejected' | 'stranded' | 'unknown' | 'failed';
 *               a trade left `unknown` (an order in doubt at shutdown) gets a later outcome when the
 *               restart recovery settles it: the LAST outcome of a trade is its outcome
 *   risk-stop   reason (a RiskStopReason): trading stopped by a limit, until a risk-clear
 *   risk-clear  the operator cleared the risk stop (--clear-risk-stop); cleared: the reason
 *   reserve     userref: the next buy's userref, synced before that buy is sent (the buy goes out
 *               before its intent is written; a crash in between is found at Kraken by it)
 *   release     userref: a reservation no order used (a clean stop, or the recovery found none)
 */
import { AppError } from '../core/app-error.js';
export const JOURNAL_KINDS = [
  'intent',
  'order-sent',
  'ack',
  'reject',
  'fill',
  'order-closed',
  'sell-sent',
  'sell-ack',
  'sell-fill',
  'sell-failed',
  'stranded',
  'unknown',
  'reconciled',
  'outcome',
  'risk-stop',
  'risk-clear',
  'reserve',
  'release',
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

const KIND_SET: ReadonlySet<string> = new Set(JOURNAL_KINDS);
export const isJournalKind = (k: unknown): k is JournalKind => typeof k === 'string' && KIND_SET.has(k);

export interface JournalRecord {
  /** When the record was written, epoch µs (integer). */
  readonly ts: number;
  /** Increasing across the whole journal directory, also across restarts. */
  readonly seq: number;
  readonly kind: JournalKind;
  readonly tradeId: string;
  readonly [field: string]: unknown;
}

/** Field names the writer owns; callers' fields may not use them. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set(['ts', 'seq', 'kind', 'tradeId']);

export type JournalErrorCode =
  | 'E_JOURNAL_DIR'
  | 'E_JOURNAL_RESERVED_FIELD'
  | 'E_JOURNAL_SERIALIZE'
  | 'E_JOURNAL_KIND'
  | 'E_JOURNAL_CLOSED'
  | 'E_JOURNAL_WRITE';

export class JournalError extends AppError {
  readonly kind = 'io';
  constructor(
    readonly code: JournalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

/** A parsed line is a record only with these four fields well-formed. */
export function asJournalRecord(v: unknown): JournalRecord | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.ts !== 'number' || !Number.isFinite(r.ts)) return undefined;
  if (typeof r.seq !== 'number' || !Number.isSafeInteger(r.seq)) return undefined;
  if (!isJournalKind(r.kind) || typeof r.tradeId !== 'string') return undefined;
  return r as JournalRecord;
}

/** `trades-YYYYMMDD.jsonl` for the UTC day of `tsUs` (epoch µs). */
export function journalFileName(tsUs: number): string {
  const d = new Date(Math.floor(tsUs / 1000));
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `trades-${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}.jsonl`;
}

export const JOURNAL_FILE_PATTERN = /^trades-\d{8}\.jsonl$/;
