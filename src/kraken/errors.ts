/**
 * Kraken error strings → typed errors, in ONE table (docs/kraken-protocol.md §4.1,
 * docs.kraken.com/api/docs/guides/spot-errors). Also the transport, response-shape, unknown-outcome
 * and secret errors of the REST adapter. No message ever contains a secret, an API key or API-Sign.
 */
import { AppError } from '../core/app-error.js';
import { OrderOutcomeUnknownError } from './order-errors.js';

/** retryable: try again later; not-retryable: this request is wrong as is; fatal: stop, fix config/key. */
export type RetryClass = 'retryable' | 'not-retryable' | 'fatal';

export type KrakenErrorCategory =
  | 'General'
  | 'Auth'
  | 'API'
  | 'Query'
  | 'Order'
  | 'Trade'
  | 'Funding'
  | 'Service'
  | 'Account'
  | 'BM'
  | 'Database'
  | 'Session'
  | 'Unknown';

export interface KrakenErrorRule {
  readonly retry: RetryClass;
  /** The detail after the stem is a unix timestamp (seconds) to retry after. */
  readonly retryAtDetail?: boolean;
}

const R: KrakenErrorRule = { retry: 'retryable' };
const N: KrakenErrorRule = { retry: 'not-retryable' };
const F: KrakenErrorRule = { retry: 'fatal' };

/**
 * Every documented string (stem). Kraken appends detail after a further `:` to some of them
 * (`EGeneral:Invalid arguments:volume`, `EGeneral:Internal error:12`, `EService:Throttled: 1700000000`);
 * those match by longest stem prefix.
 */
export const KRAKEN_ERROR_TABLE: Readonly<Record<string, KrakenErrorRule>> = {
  'EGeneral:Invalid arguments': N,
  'EGeneral:Invalid arguments:Index unavailable': N,
  // Caused by repeated invalid-key errors: the key setup is wrong, retrying prolongs the lockout.
  'EGeneral:Temporary lockout': F,
  'EGeneral:Permission denied': F,
  'EGeneral:Internal error': R,
  'EGeneral:Too many requests': R,
  'EService:Unavailable': R,
  'EService:Market in cancel_only mode': N,
  'EService:Market in post_only mode': N,
  'EService:Deadline elapsed': R,
  'EService:Throttled': { retry: 'retryable', retryAtDetail: true },
  'EAPI:Invalid key': F,
  'EAPI:Invalid signature': F,
  // Not retried automatically: repeated invalid nonces can get the key banned (docs/kraken-protocol.md §4.4).
  'EAPI:Invalid nonce': N,
  'EAPI:Rate limit exceeded': R,
  'EOrder:Insufficient funds': N,
  'EOrder:Order minimum not met': N,
  'EOrder:Cost minimum not met': N,
  'EOrder:Tick size check failed': N,
  'EOrder:Orders limit exceeded': N,
  'EOrder:Rate limit exceeded': R,
  'EOrder:Domain rate limit exceeded': R,
  'EOrder:Invalid price': N,
  'EOrder:Margin allowance exceeded': N,
  'EOrder:Margin level too low': N,
  'EOrder:Margin position size exceeded': N,
  'EOrder:Insufficient margin': N,
  'EOrder:Cannot open position': N,
  'EOrder:Cannot open opposing position': N,
  'EOrder:Positions limit exceeded': N,
  'EOrder:Scheduled orders limit exceeded': N,
  'EOrder:Unknown position': N,
  'EOrder:Reduce only:Non-PC': N,
  'EOrder:Reduce only:No position exists': N,
  'EOrder:Reduce only:Position is closed': N,
  'EOrder:Unknown order': N,
  'EOrder:Invalid order': N,
  'EAccount:Invalid permissions': F,
  'EAuth:Account temporary disabled': F,
  'EAuth:Account unconfirmed': F,
  'EAuth:Rate limit exceeded': R,
  'EAuth:Too many requests': R,
  'ETrade:Invalid request': N,
  'ETrade:User Locked': F,
  'EBM:limit exceeded:CAL': N,
  'EFunding:Max fee exceeded': N,
  'EQuery:Unknown asset pair': N,
  'EQuery:Invalid asset pair': N,
  'EQuery:Unknown asset': N,
  'EDatabase:Internal error': R,
  // The private WebSocket token is expired or invalid (seen live; docs/kraken-protocol.md). The
  // WebSocket clients fetch a new token and subscribe again (ws/error-text.ts SESSION_ERROR_RE).
  'ESession:Invalid session': R,
};

const CATEGORIES: ReadonlySet<string> = new Set([
  'General',
  'Auth',
  'API',
  'Query',
  'Order',
  'Trade',
  'Funding',
  'Service',
  'Account',
  'BM',
  'Database',
  'Session',
]);

/** Upper bound for a server-suggested wait, so a bogus timestamp cannot park the client for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** An error Kraken itself answered with (`error` array of the REST envelope, or a WS errorMessage). */
export class KrakenError extends AppError {
  readonly kind = 'venue';
  /** The documented stem, e.g. `EOrder:Insufficient funds`; for unknown strings, the raw text. */
  readonly code: string;
  readonly category: KrakenErrorCategory;
  readonly retry: RetryClass;
  /** Whether `code` is in KRAKEN_ERROR_TABLE. */
  readonly known: boolean;
  /** Text Kraken appended after the stem (e.g. `volume`, an internal code, a timestamp). */
  readonly detail: string | undefined;
  /** Exactly what Kraken sent. */
  readonly raw: string;
  readonly retryAfterMs: number | undefined;
  /** The REST method or WS request that failed, when known. */
  readonly method: string | undefined;

  constructor(init: {
    code: string;
    category: KrakenErrorCategory;
    retry: RetryClass;
    known: boolean;
    detail?: string | undefined;
    raw: string;
    retryAfterMs?: number | undefined;
    method?: string | undefined;
  }) {
    super(init.method === undefined ? `Kraken error ${init.raw}` : `Kraken ${init.method}: ${init.raw}`);
    this.name = 'KrakenError';
    this.code = init.code;
    this.category = init.category;
    this.retry = init.retry;
    this.known = init.known;
    this.detail = init.detail;
    this.raw = init.raw;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
  }
}

function categoryOf(raw: string): KrakenErrorCategory {
  const m = /^[EW]([A-Za-z]+):/.exec(raw);
  const name = m?.[1];
  return name !== undefined && CATEGORIES.has(name) ? (name as KrakenErrorCategory) : 'Unknown';
}

/**
 * Kraken's texts put no space after a colon (`EService:Throttled:1700000000`), but its rate-limit
 * guide documents `EService: Throttled: <unix ts>`: both spellings mean the same error.
 */
function canonical(raw: string): string {
  return raw.replace(/:\s+/g, ':');
}

function findStem(raw: string): string | undefined {
  if (KRAKEN_ERROR_TABLE[raw] !== undefined) return raw;
  let best: string | undefined;
  for (const stem of Object.keys(KRAKEN_ERROR_TABLE)) {
    if (raw.startsWith(`${stem}:`) && (best === undefined || stem.length > best.length)) best = stem;
  }
  return best;
}

function retryAfterFromTimestamp(detail: string | undefined, nowMs: number): number | undefined {
  if (detail === undefined || !/^\d{1,12}(\.\d+)?$/.test(detail)) return undefined;
  const waitMs = Number(detail) * 1000 - nowMs;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(waitMs)));
}

/**
 * Maps one Kraken error string to a KrakenError. Unknown strings keep their raw text as `code`;
 * they default to retryable for the Service/Database categories (server-side trouble) and
 * not-retryable otherwise, so an unknown answer is never retried blindly.
 */
export function parseKrakenError(raw: string, method?: string, nowMs: number = Date.now()): KrakenError {
  const text = raw.trim();
  const canon = canonical(text);
  const stem = findStem(canon);
  const category = categoryOf(canon);
  if (stem === undefined) {
    const retry: RetryClass =
      category === 'Service' || category === 'Database' ? 'retryable' : 'not-retryable';
    return new KrakenError({ code: text, category, retry, known: false, raw: text, method });
  }
  const rule = KRAKEN_ERROR_TABLE[stem] as KrakenErrorRule;
  const detail = canon.length > stem.length ? canon.slice(stem.length + 1).trim() : undefined;
  const retryAfterMs = rule.retryAtDetail === true ? retryAfterFromTimestamp(detail, nowMs) : undefined;
  return new KrakenError({
    code: stem,
    category,
    retry: rule.retry,
    known: true,
    detail,
    raw: text,
    retryAfterMs,
    method,
  });
}

/** `W...` strings in the envelope are warnings, not failures. */
export function isKrakenWarning(raw: string): boolean {
  return raw.startsWith('W');
}

export type KrakenTransportCode =
  'KRAKEN_TIMEOUT' | 'KRAKEN_NETWORK' | 'KRAKEN_HTTP_STATUS' | 'KRAKEN_BAD_JSON' | 'KRAKEN_ABORTED';

/** The request did not get a usable Kraken answer: timeout, network, non-2xx HTTP, unparseable body. */
export class KrakenTransportError extends AppError {
  readonly kind = 'io';
  readonly retry: RetryClass;
  constructor(
    readonly code: KrakenTransportCode,
    readonly method: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`Kraken ${method}: ${message}`, options);
    this.name = 'KrakenTransportError';
    this.retry = transportRetry(code, status);
  }
}

function transportRetry(code: KrakenTransportCode, status: number | undefined): RetryClass {
  if (code === 'KRAKEN_ABORTED') return 'not-retryable';
  if (code !== 'KRAKEN_HTTP_STATUS') return 'retryable';
  if (status === undefined) return 'retryable';
  return status >= 500 || status === 429 || status === 408 ? 'retryable' : 'not-retryable';
}

/** Kraken answered, but the answer does not have the documented shape. */
export class KrakenResponseError extends AppError {
  readonly code = 'KRAKEN_BAD_RESPONSE';
  readonly kind = 'protocol';
  readonly retry: RetryClass = 'not-retryable';
  /** Where in the result the problem is, e.g. `result.ZUSD`. */
  constructor(
    readonly method: string,
    readonly path: string,
    problem: string,
  ) {
    super(`Kraken ${method}: malformed response at ${path}: ${problem}`);
    this.name = 'KrakenResponseError';
  }
}

/** The API secret cannot be used. Never carries the secret. */
export class KrakenSecretError extends AppError {
  readonly code = 'KRAKEN_SECRET_INVALID';
  readonly kind = 'config';
  readonly retry: RetryClass = 'fatal';
  constructor(message: string) {
    super(message);
    this.name = 'KrakenSecretError';
  }
}

/** Thrown before sending when a private call is made without credentials. */
export class KrakenCredentialsError extends AppError {
  readonly code = 'KRAKEN_NO_CREDENTIALS';
  readonly kind = 'config';
  readonly retry: RetryClass = 'fatal';
  constructor(method: string) {
    super(`Kraken ${method}: private call without API key/secret`);
    this.name = 'KrakenCredentialsError';
  }
}

/** The retry class of any error this adapter throws; anything else (a bug) counts as not-retryable. */
export function retryClass(err: unknown): RetryClass {
  if (
    err instanceof KrakenError ||
    err instanceof KrakenTransportError ||
    err instanceof KrakenResponseError ||
    err instanceof OrderOutcomeUnknownError ||
    err instanceof KrakenSecretError ||
    err instanceof KrakenCredentialsError
  ) {
    return err.retry;
  }
  return 'not-retryable';
}
